"""A label file written behind the window's back (batch run, SAM folder run, tracker, another
program) is never overwritten by a stale save: the user's unsaved edits are merged into it,
and ``window.reload_current()`` shows it without leaving the image."""
from __future__ import annotations

import os

import pytest

from anylabel.core.label_file import label_path_for, new_annotation_for, read_label_file, write_label_file
from anylabel.core.shape import rectangle
from anylabel.qt.document import merge_shapes

pytestmark = pytest.mark.gui


def _write(image, shapes, bump_ns: int = 0):
    path = label_path_for(image)
    write_label_file(path, new_annotation_for(image, shapes, (640, 480)))
    if bump_ns:  # a coarse-clock filesystem could give the same mtime: make the change unmistakable
        st = os.stat(path)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + bump_ns))
    return path


def _labels(path):
    return [s.label for s in read_label_file(path).shapes]


def test_autosave_after_a_background_write_keeps_both_sides(make_window, image_folder):
    img = image_folder / "img1.png"
    path = _write(img, [rectangle(10, 10, 50, 50, label="a")])
    w = make_window()
    w.open_folder(image_folder)
    w.add_shapes([rectangle(100, 100, 150, 150, label="mine")])
    # a background run rewrites the label file of the image on screen
    _write(img, [rectangle(10, 10, 50, 50, label="a"), rectangle(200, 200, 260, 260, label="run")], bump_ns=10**6)
    w.next_image()  # auto-save
    assert sorted(_labels(path)) == ["a", "mine", "run"]
    assert "changed on disk" in w.statusBar().currentMessage()
    w.prev_image()
    assert sorted(s.label for s in w.current_shapes()) == ["a", "mine", "run"] and not w.isWindowModified()


def test_explicit_save_merges_and_applies_the_users_deletes_and_edits(make_window, image_folder):
    img = image_folder / "img1.png"
    a, b = rectangle(10, 10, 50, 50, label="a"), rectangle(60, 60, 90, 90, label="b")
    path = _write(img, [a, b])
    w = make_window()
    w.open_folder(image_folder)
    w.set_shapes([w.current_shapes()[1]])               # the user deleted "a" ...
    edited = w.current_shapes()[0].copy()
    edited.label = "b2"
    w.set_shapes([edited])                             # ... and renamed "b"
    _write(img, [a, b, rectangle(200, 200, 260, 260, label="run")], bump_ns=10**6)
    assert w.save()
    assert _labels(path) == ["run", "b2"]               # "a" and "b" were untouched on disk
    assert [s.label for s in w.current_shapes()] == ["run", "b2"] and not w.isWindowModified()
    w.undo()                                           # the merge is one undoable step
    assert [s.label for s in w.current_shapes()] == ["b2"]


def test_save_without_changes_on_disk_just_writes(make_window, image_folder):
    img = image_folder / "img1.png"
    path = _write(img, [rectangle(10, 10, 50, 50, label="a")])
    w = make_window()
    w.open_folder(image_folder)
    w.set_shapes([])
    assert w.save() and _labels(path) == []             # a plain delete is saved as such
    w.add_shapes([rectangle(1, 1, 9, 9, label="c")])
    assert w.save() and _labels(path) == ["c"]         # our own write is not a change "on disk"
    assert w.statusBar().currentMessage() == "Saved img1.json"


def test_changed_file_that_cannot_be_read_is_not_overwritten(make_window, image_folder):
    img = image_folder / "img1.png"
    path = _write(img, [rectangle(10, 10, 50, 50, label="a")])
    w = make_window()
    w.open_folder(image_folder)
    w.add_shapes([rectangle(100, 100, 150, 150, label="mine")])
    path.write_text('{"shapes": [ half written')
    assert not w.save()
    assert path.read_text() == '{"shapes": [ half written'
    assert "changed on disk" in w.error_messages[-1] and "img1.json" in w.error_messages[-1]
    assert [s.label for s in w.current_shapes()] == ["a", "mine"] and w.isWindowModified()


def test_reload_current_without_unsaved_edits(make_window, image_folder):
    img = image_folder / "img2.png"
    w = make_window()
    w.open_folder(image_folder)
    w.open_image(1)
    w.zoom(2.0)
    zoom = w.canvas.scale
    changed = []
    w.image_changed.connect(changed.append)
    path = _write(img, [rectangle(5, 5, 40, 40, label="run1"), rectangle(50, 50, 80, 80, label="run2")])
    before = path.stat().st_mtime_ns
    assert w.reload_current()
    assert [s.label for s in w.current_shapes()] == ["run1", "run2"]
    assert not w.isWindowModified() and w.canvas.scale == zoom and changed == []
    assert w.folder_index.has_label(1)
    w.undo()                                            # the reload can be undone like any edit
    assert w.current_shapes() == [] and w.isWindowModified()
    w.redo()
    assert not w.isWindowModified()
    w.next_image()
    assert path.stat().st_mtime_ns == before           # nothing stale was written back
    w.prev_image()
    assert [s.label for s in w.current_shapes()] == ["run1", "run2"]


def test_reload_current_with_unsaved_edits_merges(make_window, image_folder):
    img = image_folder / "img1.png"
    path = _write(img, [rectangle(10, 10, 50, 50, label="a")])
    w = make_window()
    w.open_folder(image_folder)
    w.add_shapes([rectangle(100, 100, 150, 150, label="mine")])
    _write(img, [rectangle(10, 10, 50, 50, label="a"), rectangle(200, 200, 260, 260, label="run")], bump_ns=10**6)
    assert w.reload_current()
    assert [s.label for s in w.current_shapes()] == ["a", "run", "mine"]
    assert w.isWindowModified() and "changed on disk" in w.statusBar().currentMessage()
    assert _labels(path) == ["a", "run"]                # reload never writes
    assert w.save() and _labels(path) == ["a", "run", "mine"]


def test_reload_current_of_an_unreadable_file_keeps_the_shapes(make_window, image_folder):
    img = image_folder / "img1.png"
    path = _write(img, [rectangle(10, 10, 50, 50, label="a")])
    w = make_window()
    w.open_folder(image_folder)
    path.write_text("not json")
    assert not w.reload_current()
    assert [s.label for s in w.current_shapes()] == ["a"] and "img1.json" in w.error_messages[-1]


def test_merge_shapes_keeps_duplicates_apart():
    a = rectangle(1, 1, 5, 5, label="a")
    m = merge_shapes([a], [a, a.copy()], [a.copy(), rectangle(2, 2, 6, 6, label="r")])
    assert [s.label for s in m.shapes] == ["a", "r", "a"] and (m.from_disk, m.mine, m.dropped) == (2, 1, 0)
    same = rectangle(7, 7, 9, 9, label="same")
    m = merge_shapes([], [same], [same.copy()])          # both produced the same shape: kept once
    assert len(m.shapes) == 1 and m.mine == 0


def test_reload_current_of_an_unchanged_file_changes_nothing(make_window, image_folder):
    img = image_folder / "img1.png"
    _write(img, [rectangle(10, 10, 50, 50, label="a")])
    w = make_window()
    w.open_folder(image_folder)
    w.add_shapes([rectangle(100, 100, 150, 150, label="mine")])
    w.canvas.select_indices([1])
    assert w.reload_current()
    assert [s.label for s in w.current_shapes()] == ["a", "mine"] and w.canvas.selected_indices() == [1]
    assert w.isWindowModified() and w.document.history.undo_label() == "Add shapes"


def test_opening_the_shown_image_again_shows_its_file_as_on_disk(make_window, image_folder):
    img = image_folder / "img1.png"
    w = make_window()
    w.open_folder(image_folder)
    w.add_shapes([rectangle(100, 100, 150, 150, label="mine")])
    _write(img, [rectangle(5, 5, 40, 40, label="run")])
    assert w.open_image(0)                              # what a job does when it is done
    assert [s.label for s in w.current_shapes()] == ["run", "mine"] and w.isWindowModified()
