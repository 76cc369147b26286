"""Image flags written by other tools (strings, numbers) survive edits, merges and classifier
runs; an unticked flag is no label; undo after a merged reload is not "saved"."""
from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
from qtpy.QtCore import Qt

from anylabel.core.label_file import new_annotation_for, read_label_file, write_label_file
from anylabel.core.shape import rectangle
from anylabel.qt.document import ImageDocument, merge_flags


def _labelme_file(folder: Path, name: str, flags: dict) -> None:
    ann = new_annotation_for(folder / name, [rectangle(1, 1, 5, 5, "box")], (640, 480))
    ann.flags = flags
    write_label_file(folder / (Path(name).stem + ".json"), ann)


FOREIGN = {"reviewed": False, "score": 0.0, "weather": "sunny", "annotator": "bob", "count": 3}


def test_dock_tick_keeps_other_tools_flag_values(qtbot, make_window, image_folder) -> None:
    """Ticking ONE flag in the Flags dock must not rewrite the other flags' values."""
    _labelme_file(image_folder, "img1.png", FOREIGN)
    w = make_window()
    w.open_folder(image_folder)
    dock = w.flags_dock
    row = [dock.list.item(i).data(Qt.UserRole) for i in range(dock.list.count())].index("reviewed")
    dock.list.item(row).setCheckState(Qt.Checked)
    assert w.save()
    saved = json.loads((image_folder / "img1.json").read_text())["flags"]
    assert saved == {**FOREIGN, "reviewed": True}


def test_undo_redo_of_unrelated_flag_keeps_values(tmp_path: Path) -> None:
    """doc.set_flags with the doc's own flags plus one change (what the dock and the panel do)."""
    img = tmp_path / "a.png"
    cv2.imwrite(str(img), np.zeros((20, 30, 3), np.uint8))
    _labelme_file(tmp_path, "a.png", FOREIGN)
    doc = ImageDocument(img, (30, 20))
    doc.load()
    doc.set_flags({**doc.flags, "classifier_cat": True})
    doc.save()
    saved = read_label_file(tmp_path / "a.json").flags
    assert {k: saved[k] for k in FOREIGN} == FOREIGN


def test_merge_keeps_non_bool_value_of_flag_user_changed_type_only() -> None:
    # merge_flags bool()s the user's values too
    assert merge_flags({"w": "sunny"}, {"w": "rainy"}, {"w": "sunny"}) == {"w": "rainy"}


def test_flag_on_then_off_on_unlabelled_image_writes_no_file(qtbot, make_window, image_folder) -> None:
    """Tick and untick a configured flag on an image without labels, then move on."""
    w = make_window("image_flags: [blurry]\n")
    w.open_folder(image_folder)
    dock = w.flags_dock
    dock.list.item(0).setCheckState(Qt.Checked)
    dock.list.item(0).setCheckState(Qt.Unchecked)
    before = w.folder_index.labelled_count
    w.next_image()  # autosave
    p = image_folder / "img1.json"
    assert not p.exists()
    assert w.folder_index.labelled_count == before


def test_save_merge_keeps_other_writers_update_of_a_flag_the_user_did_not_touch(tmp_path: Path) -> None:
    """User ticks 'reviewed'; meanwhile another tool rewrites score 0.5 -> 0.9 in the file.
    The three-way merge must keep the tool's 0.9 (the user never touched 'score')."""
    img = tmp_path / "m.png"
    cv2.imwrite(str(img), np.zeros((20, 30, 3), np.uint8))
    _labelme_file(tmp_path, "m.png", {"reviewed": False, "score": 0.5})
    doc = ImageDocument(img, (30, 20))
    doc.load()
    doc.set_flags({**doc.flags, "reviewed": True})          # exactly what the Flags dock does
    other = read_label_file(tmp_path / "m.json")
    other.flags = {"reviewed": False, "score": 0.9}
    write_label_file(tmp_path / "m.json", other)
    assert doc.save()
    saved = read_label_file(tmp_path / "m.json").flags
    assert saved == {"reviewed": True, "score": 0.9}


def test_classifier_on_open_image_keeps_other_flag_values(qtbot, make_window, image_folder) -> None:
    """A classifier's result on the open image (``apply_prediction`` without shapes, so the
    flags are their own undo step) keeps the flags it does not name."""
    _labelme_file(image_folder, "img1.png", FOREIGN)
    w = make_window()
    w.open_folder(image_folder)
    w.apply_prediction([], False, {"cat": True, "dog": False}, "cls")
    assert w.save()
    saved = json.loads((image_folder / "img1.json").read_text())["flags"]
    assert saved == {**FOREIGN, "cat": True, "dog": False}
    w.undo()
    assert w.document.flags == FOREIGN  # one step of its own


def test_undo_to_saved_marker_after_reload_merge_is_not_clean(tmp_path: Path) -> None:
    """Flag edit, another tool rewrites the file, reload merges; undo twice lands on the step that
    was loaded from the OLD file: it is shown as unmodified although the file now differs."""
    img = tmp_path / "r.png"
    cv2.imwrite(str(img), np.zeros((20, 30, 3), np.uint8))
    _labelme_file(tmp_path, "r.png", {"night": False})
    doc = ImageDocument(img, (30, 20))
    doc.load()
    doc.set_flags({"night": True})
    other = read_label_file(tmp_path / "r.json")
    other.flags = {"night": False, "cat": True}
    other.shapes = []
    write_label_file(tmp_path / "r.json", other)
    doc.reload()
    doc.history.undo(); doc.history.undo()
    on_disk = read_label_file(tmp_path / "r.json")
    assert doc.modified or (doc.flags == on_disk.flags and len(doc.shapes) == len(on_disk.shapes))


def test_dark_theme_draws_radio_buttons(qtbot) -> None:
    from qtpy.QtWidgets import QApplication, QCheckBox, QRadioButton, QVBoxLayout, QWidget

    from anylabel.qt.theme import apply_theme

    app = QApplication.instance()
    apply_theme("dark", app)
    try:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.addWidget(QRadioButton("one"))
        layout.addWidget(QCheckBox("two"))
        qtbot.addWidget(box)
        box.resize(120, 60)
        assert not box.grab().isNull()  # drawing the radio indicator used to raise and abort
    finally:
        apply_theme("system", app)


def test_a_classifier_never_wipes_the_shapes(tmp_path: Path) -> None:
    from anylabel.core.label_file import ImageAnnotation
    from anylabel.inference.apply import apply_prediction
    from anylabel.inference.base import Prediction

    ann = ImageAnnotation(shapes=[rectangle(1, 1, 5, 5, "box")], flags={"blurry": True})
    assert apply_prediction(ann, Prediction(shapes=[], flags={"cat": True, "dog": False}), replace=True)
    assert [s.label for s in ann.shapes] == ["box"]
    assert ann.flags == {"blurry": True, "cat": True, "dog": False}
    assert apply_prediction(ann, Prediction(shapes=[rectangle(2, 2, 6, 6, "car")]), replace=True)
    assert [s.label for s in ann.shapes] == ["car"]  # a detector still replaces
