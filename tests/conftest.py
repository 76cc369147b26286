"""Shared test setup: Qt runs offscreen; helpers to find optional test assets."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
# Tests use the project's own generators in scripts/ (e.g. synthetic_shapes, the images the
# demo models were trained on) as plain modules.
sys.path.insert(0, str(REPO / "scripts"))
SHARED_MODELS = REPO.parent / "shared" / "models"
DARKNET_PHOTOS = Path("/usr/share/darknet/data")


@pytest.fixture
def shared_models() -> Path:
    """../shared/models (benchmark/integration ONNX files); skips when a fresh clone lacks it."""
    if not SHARED_MODELS.is_dir():
        pytest.skip(f"{SHARED_MODELS} is absent (it exists only beside the project's own checkouts)")
    return SHARED_MODELS


@pytest.fixture
def darknet_photo() -> Path:
    """A real photo from Debian's darknet package (installed by scripts/bootstrap.sh dev)."""
    p = DARKNET_PHOTOS / "dog.jpg"
    if not p.exists():
        pytest.skip("Debian package 'darknet' is not installed (scripts/bootstrap.sh dev installs it)")
    return p


@pytest.fixture(autouse=True)
def _isolated_user_files(tmp_path_factory, monkeypatch):
    """No test reads or writes the real home: settings and the model cache go to temp folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ANYLABEL_RC", str(home / ".anylabelrc"))
    monkeypatch.setenv("ANYLABEL_MODELS_DIR", str(home / "models"))
    monkeypatch.setenv("ANYLABEL_CONFIGS_DIR", str(home / "configs"))  # models the user trained or added
    monkeypatch.setenv("ANYLABEL_TILE_CACHE_DIR", str(home / "tiles"))  # pyramids of huge images


# ---- A real main window on a temporary folder and settings file (tests/qt and tests/e2e)

@pytest.fixture
def image_folder(tmp_path):
    folder = tmp_path / "images"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(3):
        arr = rng.integers(0, 255, size=(480, 640, 3), dtype=np.uint8)
        Image.fromarray(arr).save(folder / f"img{i + 1}.png")
    return folder


@pytest.fixture
def make_window(qtbot, tmp_path, monkeypatch):
    from qtpy.QtWidgets import QApplication

    from anylabel.qt.app import create_main_window
    from anylabel.qt.testing import QueuedLabels

    def make(rc_text: str | None = None, **kw):
        rc = tmp_path / "anylabelrc.yaml"
        if rc_text is not None:
            rc.write_text(rc_text)
        labels = kw.pop("label_provider", None) or QueuedLabels()
        w = create_main_window(rc, label_provider=labels, install_extensions=kw.pop("install_extensions", False), **kw)
        w.show_error_dialogs = False
        qtbot.addWidget(w)
        w.resize(1200, 800)
        w.show()
        qtbot.waitExposed(w)
        w.activateWindow()
        QApplication.setActiveWindow(w)  # the offscreen platform does not activate windows itself
        w.labels = labels
        return w

    return make
