"""The shape-list dock follows the canvas selection with one range per run of rows."""
from __future__ import annotations

import pytest

from anylabel.core.shape import rectangle
from anylabel.qt.docks.shape_list import ShapeListDock

pytestmark = pytest.mark.gui


def test_selection_is_applied_as_ranges(qtbot):
    dock = ShapeListDock()
    qtbot.addWidget(dock)
    shapes = [rectangle(i, i, i + 5, i + 5, label="a") for i in range(2000)]
    dock.set_shapes(shapes, [])
    emitted = []
    dock.selection_changed.connect(emitted.append)
    dock.set_selection(list(range(2000)))
    model = dock.view.selectionModel()
    assert len(model.selection()) == 1
    assert len(model.selectedRows()) == 2000
    dock.set_selection([7, 3, 4, 5, 9, 10])
    assert len(model.selection()) == 3
    assert sorted(mi.row() for mi in model.selectedRows()) == [3, 4, 5, 7, 9, 10]
    dock.set_selection([])
    assert not model.selectedRows()
    assert emitted == []  # syncing from the canvas does not echo back
