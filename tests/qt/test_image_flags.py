"""Image-level flags: in the document's undo history, in the Flags dock, and set by a
classifier run on the open image (the real demo classifier, fixture_shapes_cls)."""
from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from qtpy.QtCore import Qt

from anylabel.core.label_file import new_annotation_for, read_label_file, write_label_file
from anylabel.core.shape import rectangle
from anylabel.qt.document import DocumentHistory, ImageDocument, merge_flags
from anylabel.qt.testing import key

pytestmark = pytest.mark.gui


# ---------------------------------------------------------------- document (no widgets)

def test_history_keeps_flags_per_step_through_undo_redo_and_the_depth_limit() -> None:
    h = DocumentHistory(limit=3)
    h.reset([], flags={"a": True})
    h.push([rectangle(0, 0, 1, 1, "x")], "draw")            # shape edit: flags carried forward
    assert h.flags == {"a": True}
    h.push(h.current, "flag", flags={"a": False, "b": True})
    assert h.flags == {"a": False, "b": True} and h.modified
    assert h.undo() is not None and h.flags == {"a": True}
    assert h.redo() is not None and h.flags == {"a": False, "b": True}
    for i in range(4):                                       # past the limit: oldest steps dropped
        h.push(h.current, f"f{i}", flags={"n": i})
    assert h.flags == {"n": 3}
    assert [h.undo() is not None for _ in range(4)] == [True, True, True, False]
    assert h.flags == {"n": 0}                               # the oldest kept step, with its own flags


def test_merge_flags_applies_only_the_users_changes_onto_the_file() -> None:
    base = {"day": True, "blurry": False}
    mine = {"day": False, "blurry": False, "indoor": True}   # cleared day, added indoor
    disk = {"day": True, "blurry": True, "cat": True}        # another writer set blurry and cat
    assert merge_flags(base, mine, disk) == {"day": False, "blurry": True, "cat": True, "indoor": True}


def test_flag_edit_marks_modified_saves_and_undo_returns_to_clean(tmp_path: Path) -> None:
    img = tmp_path / "a.png"
    cv2.imwrite(str(img), np.zeros((20, 30, 3), np.uint8))
    write_label_file(tmp_path / "a.json", new_annotation_for(img, [rectangle(1, 1, 5, 5, "box")], (30, 20)))
    ann = read_label_file(tmp_path / "a.json")
    ann.flags = {"night": True}
    write_label_file(tmp_path / "a.json", ann)
    doc = ImageDocument(img, (30, 20))
    doc.load()
    assert doc.flags == {"night": True} and not doc.modified
    assert not doc.set_flags({"night": True})                # no change, no step
    assert doc.set_flags({"night": False, "rain": True})
    assert doc.modified and len(doc.shapes) == 1
    doc.history.undo()
    assert not doc.modified and doc.flags == {"night": True}
    doc.history.redo()
    assert doc.save()
    saved = read_label_file(tmp_path / "a.json")
    assert saved.flags == {"night": False, "rain": True} and len(saved.shapes) == 1


def test_only_flags_on_an_image_without_labels_writes_a_file(tmp_path: Path) -> None:
    img = tmp_path / "b.png"
    cv2.imwrite(str(img), np.zeros((20, 30, 3), np.uint8))
    doc = ImageDocument(img, (30, 20))
    doc.load()
    doc.set_flags({"empty_scene": True})
    assert doc.save()
    assert json.loads((tmp_path / "b.json").read_text())["flags"] == {"empty_scene": True}


def test_save_over_a_file_changed_on_disk_merges_flags(tmp_path: Path) -> None:
    img = tmp_path / "c.png"
    cv2.imwrite(str(img), np.zeros((20, 30, 3), np.uint8))
    ann = new_annotation_for(img, [], (30, 20))
    ann.flags = {"day": True}
    write_label_file(tmp_path / "c.json", ann)
    doc = ImageDocument(img, (30, 20))
    doc.load()
    doc.set_flags({"day": True, "indoor": True})
    other = read_label_file(tmp_path / "c.json")             # a batch classifier run meanwhile
    other.flags = {"day": False, "cat": True}
    other.shapes = [rectangle(1, 1, 4, 4, "cat")]
    write_label_file(tmp_path / "c.json", other)
    assert doc.save()
    saved = read_label_file(tmp_path / "c.json")
    assert saved.flags == {"day": False, "cat": True, "indoor": True}
    assert [s.label for s in saved.shapes] == ["cat"]


# ---------------------------------------------------------------- the Flags dock

def test_flags_dock_ticks_are_undoable_edits_and_get_saved(qtbot, make_window, image_folder) -> None:
    w = make_window("image_flags: [blurry, night]\n")
    w.open_folder(image_folder)
    dock = w.flags_dock
    assert dock.checked() == {"blurry": False, "night": False}
    dock.list.item(1).setCheckState(Qt.Checked)              # what a click on the box does
    assert w.document.flags == {"night": True} and w.document.modified and w.isWindowModified()
    assert w.actions_by_name["undo"].isEnabled()
    key(w.canvas, Qt.Key_Z, Qt.ControlModifier)
    assert w.document.flags == {} and dock.checked() == {"blurry": False, "night": False}
    assert not w.isWindowModified()
    key(w.canvas, Qt.Key_Y, Qt.ControlModifier)
    assert dock.checked() == {"blurry": False, "night": True}
    w.next_image()                                           # auto-save on leaving the image
    assert read_label_file(image_folder / "img1.json").flags == {"night": True}
    assert dock.checked() == {"blurry": False, "night": False}
    w.prev_image()
    assert dock.checked() == {"blurry": False, "night": True}
    w.close_image()
    assert w.document is None and not dock.list.isEnabled()


# ---------------------------------------------------------------- a classifier on the open image

@pytest.fixture
def one_shape_images(tmp_path: Path) -> tuple[Path, list[str]]:
    """Images with one synthetic shape each (what the demo classifier was trained on)."""
    import synthetic_shapes as syn

    folder = tmp_path / "cls"
    folder.mkdir()
    rng = np.random.default_rng(11)
    truth = []
    for i in range(2):
        img, objs = syn.make_sample(rng, "det", 160, 160, max_objects=1, min_size=35, max_size=50)
        cv2.imwrite(str(folder / f"c{i}.png"), img[:, :, ::-1])
        truth.append(syn.CLASSES["det"][objs[0].cls])
    ann = new_annotation_for(folder / "c0.png", [rectangle(2, 2, 20, 20, "manual")], (160, 160))
    ann.flags = {"blurry": True, "circle": False}             # the user's own flag, and a class name
    write_label_file(folder / "c0.json", ann)
    return folder, truth


def test_run_on_this_image_sets_classifier_flags_undoably(qtbot, make_window, one_shape_images) -> None:
    from anylabel.core.image_io import read_image_rgb
    from anylabel.qt.extensions import autolabel

    folder, truth = one_shape_images
    w = make_window()
    autolabel.install(w)
    w.open_folder(folder)
    panel = w.autolabel_panel
    assert panel.select_model("fixture_shapes_cls")
    with qtbot.waitSignal(panel.model_loaded, timeout=30000):
        panel.load_selected()
    # What the model itself says about this image (real onnxruntime inference, same path).
    expected = panel.model.predict_result(read_image_rgb(folder / "c0.png")).flags
    assert set(expected) == {"circle", "rectangle", "triangle"}
    assert [k for k, v in expected.items() if v] == [truth[0]]  # and it is right on this image
    assert not w.isWindowModified()

    with qtbot.waitSignal(panel.prediction_applied, timeout=30000):
        panel.run_current()
    doc = w.document
    assert doc.flags == {"blurry": True, **expected}          # unmentioned flag kept, classes set
    assert w.flags_dock.checked() == doc.flags
    assert [s.label for s in w.current_shapes()] == ["manual"]  # shapes untouched
    assert w.isWindowModified()
    assert truth[0] in w.statusBar().currentMessage()

    key(w.canvas, Qt.Key_Z, Qt.ControlModifier)               # one step back: the flags as loaded
    assert doc.flags == {"blurry": True, "circle": False}
    assert w.flags_dock.checked() == {"blurry": True, "circle": False}
    assert not w.isWindowModified()
    key(w.canvas, Qt.Key_Y, Qt.ControlModifier)
    assert w.save()
    saved = read_label_file(folder / "c0.json")
    assert saved.flags == {"blurry": True, **expected}
    assert [s.label for s in saved.shapes] == ["manual"]

    # Running again changes nothing: no new undo step, nothing to save.
    steps = len(doc.history)
    with qtbot.waitSignal(panel.prediction_applied, timeout=30000):
        panel.run_current()
    assert len(doc.history) == steps and not w.isWindowModified()


def test_amend_flags_joins_the_step_just_pushed_and_refuses_the_saved_one() -> None:
    h = DocumentHistory()
    h.reset([], flags={"a": True})
    with pytest.raises(ValueError):
        h.amend_flags({"a": False})                           # would rewrite what the file holds
    h.push([rectangle(0, 0, 2, 2, "x")], "Add shapes")
    h.amend_flags({"a": False, "cls": True})                  # shapes and flags: one undo step
    assert h.flags == {"a": False, "cls": True}
    h.undo()
    assert h.flags == {"a": True} and h.current == ()
