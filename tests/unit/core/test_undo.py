import numpy as np
import pytest

from anylabel.core.shape import Shape, rectangle
from anylabel.core.undo import UndoHistory


def _s(x):
    return rectangle(x, x, x + 10, x + 10, label=f"s{x}")


def test_undo_redo_walks_the_snapshots():
    h = UndoHistory()
    a, b = _s(0), _s(1)
    h.reset([a])
    h.push([a, b], "add")
    assert h.modified and h.can_undo() and not h.can_redo()
    assert h.undo() == (a,)
    assert h.can_redo() and h.redo_label() == "add"
    assert h.redo() == (a, b)
    assert h.redo() is None


def test_modified_tracks_the_saved_state():
    h = UndoHistory()
    h.reset([])
    h.push([_s(0)], "add")
    h.mark_saved()
    assert not h.modified
    h.undo()
    assert h.modified  # undo after save marks the file changed
    h.redo()
    assert not h.modified
    h.undo()
    h.push([_s(5)], "other")  # the saved state is on the dropped branch
    assert h.modified
    h.undo()
    assert h.modified


def test_undo_back_to_loaded_state_is_clean():
    h = UndoHistory()
    h.reset([_s(0)])
    h.push([], "delete")
    assert h.modified
    h.undo()
    assert not h.modified


def test_deep_history_and_limit():
    h = UndoHistory(limit=300)
    shapes = [_s(0)]
    h.reset(shapes)
    for i in range(1, 500):
        shapes = shapes + [_s(i)]
        h.push(shapes, f"add {i}")
    assert len(h) == 300
    n = 0
    while h.undo() is not None:
        n += 1
    assert n == 300
    assert len(h.current) == 500 - 300
    assert h.modified  # the loaded state fell off the end


def test_snapshots_share_unchanged_shapes():
    h = UndoHistory()
    a, b = _s(0), _s(1)
    h.reset([a, b])
    moved = b.copy()
    moved.points = moved.points + 1
    h.push([a, moved], "move")
    before = h.undo()
    assert before[0] is a and before[1] is b
    assert np.allclose(b.points, [[1, 1], [11, 11]])


def test_limit_must_be_positive():
    with pytest.raises(ValueError):
        UndoHistory(limit=0)
