"""A real main window on a temporary folder and settings file (never the user's home)."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image


@pytest.fixture(autouse=True)
def _never_the_real_rc(tmp_path, monkeypatch):
    """Any settings opened without an explicit path go to a temporary file, not ~/.anylabelrc."""
    monkeypatch.setenv("ANYLABEL_RC", str(tmp_path / "default_anylabelrc"))


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
