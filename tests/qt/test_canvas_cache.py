"""The cached shape layer must show exactly the current shapes: after worker builds,
partial redraws, selection and zoom changes (checked on rendered pixels)."""
from __future__ import annotations

import pytest

from anylabel.qt.canvas.shape_ops import translated
from canvas_helpers import grid_rectangles, shown_canvas

pytestmark = pytest.mark.gui


def _tinted(canvas, x, y) -> bool:
    c = canvas.grab().toImage().pixelColor(canvas.image_to_widget(x, y).toPoint())
    return (c.red(), c.green(), c.blue()) != (255, 255, 255)


@pytest.fixture
def grid_canvas(qtbot):
    return shown_canvas(qtbot, grid_rectangles(), (800, 800), (2000, 2000), labels=False, wait=False)


def test_worker_build_then_partial_redraw(grid_canvas):
    c = grid_canvas
    assert len(c.shapes) >= c.shape_layer.ASYNC_MIN_SHAPES
    c.wait_for_render()
    assert c.shape_layer.renders >= 1
    assert _tinted(c, 60, 60) and not _tinted(c, 85 + 90, 60)       # inside a box / in a gap
    partial_before = c.shape_layer.partial_renders
    c.shapes[0] = translated(c.shapes[0], 45, 0)                     # into the gap on its right
    c.touch()
    c.wait_for_render()
    assert c.shape_layer.partial_renders == partial_before + 1
    assert not _tinted(c, 42, 60) and _tinted(c, 100, 60)


def test_selection_leaves_and_returns_to_the_cache(grid_canvas):
    c = grid_canvas
    c.wait_for_render()
    c.select_indices([21])
    c.shapes[21] = translated(c.shapes[21], 0, 45)                   # a live drag
    c.touch(selection_only=True)
    c.wait_for_render()
    assert _tinted(c, 150, 195) and not _tinted(c, 150, 132)
    c.select_indices([])
    c.wait_for_render()
    assert _tinted(c, 150, 195) and not _tinted(c, 150, 132)


def test_zoom_and_hidden_labels(grid_canvas):
    c = grid_canvas
    c.wait_for_render()
    c.set_scale(2.0)
    c.wait_for_render()
    c.pan_by(-500, -300)
    c.wait_for_render()
    x, y = c.widget_to_image(c.rect().center())
    col, row = int((x - 40) // 90), int((y - 40) // 90)
    cx, cy = 60 + 90 * col, 60 + 90 * row
    assert _tinted(c, cx, cy)
    c.set_label_visible("a", False)
    c.wait_for_render()
    assert not _tinted(c, cx, cy)


@pytest.mark.parametrize("zoom,line_width", [(None, 2.0), (None, 6.0), (2.0, 2.0), (1.0, 9.0)])
def test_partial_redraws_match_a_full_build(qtbot, zoom, line_width):
    """After many edits patched into the cache, the picture equals one built from scratch (the
    areas repainted reach as far past a shape's box as its pen and a point's dot do)."""
    import numpy as np

    from anylabel.core.shape import Shape

    c = shown_canvas(qtbot, [], (700, 500), (1400, 1000), wait=False)
    c.style.line_width = line_width
    if zoom is not None:
        c.set_scale(zoom)
    rng = np.random.default_rng(3)
    t = np.linspace(0, 2 * np.pi, 12, endpoint=False)
    shapes = []
    for i in range(300):
        cx, cy, r = rng.uniform(30, 1370), rng.uniform(30, 970), rng.uniform(8, 40)
        shapes.append(Shape("polygon", np.stack([cx + r * np.cos(t), cy + r * np.sin(t)], 1),
                            label=f"label{i % 5}", group_id=i if i % 7 == 0 else None))
    shapes += [Shape("point", [[rng.uniform(0, 1400), rng.uniform(0, 1000)]], label="pt") for _ in range(20)]
    c.set_shapes(shapes)
    c.wait_for_render()
    before = c.shape_layer.partial_renders
    for k in range(25):
        i = int(rng.integers(0, len(c.shapes)))
        c.shapes[i] = translated(c.shapes[i], float(rng.uniform(-60, 60)), float(rng.uniform(-60, 60)))
        c.touch()
        c.wait_for_render()
    c.select_indices([3, 50])
    c.wait_for_render()
    c.select_indices([])
    c.wait_for_render()
    assert c.shape_layer.partial_renders >= before + 25
    patched = c.grab().toImage()
    c.shape_layer.invalidate()
    c.wait_for_render()
    full = c.grab().toImage()
    diff = sum(patched.pixel(x, y) != full.pixel(x, y) for x in range(0, 700, 2) for y in range(0, 500, 2))
    assert diff == 0
