"""Canvas behaviours driven through the real main window with mouse and key events."""
from __future__ import annotations

import numpy as np
import pytest
from qtpy.QtCore import Qt

from anylabel.core.geometry import rotated_box_from_corners
from anylabel.core.shape import Shape, rectangle
from anylabel.qt.testing import click, clicks, drag, key

pytestmark = pytest.mark.gui


@pytest.fixture
def win(make_window, image_folder):
    w = make_window()
    w.open_folder(image_folder)
    return w


def test_esc_cancels_and_cancelled_label_discards(win):
    c = win.canvas
    key(c, Qt.Key_P)
    clicks(c, [(10, 10), (100, 10)])
    assert c.draft is not None
    key(c, Qt.Key_Escape)
    assert c.draft is None and c.shapes == []
    win.labels.push(None)                        # the user cancels the label dialog
    key(c, Qt.Key_R)
    clicks(c, [(10, 10), (60, 60)])
    assert c.shapes == [] and not win.isWindowModified()


def test_rectangle_by_drag_and_polygon_by_enter(win):
    c = win.canvas
    win.labels.push("a", "b")
    key(c, Qt.Key_R)
    drag(c, 300, 300, 200, 250)                  # any two opposite corners
    assert np.allclose(c.shapes[0].points, [[200, 250], [300, 300]], atol=1)
    key(c, Qt.Key_P)
    clicks(c, [(10, 10), (100, 10), (100, 100), (10, 100)])
    key(c, Qt.Key_Return)
    assert c.shapes[1].shape_type == "polygon" and len(c.shapes[1].points) == 4


def test_vertex_insert_and_remove(win):
    c = win.canvas
    win.add_shapes([Shape("polygon", [[100, 100], [300, 100], [300, 300], [100, 300]], label="p")])
    click(c, 200, 200)                           # select
    drag(c, 200, 100, 200, 60)                   # drag on an edge: inserts a vertex there
    assert len(c.shapes[0].points) == 5
    assert np.allclose(c.shapes[0].points[1], [200, 60], atol=1.5)
    click(c, 200, 60, modifiers=Qt.ShiftModifier)  # Shift+click on a vertex removes it
    assert len(c.shapes[0].points) == 4
    win.undo()
    assert len(c.shapes[0].points) == 5


def test_rectangle_corner_drag_and_nudge(win):
    c = win.canvas
    win.add_shapes([rectangle(100, 100, 200, 200, label="r")])
    click(c, 150, 150)
    drag(c, 200, 200, 250, 260)                  # bottom-right corner
    assert np.allclose(c.shapes[0].points, [[100, 100], [250, 260]], atol=1.5)
    key(c, Qt.Key_Right)
    key(c, Qt.Key_Down, Qt.ShiftModifier)
    assert np.allclose(c.shapes[0].points, [[101, 110], [251, 270]], atol=1.5)


def test_rotate_with_handle_and_keys(win):
    c = win.canvas
    box = Shape("rotation", [[200, 200], [300, 200], [300, 250], [200, 250]], label="b")
    win.add_shapes([box])
    click(c, 250, 225)
    hp = c.rotate_handle_pos(0)
    hx, hy = c.widget_to_image(hp)
    # drag the handle to the right of the centre: the box turns 90 degrees clockwise
    drag(c, hx, hy, 250 + 120, 225, steps=6)
    assert rotated_box_from_corners(c.shapes[0].points).degrees == pytest.approx(90.0, abs=1.0)
    assert "90" in win.selection_label.text() or "89" in win.selection_label.text()
    before = rotated_box_from_corners(c.shapes[0].points).angle
    key(c, Qt.Key_X)                              # -0.1 degree
    key(c, Qt.Key_Z)                              # -1 degree
    after = rotated_box_from_corners(c.shapes[0].points).angle
    assert np.degrees(after - before) == pytest.approx(-1.1, abs=1e-6)
    assert c.shapes[0].direction == pytest.approx(after)


def test_copy_paste_duplicate_delete_group_hide(win):
    c = win.canvas
    win.add_shapes([rectangle(10, 10, 50, 50, label="a"), rectangle(100, 100, 150, 150, label="b")])
    click(c, 30, 30)
    click(c, 120, 120, modifiers=Qt.ControlModifier)  # multi-select
    assert len(c.selected_indices()) == 2
    key(c, Qt.Key_G)
    assert c.shapes[0].group_id == c.shapes[1].group_id == 0
    key(c, Qt.Key_U)
    assert c.shapes[0].group_id is None
    key(c, Qt.Key_C, Qt.ControlModifier)
    key(c, Qt.Key_V, Qt.ControlModifier)
    assert len(c.shapes) == 4 and np.allclose(c.shapes[2].points, c.shapes[0].points)
    key(c, Qt.Key_D, Qt.ControlModifier)              # duplicate the pasted ones, offset
    assert len(c.shapes) == 6 and np.allclose(c.shapes[4].points, c.shapes[0].points + 10)
    key(c, Qt.Key_Delete)                             # no confirmation
    assert len(c.shapes) == 4
    click(c, 30, 30)
    top = c.selected_indices()[0]                     # the pasted copy lies on top of "a"
    key(c, Qt.Key_S)                                  # hide selected
    assert not c.is_visible(top) and c.shape_at(30, 30) != top
    assert "1 hidden" in win.selection_label.text()
    key(c, Qt.Key_W)                                  # show hidden
    assert c.is_visible(0) and "hidden" not in win.selection_label.text()
    key(c, Qt.Key_H, Qt.ControlModifier)
    assert not c.show_all
    key(c, Qt.Key_H, Qt.ControlModifier)
    assert c.show_all


def test_rubber_band_select_and_reorder(win):
    c = win.canvas
    win.add_shapes([rectangle(10, 10, 50, 50, label="a"), rectangle(60, 60, 90, 90, label="b"),
                    rectangle(300, 300, 350, 350, label="c")])
    drag(c, 5, 5, 100, 100)
    assert c.selected_indices() == [0, 1]
    click(c, 320, 320)
    win.reorder_selected(-2)                         # send to back
    assert [s.label for s in c.shapes] == ["c", "a", "b"]
    win.undo()
    assert [s.label for s in c.shapes] == ["a", "b", "c"]


def test_deep_undo_redo(win):
    c = win.canvas
    win.add_shapes([rectangle(10, 10, 50, 50, label="a")])
    click(c, 30, 30)
    for _ in range(300):
        key(c, Qt.Key_Right)
    assert c.shapes[0].points[0][0] == pytest.approx(310)
    for _ in range(300):
        win.undo()
    assert c.shapes[0].points[0][0] == pytest.approx(10)
    assert win.isWindowModified()
    for _ in range(300):
        win.redo()
    assert c.shapes[0].points[0][0] == pytest.approx(310)


def test_label_dialog_fills_shape_fields(make_window, image_folder, qtbot):
    from qtpy.QtCore import QTimer
    from qtpy.QtWidgets import QApplication

    from anylabel.qt.dialogs.label_dialog import LabelDialog

    w = make_window("predefined_classes: [person, car]\nshape_flags: [occluded, truncated]\n")
    w.open_folder(image_folder)
    w.label_provider = w._dialog_label_provider      # the real dialog, answered by a timer

    def answer():
        dlg = next(d for d in QApplication.topLevelWidgets() if isinstance(d, LabelDialog) and d.isVisible())
        assert dlg.edit.completer().model().stringList()[:2] == ["person", "car"]
        dlg.edit.setText("car")
        dlg.group.setText("7")
        dlg.difficult.setChecked(True)
        dlg.description.setPlainText("red")
        dlg.flag_boxes["occluded"].setChecked(True)
        dlg.attrs.insertRow(0)
        from qtpy.QtWidgets import QTableWidgetItem
        dlg.attrs.setItem(0, 0, QTableWidgetItem("occluded"))
        dlg.attrs.setItem(0, 1, QTableWidgetItem("0.5"))
        dlg.accept()

    QTimer.singleShot(50, answer)
    key(w.canvas, Qt.Key_R)
    clicks(w.canvas, [(10, 10), (60, 60)])
    s = w.canvas.shapes[0]
    assert (s.label, s.group_id, s.difficult, s.description, s.attributes) == ("car", 7, True, "red", {"occluded": 0.5})
    assert s.flags == {"occluded": True, "truncated": False}
    assert w.settings.get("label_history")[0] == "car"


def test_label_colours_are_stable_per_name():
    from anylabel.qt.canvas.colors import label_color

    assert label_color("dog").name() == label_color("dog").name()
    assert label_color("dog").name() != label_color("cat").name()


def test_wheel_zoom_keeps_the_point_under_the_cursor_and_panning(win):
    from qtpy.QtCore import QPoint, QPointF
    from qtpy.QtGui import QWheelEvent
    from qtpy.QtWidgets import QApplication

    c = win.canvas
    fit = c.scale
    anchor = c.image_to_widget(200, 150)
    ev = QWheelEvent(anchor, QPointF(c.mapToGlobal(anchor.toPoint())), QPoint(0, 0), QPoint(0, 600),
                     Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False)
    QApplication.sendEvent(c, ev)
    assert c.scale == pytest.approx(fit * 1.15 ** 5)
    x, y = c.widget_to_image(anchor)
    assert (x, y) == pytest.approx((200, 150), abs=0.5)
    area = win.canvas_area
    assert area.hbar.isVisible() and area.hbar.maximum() > 0
    area.hbar.setValue(area.hbar.value() + 40)                   # the scroll bar pans
    assert c.widget_to_image(anchor)[0] == pytest.approx(200 + 40 / c.scale, abs=0.5)
    key(c, Qt.Key_F, Qt.ControlModifier)
    QApplication.processEvents()                                  # the scroll bars go, the canvas grows
    assert c.scale == pytest.approx(fit) and not area.hbar.isVisible()
    key(c, Qt.Key_0, Qt.ControlModifier)                          # 1:1
    assert c.scale == 1.0
    c.set_scale(3.0)                                              # bigger than the view: it can pan
    QApplication.processEvents()
    before = c.widget_to_image(anchor)
    from qtpy.QtTest import QTest
    from qtpy.QtCore import QEvent
    from qtpy.QtGui import QMouseEvent

    QTest.keyPress(c, Qt.Key_Space)                               # Space + drag pans
    a, b = QPoint(300, 200), QPoint(150, 140)                     # widget pixels
    QTest.mousePress(c, Qt.LeftButton, Qt.NoModifier, a)
    QApplication.sendEvent(c, QMouseEvent(QEvent.MouseMove, QPointF(b), Qt.NoButton, Qt.LeftButton, Qt.NoModifier))
    QTest.mouseRelease(c, Qt.LeftButton, Qt.NoModifier, b)
    QTest.keyRelease(c, Qt.Key_Space)
    after = c.widget_to_image(anchor)
    assert after[0] == pytest.approx(before[0] + 50, abs=1) and after[1] == pytest.approx(before[1] + 20, abs=1)
    assert c.shapes == []                                         # panning draws nothing


def test_a_hover_repaints_only_the_highlight_and_that_is_what_a_full_frame_shows(qtbot, monkeypatch):
    """A mouse move in edit mode asks to repaint only where the hover highlight was and is; painting
    just that area over the previous frame gives the full frame, entering, changing and leaving."""
    from qtpy.QtCore import QRect
    from qtpy.QtGui import QPainter, QRegion

    from anylabel.qt.testing import move
    from canvas_helpers import shown_canvas

    shapes = [Shape("polygon", [[60, 60], [160, 50], [180, 140], [70, 150]], label="a"),
              rectangle(220, 80, 330, 200, label="b")]
    c = shown_canvas(qtbot, shapes, (400, 300))
    c.select_indices([0])  # a selected polygon's edge shows an edge point under the cursor
    c.wait_for_render()
    move(c, 380, 280)
    asked = []
    monkeypatch.setattr(c, "update", lambda *args: asked.append(args))
    for x, y in [(120, 100), (160, 50), (170, 95), (171, 97), (275, 140), (380, 280)]:
        shown = c.grab().toImage()
        asked.clear()
        move(c, x, y)
        assert all(len(a) == 1 for a in asked), "a full repaint was asked for"
        region = QRegion()
        for (r,) in asked:
            region = region.united(QRect(r))
        assert all(QRect(r).width() * QRect(r).height() < c.width() * c.height() // 3 for (r,) in asked)
        p = QPainter(shown)
        c.render(p, region.boundingRect().topLeft(), region)  # the region, in place
        p.end()
        assert shown == c.grab().toImage(), (x, y)
