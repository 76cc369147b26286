"""A big selection (Select All) stays in the cached shape layer and is shown by a tint that
looks like a live-drawn selection; a small one is drawn live (checked on pixels)."""
from __future__ import annotations

import pytest

from anylabel.qt.canvas.canvas import LIVE_SELECTION_MAX
from anylabel.qt.canvas.selection_tint import tint_alpha
from anylabel.qt.canvas.shape_ops import translated
from canvas_helpers import grid_rectangles, shown_canvas

pytestmark = pytest.mark.gui


@pytest.fixture
def grid(qtbot):
    return shown_canvas(qtbot, grid_rectangles(), (800, 800), (2000, 2000), labels=False)


def _rgb(c, x, y):
    col = c.grab().toImage().pixelColor(c.image_to_widget(x, y).toPoint())
    return col.red(), col.green(), col.blue()


def test_tint_alpha_composes_to_the_selected_fill():
    for base, target in ((50, 110), (0, 90), (80, 200)):
        t = tint_alpha(base, target)
        assert abs(255 * (1 - (1 - base / 255) * (1 - t / 255)) - target) < 1


def test_select_all_keeps_the_cache_and_looks_like_a_live_selection(grid):
    c = grid
    unselected = _rgb(c, 60, 60)
    c.select_indices([0])                                   # small: drawn live
    c.wait_for_render()
    live = _rgb(c, 60, 60)
    assert live != unselected
    c.select_indices([])
    c.wait_for_render()
    renders, partials = c.shape_layer.renders, c.shape_layer.partial_renders
    c.select_all()
    assert len(c.selected_indices()) > LIVE_SELECTION_MAX and c.live_indices() == []
    c.wait_for_render()
    assert (c.shape_layer.renders, c.shape_layer.partial_renders) == (renders, partials)  # cache untouched
    assert c.selection_tint.builds >= 1
    for x, y in ((60, 60), (60 + 90 * 7, 60 + 90 * 3)):
        tinted = _rgb(c, x, y)
        assert all(abs(a - b) <= 3 for a, b in zip(tinted, live)), (tinted, live)
    assert _rgb(c, 85, 60) == (255, 255, 255)              # a gap stays untouched
    c.select_indices([])
    c.wait_for_render()
    assert _rgb(c, 60, 60) == unselected


def test_dragging_a_big_selection_draws_it_live(grid):
    c = grid
    c.select_all()
    c.wait_for_render()
    c._edit().changed = True                                 # what the first move of a drag sets
    for i in c.selected_indices():
        c.shapes[i] = translated(c.shapes[i], 45, 0)        # into the gaps on the right
    c.touch(selection_only=True)
    assert len(c.live_indices()) == 400
    c.wait_for_render()
    assert _rgb(c, 105, 60) != (255, 255, 255) and _rgb(c, 42, 60) == (255, 255, 255)
    c._edit().changed = False


def test_select_all_again_after_edits_reuses_the_patched_tint_and_looks_like_a_fresh_one(qtbot):
    """The tint of every shape outlives deselecting and is patched by the layer's partial redraws
    (an edit, a small live selection coming and going): selecting all again makes no new tint and
    shows what a tint made from scratch shows."""
    import numpy as np

    from canvas_helpers import pixels

    shapes = grid_rectangles()
    shapes = [translated(s, 25 * (i % 2), 20 * (i % 3)) for i, s in enumerate(shapes)]  # overlaps
    c = shown_canvas(qtbot, shapes, (800, 800), (2000, 2000))
    c.select_all()
    c.wait_for_render()
    builds = c.selection_tint.builds
    c.select_indices([])
    for i in (3, 44, 45):
        c.shapes[i] = translated(c.shapes[i], 30, 12)
        c.touch()
        c.wait_for_render()
    c.select_indices([46])  # drawn live: it leaves the layer, then comes back
    c.wait_for_render()
    c.select_all()
    c.wait_for_render()
    assert c.selection_tint.builds == builds
    again = pixels(c)
    c.selection_tint.everything_key = None
    c.shape_layer.invalidate()
    c.wait_for_render()
    assert c.selection_tint.builds == builds + 1
    diff = np.abs(again.astype(int) - pixels(c).astype(int)).max(axis=2)
    assert int((diff > 2).sum()) == 0


@pytest.mark.parametrize("edit_first", [False, True])
def test_the_worker_makes_the_tint_of_every_shape_after_the_layer(qtbot, monkeypatch, edit_first):
    """After a worker build of a big layer the same worker makes the Select All tint: the first
    Select All makes none on the GUI and looks like one made there; a layer patched meanwhile
    makes the worker's tint stale, and it is not used."""
    import numpy as np

    from anylabel.qt.canvas import selection_tint
    from canvas_helpers import pixels

    monkeypatch.setattr(selection_tint, "AHEAD_MIN_SHAPES", 100)
    c = shown_canvas(qtbot, [translated(s, 25 * (i % 2), 0) for i, s in enumerate(grid_rectangles())],
                     (800, 800), (2000, 2000))
    ahead = c.selection_tint._ahead
    assert ahead is not None
    ahead[0].result()
    if edit_first:
        c.shapes[5] = translated(c.shapes[5], 20, 20)
        c.touch()
        c.wait_for_render()
    builds = c.selection_tint.builds
    c.select_all()
    c.wait_for_render()
    assert c.selection_tint.builds == builds + (1 if edit_first else 0)
    shown = pixels(c)
    c.selection_tint.everything_key = None
    c.wait_for_render()
    assert c.selection_tint.builds == builds + (2 if edit_first else 1)
    assert int((np.abs(shown.astype(int) - pixels(c).astype(int)).max(axis=2) > 2).sum()) == 0
