"""What the canvas shows after an edit equals a build from scratch, from the first frame on:
reorders and their undo, big selections (in the cache under a tint) deleted, hidden and
dragged, rotate handles of big selections, hidden shapes after an undo."""
import numpy as np
import pytest
from qtpy.QtCore import Qt
from qtpy.QtTest import QTest

from anylabel.core.shape import Shape, rectangle
from anylabel.qt.testing import move, widget_point
from canvas_helpers import pixels, shown_canvas

TOL = 6  # antialiasing rounding (1-2 levels) is not a visible difference


def _canvas(qtbot, shapes, size=(900, 700), image=(1400, 1000)):
    return shown_canvas(qtbot, shapes, size, image)


def _fresh(c) -> np.ndarray:
    """What a from-scratch build shows (layer, tag layout and tint all remade)."""
    c.shape_layer.invalidate()
    c._tags = None
    c._tags_key = None
    c.selection_tint.key = None
    c.wait_for_render()
    return pixels(c)


def _differ(a, b) -> int:
    return int((np.abs(a.astype(int) - b.astype(int)).max(axis=2) > TOL).sum())


def _grid(n, cols=30):
    return [rectangle(20 + 45 * (i % cols), 30 + 45 * (i // cols), 50 + 45 * (i % cols), 60 + 45 * (i // cols),
                      label="car") for i in range(n)]


def test_reorder_and_its_undo_restack_tags_and_overlaps(make_window, image_folder):
    w = make_window()
    w.open_folder(image_folder)
    c = w.canvas
    c.zoom_original()
    c.add_shapes([rectangle(100, 120, 300, 260, label="alpha"), rectangle(100, 120, 220, 200, label="beta"),
                  rectangle(100, 120, 260, 230, label="gamma")], "Paste", select=False)
    c.wait_for_render()
    c.select_indices([0])
    w.reorder_selected(2)  # Bring to front: the stacked tags change order
    c.wait_for_render()
    assert _differ(pixels(c), _fresh(c)) == 0
    c.select_indices([2])
    w.reorder_selected(-2)  # Send to back, Esc, Undo
    c.wait_for_render()
    QTest.keyClick(c, Qt.Key_Escape)
    c.wait_for_render()
    w.undo()
    c.wait_for_render()
    assert _differ(pixels(c), _fresh(c)) == 0


def test_undo_of_send_to_back_repaints_the_overlap_order(make_window, image_folder):
    w = make_window()
    w.open_folder(image_folder)
    c = w.canvas
    c.style.show_labels = False
    c.zoom_original()
    c.add_shapes([rectangle(100, 100, 300, 300, label="alpha"), rectangle(200, 200, 400, 400, label="beta")],
                 "Paste", select=False)
    c.wait_for_render()
    c.select_indices([1])
    w.reorder_selected(-2)
    c.wait_for_render()
    QTest.keyClick(c, Qt.Key_Escape)
    c.wait_for_render()
    w.undo()
    c.wait_for_render()
    assert _differ(pixels(c), _fresh(c)) == 0


@pytest.mark.parametrize("action", ["delete_selected", "hide_selected"])
def test_the_first_frame_after_deleting_or_hiding_a_big_selection_is_right(qtbot, action):
    c = _canvas(qtbot, _grid(600))
    c.select_indices([i for i in range(600) if (i % 30) % 3 == 0])  # 200 shapes: under the tint
    c.wait_for_render()
    getattr(c, action)()
    first = c.grab()  # no waiting: what the user sees at once
    c.wait_for_render()
    assert _differ(pixels(first), pixels(c)) == 0


def test_the_first_frames_of_dragging_a_big_selection_are_right(qtbot):
    c = _canvas(qtbot, _grid(600))
    c.select_indices([i for i in range(600) if (i % 30) % 3 == 0])
    c.wait_for_render()
    x, y = 35.0, 45.0
    move(c, x, y)
    QTest.mousePress(c, Qt.LeftButton, Qt.NoModifier, widget_point(c, x, y))
    move(c, x + 15, y + 15, buttons=Qt.LeftButton)
    first = c.grab()
    c.wait_for_render()
    assert _differ(pixels(first), pixels(c)) == 0
    QTest.mouseRelease(c, Qt.LeftButton, Qt.NoModifier, widget_point(c, x + 15, y + 15))
    released = c.grab()
    c.wait_for_render()
    assert _differ(pixels(released), pixels(c)) == 0
    assert _differ(pixels(c), _fresh(c)) == 0


@pytest.mark.parametrize("n", [50, 51, 120])
def test_rotate_handles_of_a_big_selection_are_drawn_and_grabbed(qtbot, n):
    boxes = []
    for i in range(n):
        x, y = 60 + 70 * (i % 10), 80 + 70 * (i // 10)
        boxes.append(Shape("rotation", [[x, y], [x + 40, y], [x + 40, y + 30], [x, y + 30]], label="car"))
    c = _canvas(qtbot, boxes, size=(800, 1000), image=(800, 1000))
    c.select_indices(list(range(n)))
    c.wait_for_render()
    hp = c.rotate_handle_pos(0)
    patch = pixels(c)[int(hp.y()) - 3:int(hp.y()) + 4, int(hp.x()) - 3:int(hp.x()) + 4, :3]  # BGR
    handle_yellow = (patch[..., 2] > 230) & (patch[..., 1] > 180) & (patch[..., 1] < 220) & (patch[..., 0] < 40)
    assert handle_yellow.any()
    QTest.mousePress(c, Qt.LeftButton, Qt.NoModifier, hp.toPoint())
    assert c._edit().drag == "rotate"
    QTest.mouseRelease(c, Qt.LeftButton, Qt.NoModifier, hp.toPoint())


def test_an_undo_does_not_select_shapes_of_a_hidden_label(make_window, image_folder):
    w = make_window()
    w.open_folder(image_folder)
    c = w.canvas
    c.zoom_original()
    bs = [rectangle(10 + 30 * (i % 20), 10 + 30 * (i // 20), 30 + 30 * (i % 20), 30 + 30 * (i // 20), label="b")
          for i in range(100)]
    a = [rectangle(10 + 30 * (i % 20), 250 + 30 * (i // 20), 30 + 30 * (i % 20), 270 + 30 * (i // 20), label="a")
         for i in range(100)]
    c.add_shapes(bs + a, "Paste", select=False)
    c.select_indices(list(range(100)))
    w.delete_selected()  # the 'b' shapes go; positions 0..99 now hold 'a'
    c.set_label_visible("b", False)
    w.select_all()
    c.wait_for_render()
    w.undo()  # the 'b' shapes come back at 0..99, hidden
    c.wait_for_render()
    assert all(c.is_visible(i) for i in c.selected_indices())


def test_random_edits_show_what_a_fresh_build_shows(qtbot):
    rng = np.random.default_rng(7)
    shapes = [rectangle(*(lambda x, y: (x, y, x + rng.uniform(20, 90), y + rng.uniform(15, 70)))(
        rng.uniform(0, 1200), rng.uniform(0, 900)), label=f"c{k % 4}") for k in range(180)]
    c = _canvas(qtbot, shapes)
    history = []
    for step in range(40):
        n = len(c.shapes)
        history.append(list(c.shapes))
        op = step % 5
        if op == 0:  # a big selection, moved to the front of the list and back
            c.select_indices(sorted(rng.choice(n, size=min(n, 70), replace=False).tolist()))
        elif op == 1:
            sel = c.selected_indices()
            order = [i for i in range(n) if i not in sel] + sel
            c.set_shapes([c.shapes[i] for i in order], keep_selection=False)
        elif op == 2:
            i = int(rng.integers(n))
            c.replace_shapes({i: rectangle(*(c.shapes[i].points.ravel() + rng.uniform(-8, 8)), label="moved")},
                             "Move")
        elif op == 3:
            c.select_indices(rng.choice(n, size=3, replace=False).tolist())
            c.delete_selected()
        else:  # what the window's undo does: an earlier list, the selection kept by position
            history.pop()
            c.set_shapes(history.pop(), keep_selection=True)
        c.wait_for_render()
        assert _differ(pixels(c), _fresh(c)) == 0, f"step {step} ({op})"
