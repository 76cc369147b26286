"""The file list without a Python object per row: rows, names, check marks, filters and the
current row follow the folder index exactly as the plain list did."""
from __future__ import annotations

import random
from pathlib import Path

from qtpy.QtCore import Qt

from anylabel.core.folder_index import FolderIndex, natural_key
from anylabel.qt.docks import FileListDock


def make_dock(qtbot, names, labelled=()):
    idx = FolderIndex(Path("/nonexistent"), names, set(labelled))
    dock = FileListDock()
    qtbot.addWidget(dock)
    dock.set_index(idx)
    return dock, idx


def shown(dock):
    m = dock.model
    return [m.data(m.index(r), Qt.DisplayRole) for r in range(m.rowCount())]


def test_rows_show_the_index_names_and_marks(qtbot):
    rng = random.Random(5)
    names = sorted({f"IMG_{rng.randint(0, 99999)}.jpg" for _ in range(500)}, key=natural_key)
    dock, idx = make_dock(qtbot, names, names[::3])
    assert shown(dock) == names
    m = dock.model
    check = m.data(m.index(0), Qt.DecorationRole).cacheKey()
    assert all((m.data(m.index(r), Qt.DecorationRole).cacheKey() == check) == (r % 3 == 0) for r in range(len(names)))
    idx.mark_labelled(names[1])  # a batch run wrote its label file
    dock.refresh_all()
    assert m.data(m.index(1), Qt.DecorationRole).cacheKey() == check
    assert f"{len(names[::3]) + 1} labelled" in dock.position.text()


def test_filter_with_an_extension_row_filter_and_the_current_row(qtbot):
    names = [f"frame_{i:05d}.jpg" for i in range(3000)]
    dock, idx = make_dock(qtbot, names)
    dock.model.row_filter = lambda i: i % 2 == 0  # e.g. the review state "accepted"
    dock.search.setText("_01")
    want = [n for i, n in enumerate(names) if "_01" in n and i % 2 == 0]
    assert shown(dock) == want and "(500 shown)" in dock.position.text()
    dock.set_current(1002)
    assert dock.model.data(dock.view.currentIndex(), Qt.DisplayRole) == "frame_01002.jpg"
    assert dock.model.row_of(1003) == -1  # filtered out
    dock.search.setText("FRAME_0100")  # case does not matter
    assert shown(dock) == [f"frame_0100{k}.jpg" for k in range(0, 10, 2)]
    dock.model.row_filter = None
    dock.refilter()
    assert len(shown(dock)) == 10


def test_a_new_folder_clears_the_filter_and_shows_every_row(qtbot):
    dock, _ = make_dock(qtbot, [f"a{i}.jpg" for i in range(50)])
    dock.search.setText("a4")
    assert dock.model.rowCount() == 11
    other = FolderIndex(Path("/elsewhere"), [f"b{i}.jpg" for i in range(20)], set())
    dock.set_index(other)
    assert dock.search.text() == "" and shown(dock) == other.names
    dock.search.setText("b1")  # the search array is the new folder's, not the old one's
    assert shown(dock) == ["b1.jpg"] + [f"b{i}.jpg" for i in range(10, 20)]


def test_a_long_count_line_wraps_instead_of_widening_the_dock(qtbot):
    dock = FileListDock()
    qtbot.addWidget(dock)
    narrow = dock.widget().minimumSizeHint().width()
    dock.position.setText("500001 / 1000000 · 500000 labelled (1000000 shown) " * 2)
    # a million-image count must not push the filter box and the list off the window's edge
    assert dock.widget().minimumSizeHint().width() <= max(narrow, 200)


def test_typing_narrowing_widening_and_clearing_show_what_a_plain_scan_shows(qtbot, tmp_path):
    """Rows are inserted and removed by the difference in count; the rows shown must be those
    a plain substring scan finds after every keystroke, and the current image stays current."""
    from anylabel.core.folder_index import scan_folder

    for i in range(3000):
        (tmp_path / f"frame_{i:05d}.jpg").write_bytes(b"")
        if i % 3 == 0:
            (tmp_path / f"frame_{i:05d}.json").write_bytes(b"")
    idx = scan_folder(tmp_path)
    dock = FileListDock()
    qtbot.addWidget(dock)
    dock.set_index(idx)
    dock.set_current(1234)
    for text in ["_", "_0", "_01", "_012", "_0123", "_01", "", "4", "44", "frame_0", "zz", "", "_02"]:
        dock.search.setText(text)
        want = [n for n in idx.names if text in n]
        assert shown(dock) == want, text
        assert dock.model.rowCount() == len(want)
        m = dock.model
        marks = [m.data(m.index(r), Qt.DecorationRole).cacheKey() for r in range(m.rowCount())]
        check = {k for k, n in zip(marks, want) if idx.has_label(idx.index_of(n))}
        assert len(check) <= 1  # one check icon for every labelled row ...
        assert all((k in check) == idx.has_label(idx.index_of(n)) for k, n in zip(marks, want))  # ... and only them
        if "frame_01234.jpg" in want:
            assert m.data(dock.view.currentIndex(), Qt.DisplayRole) == "frame_01234.jpg", text


def test_a_new_folder_of_as_many_images_shows_its_own_names(qtbot):
    dock, _ = make_dock(qtbot, [f"a{i}.jpg" for i in range(30)])
    other = FolderIndex(Path("/elsewhere"), [f"b{i}.jpg" for i in range(30)], {"b3.jpg"})
    dock.set_index(other)
    assert shown(dock) == other.names
    assert "1 labelled" in dock.position.text()
