"""Smaller things found in a day's use (issue 15, "Also"): detect + track leaves no empty
label files, the Tracks dock's colours are the canvas's, menu order, docks come back from
the View menu, "Auto Label This Image" without a model, the label dialog."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
from qtpy.QtCore import Qt

from anylabel.core.label_file import new_annotation_for, write_label_file
from anylabel.core.shape import rectangle

pytestmark = pytest.mark.gui


@pytest.fixture
def full_window(make_window):
    """The main window with every extension, as the app starts."""
    w = make_window(install_extensions=True)
    assert not w.error_messages
    return w


def test_detect_and_track_writes_no_empty_label_files(qtbot, full_window, tmp_path) -> None:
    import synthetic_shapes

    w = full_window
    folder = tmp_path / "frames"
    folder.mkdir()
    scene, _ = synthetic_shapes.make_sample(np.random.default_rng(1), "det", 160, 160, max_objects=2, min_size=40)
    for f in range(8):
        if f in (2, 3, 6):   # nothing in these frames
            img = np.full((160, 160, 3), 128, np.uint8)
        else:
            img = np.roll(scene, 2 * f, axis=1)  # the objects move a little from frame to frame
        cv2.imwrite(str(folder / f"v_{f + 1:06d}.png"), img[:, :, ::-1])
    w.open_folder(folder)
    panel = w.autolabel_panel
    assert panel.select_model("fixture_shapes_det")
    with qtbot.waitSignal(panel.model_loaded, timeout=30000):
        panel.load_selected()
    job = w.tracks_dock.ctl.detect_and_track("bytetrack", 0)
    assert job is not None
    qtbot.waitUntil(job.is_finished, timeout=30000)  # its result's slots have run
    written = sorted(p.stem for p in folder.glob("*.json"))
    assert written and all(int(s[-1]) - 1 not in (2, 3, 6) for s in written), written
    import json

    assert all(json.loads((folder / f"{s}.json").read_text())["shapes"] for s in written)
    assert f"{len(written)} labelled" in w.file_dock.position.text()
    model = w.file_dock.model
    from anylabel.qt.icons import check_icon

    marked = [model.data(model.index(r), Qt.DecorationRole).cacheKey() == check_icon().cacheKey()
              for r in range(model.rowCount())]
    assert marked == [(folder / f"v_{r + 1:06d}.json").exists() for r in range(8)]


def test_tracks_dock_squares_are_the_canvas_colours(qtbot, full_window, tmp_path) -> None:
    from anylabel.qt.canvas.colors import key_color
    from anylabel.qt.canvas.shape_render import color_key

    w = full_window
    folder = tmp_path / "f"
    folder.mkdir()
    for f in range(2):
        cv2.imwrite(str(folder / f"v_{f + 1:06d}.png"), np.zeros((60, 80, 3), np.uint8))
        write_label_file(folder / f"v_{f + 1:06d}.json", new_annotation_for(
            folder / f"v_{f + 1:06d}.png", [rectangle(1, 1, 20, 20, "car", group_id=1),
                                             rectangle(30, 1, 50, 20, "person", group_id=2)]))
    w.open_folder(folder)
    dock = w.tracks_dock
    dock.show()
    dock.raise_()
    qtbot.waitUntil(lambda: dock.tree.topLevelItemCount() == 2)

    def swatches():
        out = []
        for r in range(dock.tree.topLevelItemCount()):
            item = dock.tree.topLevelItem(r)
            img = item.icon(0).pixmap(12, 12).toImage()
            out.append(img.pixelColor(6, 6).name())
        return out

    for by_track in (False, True):
        w.actions_by_name["toggle_track_colors"].setChecked(by_track)
        qtbot.wait(10)
        expected = [key_color(color_key(s, w.canvas.style.color_by_track)).name() for s in w.current_shapes()]
        assert swatches() == expected, f"colour by track id {'on' if by_track else 'off'}"


def test_open_video_sits_above_quit(full_window) -> None:
    texts = [a.text().replace("&", "") for a in full_window.menu("file").actions() if not a.isSeparator()]
    assert texts[-1] == "Quit"
    assert texts.index("Open Video...") < texts.index("Quit")


def test_view_menu_brings_back_a_closed_dock(qtbot, full_window) -> None:
    w = full_window
    for dock in (w.file_dock, w.shape_dock, w.label_dock, w.flags_dock):
        toggle = next(a for a in _all_actions(w.menu("view")) if a is dock.toggleViewAction())
        dock.close()
        assert not dock.isVisible()
        toggle.trigger()
        assert dock.isVisible(), dock.windowTitle()


def _all_actions(menu):
    for a in menu.actions():
        yield a
        if a.menu() is not None:
            yield from _all_actions(a.menu())


def test_auto_label_this_image_without_a_model_opens_the_panel(qtbot, full_window, image_folder) -> None:
    w = full_window
    w.open_folder(image_folder)
    panel = w.autolabel_panel
    assert not panel.isVisible() and panel.model is None
    act = next(a for a in _all_actions(w.menu("tools")) if a.text().replace("&", "") == "Auto Label This Image")
    act.trigger()
    assert panel.isVisible()
    assert "model" in panel.status.text().lower()


# ---------------------------------------------------------------- the label dialog

def test_label_dialog_beside_the_drawn_shape_which_stays_drawn_and_one_enter_accepts(
        qtbot, make_window, image_folder) -> None:
    from qtpy.QtCore import QRect, QTimer
    from qtpy.QtGui import QColor
    from qtpy.QtWidgets import QApplication

    from anylabel.qt.canvas.style import DRAFT_COLOR
    from anylabel.qt.dialogs.label_dialog import LabelDialog
    from anylabel.qt.testing import drag

    w = make_window()
    w.label_provider = w._dialog_label_provider  # the real dialog, not the test queue
    w.open_folder(image_folder)
    w.remember_label("door")
    w.remember_label("dog")
    w.set_mode("rectangle")
    seen = {}

    def answer() -> None:
        dlg = next(d for d in QApplication.topLevelWidgets() if isinstance(d, LabelDialog) and d.isVisible())
        c = w.canvas
        a, b = c.image_to_widget(200, 150).toPoint(), c.image_to_widget(400, 330).toPoint()
        shape = QRect(c.mapToGlobal(a), c.mapToGlobal(b)).normalized()
        seen["covers"] = dlg.frameGeometry().intersects(shape)
        screen = QApplication.primaryScreen().grabWindow(w.winId()).toImage()
        edge = c.mapTo(w, c.image_to_widget(300, 150).toPoint())
        seen["edge"] = QColor(screen.pixel(edge.x(), edge.y())).name()
        qtbot.keyClicks(dlg.edit, "do")
        popup = dlg.edit.completer().popup()
        qtbot.waitUntil(popup.isVisible, timeout=2000)
        qtbot.keyClick(popup, Qt.Key_Down)
        qtbot.keyClick(popup, Qt.Key_Return)  # one Enter: the highlighted name, accepted
        seen["open_after_enter"] = dlg.isVisible()
        if dlg.isVisible():
            dlg.reject()

    QTimer.singleShot(150, answer)
    drag(w.canvas, 200, 150, 400, 330)
    assert seen["covers"] is False, "the dialog is beside the shape, not over it"
    assert seen["edge"] == DRAFT_COLOR.name(), "the shape stays drawn while it is labelled"
    assert seen["open_after_enter"] is False
    assert [s.label for s in w.current_shapes()] == ["dog"]


def test_the_toolbar_ai_button_opens_the_auto_label_panel(qtbot, full_window) -> None:
    w = full_window
    panel = w.autolabel_panel
    button = next(a for a in w.toolbar.actions() if a.iconText() == "AI Label")
    assert not panel.isVisible()
    widget = w.toolbar.widgetForAction(button)
    qtbot.mouseClick(widget, Qt.LeftButton)
    assert panel.isVisible() and button.isChecked()


def test_the_panel_says_a_demo_model_is_a_demo(qtbot, full_window) -> None:
    panel = full_window.autolabel_panel
    assert panel.select_model("fixture_shapes_det")
    with qtbot.waitSignal(panel.model_loaded, timeout=30000):
        panel.load_selected()
    assert "demo model" in panel.status.text() and "real model" in panel.status.text()
