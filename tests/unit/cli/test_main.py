import subprocess
import sys

from anylabel import __version__


def run(*args):
    return subprocess.run([sys.executable, "-m", "anylabel", *args], capture_output=True, text=True)


def test_version():
    r = run("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"anylabel {__version__}"


def test_help_lists_subcommands():
    r = run("--help")
    assert r.returncode == 0
    assert "SUBCOMMAND" in r.stdout and "gui" in r.stdout


def test_closed_stdout_pipe_is_no_traceback():
    """`anylabel predict --list-models | head`: the reader closes the pipe early."""
    p = subprocess.Popen([sys.executable, "-m", "anylabel", "predict", "--list-models"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()  # before the child has printed anything: every write meets a closed pipe
    err = p.stderr.read().decode()
    assert p.wait() == 141
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_gui_without_a_display_says_so_instead_of_aborting(tmp_path):
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["ANYLABEL_RC"] = str(tmp_path / "rc")
    r = subprocess.run([sys.executable, "-m", "anylabel", str(tmp_path)], capture_output=True, text=True,
                       env=env, timeout=60)
    assert r.returncode == 2
    assert "needs a display" in r.stderr and "xvfb-run" in r.stderr and "Traceback" not in r.stderr


def test_display_problem_rules():
    from anylabel.cli.main import display_problem

    assert display_problem({}, "linux") is not None
    assert display_problem({"DISPLAY": ":0"}, "linux") is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "wayland"}, "linux") is not None
    assert display_problem({}, "win32") is None and display_problem({}, "darwin") is None
