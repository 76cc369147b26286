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
