"""Defects found in a day's use of the desktop (issue 15), each through the real widgets:
the file list after batch runs and filtering, SAM's first Q, the auto-label panel's layout
and focus."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from qtpy.QtCore import Qt
from qtpy.QtGui import QColor, QPalette

from anylabel.core.label_file import new_annotation_for, write_label_file
from anylabel.core.shape import rectangle

pytestmark = pytest.mark.gui


@pytest.fixture
def shapes_folder(tmp_path: Path) -> Path:
    """Six images of the synthetic shapes the demo detector was trained on; s0 is labelled."""
    import synthetic_shapes

    folder = tmp_path / "shapes"
    folder.mkdir()
    rng = np.random.default_rng(7)
    for i in range(6):
        img, _ = synthetic_shapes.make_sample(rng, "det", 160, 160, max_objects=3, min_size=30)
        cv2.imwrite(str(folder / f"s{i}.png"), img[:, :, ::-1])
    write_label_file(folder / "s0.json", new_annotation_for(folder / "s0.png", [rectangle(1, 1, 9, 9, "manual")]))
    return folder


@pytest.fixture
def al_window(make_window):
    from anylabel.qt.extensions import autolabel

    w = make_window()
    autolabel.install(w)
    return w


def load_model(qtbot, panel, name: str = "fixture_shapes_det"):
    assert panel.select_model(name)
    with qtbot.waitSignal(panel.model_loaded, timeout=30000):
        panel.load_selected()
    return panel.model


# ---------------------------------------------------------------- 1. file list after "run all images"

def test_file_list_follows_run_all_images(qtbot, al_window, shapes_folder) -> None:
    w, panel = al_window, al_window.autolabel_panel
    w.open_folder(shapes_folder)
    assert "1 labelled" in w.file_dock.position.text()
    load_model(qtbot, panel)
    with qtbot.waitSignal(panel.batch_finished, timeout=60000) as sig:
        panel.run_all()
    assert sig.args[0].written == 6  # s0 gets detections added to its manual box
    model = w.file_dock.model
    from anylabel.qt.icons import check_icon

    marks = [model.data(model.index(r), Qt.DecorationRole).cacheKey() == check_icon().cacheKey()
             for r in range(model.rowCount())]
    assert marks == [True] * 6, "every file the run wrote shows its check mark"
    assert "6 labelled" in w.file_dock.position.text()
    assert "6 labelled" in w.progress_label.text()


# ---------------------------------------------------------------- 2. D leaves old rows highlighted

def _row_is_highlighted(window, view, row: int) -> bool:
    """From what the window's backing store holds (what the screen shows), not a fresh render:
    a row whose repaint was missed keeps its old highlight only there."""
    from qtpy.QtWidgets import QApplication

    img = QApplication.primaryScreen().grabWindow(window.winId()).toImage()
    rect = view.visualRect(view.model().index(row))
    p = view.viewport().mapTo(window, rect.topRight())
    highlight = view.palette().color(QPalette.Active, QPalette.Highlight)
    c = QColor(img.pixel(p.x() - 4, p.y() + rect.height() // 2))  # right of the short names
    return abs(c.red() - highlight.red()) + abs(c.green() - highlight.green()) + abs(c.blue() - highlight.blue()) < 40


def test_pressing_d_highlights_only_the_current_row(qtbot, make_window, image_folder) -> None:
    w = make_window()
    w.open_folder(image_folder)
    view = w.file_dock.view
    qtbot.wait(50)
    for _ in range(2):
        w.canvas.setFocus()
        qtbot.keyClick(w.canvas, Qt.Key_D)
        qtbot.wait(50)  # the repaints the selection change asked for
    assert w.current_index == 2
    assert [_row_is_highlighted(w, view, r) for r in range(3)] == [False, False, True]
    assert [mi.row() for mi in view.selectionModel().selectedRows()] == [2]


# ---------------------------------------------------------------- 7. the filter and another folder

def test_file_filter_is_cleared_by_opening_another_folder(qtbot, make_window, image_folder, tmp_path) -> None:
    w = make_window()
    w.open_folder(image_folder)
    w.file_dock.search.setText("img2")
    assert w.file_dock.model.rowCount() == 1
    other = tmp_path / "other"
    other.mkdir()
    for name in ("a.png", "b.png"):
        cv2.imwrite(str(other / name), np.zeros((20, 20, 3), np.uint8))
    w.open_folder(other)
    assert w.file_dock.search.text() == ""
    assert w.file_dock.model.rowCount() == 2
    assert w.file_dock.position.text().startswith("1 / 2")
