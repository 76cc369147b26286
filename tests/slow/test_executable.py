"""The one-folder executable (scripts/build_executable.sh linux-cpu) works as the app and the CLI.

Built once per run from the repository's anylabel.spec into a temporary folder, then:
the CLI inside it predicts with a shipped demo model, exports COCO and reads text with
the bundled PP-OCR files; the desktop app starts on the demo folder under Xvfb with a
window manager, in English and in Chinese, and closes cleanly.
Slow (a build takes about a minute once its venv exists): scripts/test_heavy.sh dev.
Screenshots are kept in $ANYLABEL_SHOTS when it is set, for a person to look at.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def executable(tmp_path_factory) -> Path:
    if not sys.platform.startswith("linux"):
        pytest.skip("the linux-cpu executable builds on Linux only")
    dist = tmp_path_factory.mktemp("dist")
    run = subprocess.run(["scripts/build_executable.sh", "linux-cpu"], cwd=REPO, capture_output=True,
                         text=True, timeout=1800, env={**os.environ, "DIST": str(dist)})
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    exe = dist / "AnyLabel-linux-cpu" / "AnyLabel"
    assert exe.is_file() and os.access(exe, os.X_OK)
    return exe


@pytest.fixture()
def demo(tmp_path) -> Path:
    folder = tmp_path / "demo"
    subprocess.run([sys.executable, str(REPO / "scripts" / "make_demo_folder.py"), str(folder)],
                   check=True, capture_output=True)
    return folder


def _run(exe: Path, *args: str, home: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=timeout, env=env)


def test_cli_predicts_and_exports_with_the_bundled_models(executable, demo, tmp_path):
    for label in demo.glob("*.json"):  # predictions must come from this run
        label.unlink()
    run = _run(executable, "predict", "--model", "fixture_shapes_det", "--input", str(demo), home=tmp_path)
    assert run.returncode == 0, run.stderr
    written = sorted(demo.glob("*.json"))
    assert written, run.stdout
    shapes = [s for f in written for s in json.loads(f.read_text())["shapes"]]
    assert shapes and {s["label"] for s in shapes} <= {"circle", "rectangle", "triangle"}

    out = tmp_path / "coco"
    run = _run(executable, "export", "--format", "coco", "--input", str(demo), "--output", str(out), home=tmp_path)
    assert run.returncode == 0, run.stderr
    coco = json.loads(next(out.rglob("*.json")).read_text())
    assert len(coco["annotations"]) == len(shapes)

    run = _run(executable, "doctor", "--no-probe", home=tmp_path)
    assert "PyQt5" in run.stdout, run.stdout  # the Qt check runs through the executable itself


def test_cli_reads_text_with_the_bundled_ppocr_files(executable, tmp_path):
    import cv2

    folder = tmp_path / "text"
    folder.mkdir()
    img = np.full((160, 640, 3), 255, np.uint8)
    cv2.putText(img, "ANYLABEL 2026", (20, 100), cv2.FONT_HERSHEY_SIMPLEX, 2.0, (0, 0, 0), 5, cv2.LINE_AA)
    Image.fromarray(img).save(folder / "sign.png")
    run = _run(executable, "predict", "--model", "ppocr-v4", "--input", str(folder), home=tmp_path)
    assert run.returncode == 0, run.stderr
    shapes = json.loads((folder / "sign.json").read_text())["shapes"]
    text = " ".join(s.get("description") or s["label"] for s in shapes).upper().replace(" ", "")
    assert "ANYLABEL" in text, shapes


class _Display:
    """Xvfb with openbox (without a window manager keyboard focus is lost after dialogs)."""

    def __init__(self, tmp: Path) -> None:
        for tool in ("Xvfb", "openbox", "xdotool", "import"):
            if shutil.which(tool) is None:
                pytest.skip(f"{tool} is not installed (Debian: xvfb, openbox, xdotool, imagemagick)")
        read, write = os.pipe()
        self.xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x720x24", "-nolisten", "tcp"],
                                     pass_fds=(write,), stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as f:
            self.display = ":" + f.readline().strip()
        self.env = {**os.environ, "DISPLAY": self.display, "HOME": str(tmp)}
        self.env.pop("QT_QPA_PLATFORM", None)
        self.wm = subprocess.Popen(["openbox"], env=self.env, stderr=subprocess.DEVNULL)

    def window(self, pid: int, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(pid), "--name", "AnyLabel"],
                                   env=self.env, capture_output=True, text=True)
            if found.stdout.strip():
                return found.stdout.split()[0]
            time.sleep(0.5)
        raise AssertionError(f"no AnyLabel window within {timeout} s")

    def screenshot(self, path: Path) -> np.ndarray:
        subprocess.run(["import", "-window", "root", str(path)], env=self.env, check=True)
        return np.asarray(Image.open(path).convert("RGB"))

    def close(self) -> None:
        for proc in (self.wm, self.xvfb):
            proc.terminate()
            proc.wait(timeout=10)


@pytest.fixture()
def display(tmp_path):
    d = _Display(tmp_path)
    yield d
    d.close()


def _start_and_look(executable: Path, demo: Path, display: _Display, shot: Path, *args: str) -> np.ndarray:
    app = subprocess.Popen([str(executable), *args, str(demo)], env=display.env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        window = display.window(app.pid)
        time.sleep(2)  # the first image is decoded in the background
        picture = display.screenshot(shot)
        # Quit as a user does (Ctrl+Q to the focused window), so the app's own close path runs.
        subprocess.run(["xdotool", "windowactivate", "--sync", window, "key", "ctrl+q"], env=display.env)
        out, err = app.communicate(timeout=30)
    finally:
        if app.poll() is None:
            app.send_signal(signal.SIGKILL)
            app.wait()
    assert app.returncode == 0, err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    return picture


def test_desktop_app_starts_on_the_demo_in_english_and_chinese(executable, demo, display, tmp_path):
    shots = Path(os.environ.get("ANYLABEL_SHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    english = _start_and_look(executable, demo, display, shots / "executable-en.png")
    chinese = _start_and_look(executable, demo, display, shots / "executable-zh_CN.png", "--lang", "zh_CN")
    for picture in (english, chinese):
        # a real window with a photo on it, not a blank screen
        assert len(np.unique(picture.reshape(-1, 3)[::37], axis=0)) > 500
    # the bundled Chinese catalogue was loaded: the menus and docks read differently
    top = slice(0, 80)
    assert np.abs(english[top].astype(int) - chinese[top].astype(int)).sum() > 0
