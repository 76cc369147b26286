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


# ---------------------------------------------------------------- 4. and 5. the panel's layout

def _clipped(widget, clipper) -> bool:
    """True when ``widget`` sticks out of ``clipper`` (its scroll viewport or the dock) on the right."""
    from qtpy.QtCore import QPoint

    right = widget.mapTo(clipper, QPoint(widget.width(), 0)).x()
    return right > clipper.width()


def test_panel_controls_fit_at_1280x720(qtbot, al_window, shapes_folder) -> None:
    w, panel = al_window, al_window.autolabel_panel
    w.resize(1280, 720)
    w.open_folder(shapes_folder)
    qtbot.keyClick(w, Qt.Key_A, Qt.ControlModifier)
    qtbot.waitUntil(panel.isVisible)
    load_model(qtbot, panel)
    qtbot.wait(50)
    scroll = getattr(panel, "settings_scroll", None) or panel.widget()
    for widget in (panel.device, panel.conf, panel.iou, panel.nms, panel.output_type, panel.slice_size,
                   panel.range_from, panel.range_to, panel.run_all_button, panel.cancel_button, panel.summary):
        clipper = scroll.viewport() if scroll.isAncestorOf(widget) else panel.widget()
        assert not _clipped(widget, clipper), f"{widget.objectName() or type(widget).__name__} is cut off"
    # the whole result text can be read: a long list of failures scrolls in its own box
    for i in range(6):
        (shapes_folder / f"s{i}.png").write_bytes(b"broken")
    with qtbot.waitSignal(panel.batch_finished, timeout=60000):
        panel.run_all()
    text = panel.summary.toPlainText()
    assert "6 failed" in text and all(f"s{i}.png" in text for i in range(6))
    assert panel.summary.verticalScrollBar().maximum() > 0  # more lines than shown: it scrolls


def test_run_and_cancel_stay_put_when_the_result_text_changes(qtbot, al_window, shapes_folder) -> None:
    w, panel = al_window, al_window.autolabel_panel
    w.resize(1280, 720)
    w.open_folder(shapes_folder)
    qtbot.keyClick(w, Qt.Key_A, Qt.ControlModifier)
    load_model(qtbot, panel)
    (shapes_folder / "s3.png").write_bytes(b"broken")
    with qtbot.waitSignal(panel.batch_finished, timeout=60000):
        panel.run_all()  # a long result text (the failed file and why)
    qtbot.wait(20)
    scroll = getattr(panel, "settings_scroll", None) or panel.widget()
    bar = scroll.verticalScrollBar()
    bar.setValue(bar.maximum())  # scrolled down to reach the buttons, as at 1280x720
    qtbot.wait(20)
    where = panel.cancel_button.mapTo(w, panel.cancel_button.rect().topLeft())
    run_at = panel.run_all_button.mapTo(w, panel.run_all_button.rect().topLeft())
    with qtbot.waitSignal(panel.batch_finished, timeout=60000):
        panel.run_all()  # clears the result text at once, then writes a shorter one
        qtbot.wait(10)
        assert panel.cancel_button.mapTo(w, panel.cancel_button.rect().topLeft()) == where
    qtbot.wait(20)
    assert panel.cancel_button.mapTo(w, panel.cancel_button.rect().topLeft()) == where
    assert panel.run_all_button.mapTo(w, panel.run_all_button.rect().topLeft()) == run_at


# ---------------------------------------------------------------- 6. focus back to the canvas

def test_keys_reach_the_canvas_after_panel_buttons_and_dialogs(qtbot, al_window, shapes_folder) -> None:
    from qtpy.QtWidgets import QApplication, QDialog

    w, panel = al_window, al_window.autolabel_panel
    w.open_folder(shapes_folder)
    qtbot.keyClick(w, Qt.Key_A, Qt.ControlModifier)
    load_model(qtbot, panel)
    qtbot.mouseClick(panel.range_to, Qt.LeftButton)  # the user set the range first
    assert QApplication.focusWidget() is not w.canvas
    with qtbot.waitSignal(panel.prediction_applied, timeout=30000):
        qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_D)
    assert w.current_index == 1, "D went to the canvas"
    # a dialog (Tools > Statistics) closed with Escape: the keys are the canvas's again
    qtbot.mouseClick(panel.range_from, Qt.LeftButton)
    w.actions_by_name["statistics"].trigger()
    dlg = next(d for d in w.findChildren(QDialog) if d.isVisible())
    dlg.activateWindow()
    QApplication.setActiveWindow(dlg)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None and QApplication.focusWidget().window() is dlg)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Escape)
    QApplication.setActiveWindow(w)  # what the window manager does when the dialog goes
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.canvas, timeout=2000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_D)
    assert w.current_index == 2


# ---------------------------------------------------------------- 3. Q right after a restart

def test_first_q_after_a_restart_enters_sam_mode_while_the_model_loads(qtbot, make_window, tmp_path) -> None:
    from anylabel.qt.extensions import sam

    fixtures = Path(__file__).resolve().parents[2] / "models" / "fixtures"
    cfg = tmp_path / "sam-contract.yaml"
    cfg.write_text(f"type: segment_anything\nname: sam-contract\n"
                   f"encoder_model_path: {fixtures / 'sam_contract_encoder.onnx'}\n"
                   f"decoder_model_path: {fixtures / 'sam_contract_decoder.onnx'}\n")
    folder = tmp_path / "photos"
    folder.mkdir()
    img = np.full((300, 400, 3), (70, 150, 80), np.uint8)
    cv2.circle(img, (150, 150), 70, (40, 40, 220), -1)
    cv2.imwrite(str(folder / "p.png"), img)
    write_label_file(folder / "p.json", new_annotation_for(folder / "p.png", [rectangle(100, 100, 200, 200, "box")]))
    w = make_window(f"sam:\n  model: {cfg}\n")  # the model remembered from the last session
    sam.install(w)
    w.open_folder(folder)
    ctl = w.sam
    assert ctl.model is None
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key_Q)
    assert ctl.active and w.canvas.prompt_handler is ctl, "Q entered the mode at once"
    sam_button = next(a for a in w.toolbar.actions() if a.objectName() == "sam_mode")
    assert sam_button.isChecked() and not w.actions_by_name["edit_mode"].isChecked()
    assert "loading" in w.statusBar().currentMessage()
    before = [s.points.tolist() for s in w.current_shapes()]
    qtbot.mouseClick(w.canvas, Qt.LeftButton, pos=w.canvas.image_to_widget(150, 150).toPoint())  # on the labelled box
    assert not w.canvas.selected_indices(), "the click is a prompt, not a selection"
    qtbot.waitUntil(lambda: ctl.session is not None and ctl.session.prediction is not None, timeout=20000)
    disc = np.zeros((300, 400), np.uint8)
    cv2.circle(disc, (150, 150), 70, 1, -1)
    inter = np.logical_and(ctl.session.mask, disc).sum() / np.logical_or(ctl.session.mask, disc).sum()
    assert inter > 0.8
    assert [s.points.tolist() for s in w.current_shapes()] == before
    w.actions_by_name["edit_mode"].trigger()  # back to editing: the toolbar follows
    assert not ctl.active and not sam_button.isChecked()
    ctl.close()
