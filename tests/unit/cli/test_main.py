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
