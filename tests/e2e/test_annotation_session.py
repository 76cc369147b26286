"""A user's session: open a folder, draw every shape type, label, edit, undo/redo, save, reopen."""
from __future__ import annotations

import json

import numpy as np
import pytest
from qtpy.QtCore import Qt

from anylabel.core.geometry import rotated_box_from_corners
from anylabel.qt.testing import click, clicks, drag, key

pytestmark = pytest.mark.gui


def _shortcut(w, k, mods=Qt.NoModifier):
    key(w.canvas, k, mods)


def test_draw_every_shape_type_edit_undo_save_reopen(make_window, image_folder, qtbot):
    w = make_window()
    assert w.open_folder(image_folder)
    c = w.canvas
    assert w.current_index == 0 and c.image_width == 640
    w.labels.push("car", "tree", "ship", "wheel", "edge", "nose", "road")

    _shortcut(w, Qt.Key_R)
    assert c.mode == "rectangle"
    clicks(c, [(100, 100), (200, 180)])                # two corners
    assert c.mode == "edit"                              # edit mode after each shape (setting)
    _shortcut(w, Qt.Key_P)
    clicks(c, [(300, 100), (380, 120), (360, 200), (300, 100)])  # click the first vertex to close
    _shortcut(w, Qt.Key_O)
    drag(c, 400, 250, 500, 320)                          # rotated box by dragging
    _shortcut(w, Qt.Key_C, Qt.ShiftModifier)
    clicks(c, [(150, 350), (190, 350)])
    _shortcut(w, Qt.Key_L, Qt.ShiftModifier)
    clicks(c, [(20, 20), (60, 40)])
    _shortcut(w, Qt.Key_P, Qt.ShiftModifier)
    click(c, 600, 50)
    _shortcut(w, Qt.Key_S, Qt.ShiftModifier)
    clicks(c, [(50, 420), (100, 440), (150, 420)])
    _shortcut(w, Qt.Key_Backspace)                       # remove the last vertex while drawing
    click(c, 160, 460)
    _shortcut(w, Qt.Key_Return)

    types = [s.shape_type for s in c.shapes]
    assert types == ["rectangle", "polygon", "rotation", "circle", "line", "point", "linestrip"]
    assert [s.label for s in c.shapes] == ["car", "tree", "ship", "wheel", "edge", "nose", "road"]
    assert np.allclose(c.shapes[0].points, [[100, 100], [200, 180]], atol=1)
    assert len(c.shapes[1].points) == 3
    assert np.allclose(c.shapes[6].points, [[50, 420], [100, 440], [160, 460]], atol=1)
    assert w.isWindowModified()

    # edit: move the rectangle by dragging it
    drag(c, 150, 140, 170, 150)
    assert np.allclose(c.shapes[0].points, [[120, 110], [220, 190]], atol=1.5)
    # drag a polygon vertex
    click(c, 340, 150)
    drag(c, 380, 120, 390, 90)
    assert np.allclose(c.shapes[1].points[1], [390, 90], atol=1.5)
    # rotate the rotated box with V (+1 degree) three times; the status bar shows the angle
    click(c, 450, 285)
    assert c.selected_shapes()[0].shape_type == "rotation"
    for _ in range(3):
        _shortcut(w, Qt.Key_V)
    assert rotated_box_from_corners(c.shapes[2].points).degrees == pytest.approx(3.0, abs=1e-6)
    assert "3.0°" in w.selection_label.text()
    # undo the rotations and the vertex drag, redo one
    for _ in range(4):
        _shortcut(w, Qt.Key_Z, Qt.ControlModifier)
    assert rotated_box_from_corners(c.shapes[2].points).degrees == pytest.approx(0.0, abs=1e-6)
    assert np.allclose(c.shapes[1].points[1], [380, 120], atol=1.5)
    _shortcut(w, Qt.Key_Y, Qt.ControlModifier)
    assert np.allclose(c.shapes[1].points[1], [390, 90], atol=1.5)

    _shortcut(w, Qt.Key_S, Qt.ControlModifier)
    assert not w.isWindowModified()
    saved = json.loads((image_folder / "img1.json").read_text())
    assert [s["shape_type"] for s in saved["shapes"]] == types
    assert saved["imagePath"] == "img1.png" and saved["imageWidth"] == 640 and saved["imageHeight"] == 480
    assert saved["shapes"][2]["direction"] == pytest.approx(0.0)
    assert w.file_dock.model.index_.has_label(0)

    # next image and back: the shapes come back from the file
    _shortcut(w, Qt.Key_D)
    assert w.current_index == 1 and c.shapes == []
    _shortcut(w, Qt.Key_A)
    assert [s.shape_type for s in c.shapes] == types

    # a fresh window on the same folder reads the same document
    w2 = make_window()
    w2.open_folder(image_folder)
    from anylabel.core.label_file import shape_to_dict
    assert [shape_to_dict(s) for s in w2.canvas.shapes] == saved["shapes"]


def test_autosave_when_leaving_and_undo_marks_changed(make_window, image_folder):
    w = make_window()
    w.open_folder(image_folder)
    w.labels.push("a", "b")
    key(w.canvas, Qt.Key_R)
    clicks(w.canvas, [(10, 10), (50, 50)])
    key(w.canvas, Qt.Key_S, Qt.ControlModifier)
    assert not w.isWindowModified()
    key(w.canvas, Qt.Key_Z, Qt.ControlModifier)          # undo after save: changed again
    assert w.canvas.shapes == [] and w.isWindowModified()
    key(w.canvas, Qt.Key_Z, Qt.ShiftModifier | Qt.ControlModifier)
    assert len(w.canvas.shapes) == 1 and not w.isWindowModified()
    key(w.canvas, Qt.Key_R)
    clicks(w.canvas, [(100, 100), (150, 150)])
    key(w.canvas, Qt.Key_D)                              # leaving saves (auto_save default)
    assert w.current_index == 1
    saved = json.loads((image_folder / "img1.json").read_text())
    assert [s["label"] for s in saved["shapes"]] == ["a", "b"]
    key(w.canvas, Qt.Key_A)
    assert len(w.canvas.shapes) == 2 and not w.isWindowModified()


def test_unchanged_files_are_never_written(make_window, image_folder):
    w = make_window()
    w.open_folder(image_folder)
    w.labels.push("a")
    key(w.canvas, Qt.Key_R)
    clicks(w.canvas, [(10, 10), (50, 50)])
    w.save()
    p = image_folder / "img1.json"
    before = (p.read_bytes(), p.stat().st_mtime_ns)
    w.next_image()
    w.prev_image()
    w.next_image()
    assert not (image_folder / "img2.json").exists()
    assert (p.read_bytes(), p.stat().st_mtime_ns) == before


def test_unreadable_label_file_is_reported_and_never_overwritten(make_window, image_folder):
    bad = image_folder / "img1.json"
    bad.write_text('{"shapes": [{"label": "x", "points": "oops"}]}')
    original = bad.read_bytes()
    w = make_window()
    w.open_folder(image_folder)
    assert any("img1.json" in m for m in w.error_messages)
    w.labels.push("a")
    key(w.canvas, Qt.Key_R)
    clicks(w.canvas, [(10, 10), (50, 50)])
    assert w.save() is False
    answers = []
    w.ask_unsaved = lambda name: answers.append(name) or "discard"
    w.next_image()                                        # cannot autosave: asks instead
    assert answers == ["img1.png"] and w.current_index == 1
    assert bad.read_bytes() == original


def test_close_with_unsaved_changes_asks(make_window, image_folder):
    w = make_window("auto_save: false\n")
    w.open_folder(image_folder)
    w.labels.push("a")
    key(w.canvas, Qt.Key_R)
    clicks(w.canvas, [(10, 10), (50, 50)])
    w.ask_unsaved = lambda name: "cancel"
    assert not w.close()
    assert w.isVisible() and not (image_folder / "img1.json").exists()
    w.ask_unsaved = lambda name: "save"
    assert w.close()
    assert json.loads((image_folder / "img1.json").read_text())["shapes"][0]["label"] == "a"
