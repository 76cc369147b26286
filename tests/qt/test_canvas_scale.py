"""Shortcuts of the dense-scene canvas: simplified outlines, the hit-test grid, patched caches."""
from __future__ import annotations

import numpy as np
import pytest

from anylabel.core.shape import Shape
from anylabel.qt.canvas.lod import level_for, simplify_keep, tolerance_of
from anylabel.qt.canvas.scene_index import SceneIndex
from anylabel.qt.canvas.shape_ops import translated
from anylabel.qt.canvas.shape_render import RenderData

from canvas_helpers import shown_canvas


def wobbly_polygons(n: int, rng: np.random.Generator, w: float = 2000, h: float = 1200, verts: int = 50):
    t = np.linspace(0, 2 * np.pi, verts, endpoint=False)
    out = []
    for i in range(n):
        cx, cy = rng.uniform(40, w - 40), rng.uniform(40, h - 40)
        r = rng.uniform(3, 40) * (1 + 0.3 * np.sin(3 * t + rng.uniform(0, 6))) + rng.normal(0, 0.4, verts)
        out.append(Shape("polygon", np.stack([cx + r * np.cos(t), cy + r * np.sin(t)], axis=1), label=f"l{i % 5}"))
    return out


def seg_dist(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    d = b - a
    dd = float(d @ d)
    t = 0.0 if dd == 0 else min(max(float((p - a) @ d) / dd, 0.0), 1.0)
    return float(np.hypot(*(p - a - t * d)))


@pytest.mark.parametrize("level", [0, 1, 3])
def test_simplified_outlines_keep_vertices_in_place_and_stay_within_the_tolerance(level):
    shapes = wobbly_polygons(300, np.random.default_rng(level))
    idx = SceneIndex(shapes)
    keep = simplify_keep(idx.points, idx.offsets, idx.closed, tolerance_of(level))
    assert keep.sum() < len(keep)  # it does simplify
    tol = tolerance_of(level)
    for k in range(len(shapes)):
        a, b = idx.offsets[k], idx.offsets[k + 1]
        pts, kk = idx.points[a:b], keep[a:b]
        assert kk[0] and kk[len(pts) // 2] and kk.sum() >= 3
        ring = np.nonzero(kk)[0].tolist() + [len(pts)]  # closed: back to vertex 0
        for u, v in zip(ring[:-1], ring[1:]):
            for j in range(u + 1, v):  # every dropped vertex is near the edge that replaced it
                assert seg_dist(pts[j], pts[u], pts[v % len(pts)]) <= tol + 1e-9


def test_drawn_outlines_are_exact_at_100_percent_and_subsets_below(qtbot):
    shapes = wobbly_polygons(600, np.random.default_rng(7))
    c = shown_canvas(qtbot, shapes, size=(800, 500), image=(2000, 1200))
    idx = c.scene_index()
    ind = np.arange(len(shapes))
    for scale in (1.0, 2.0, 8.0):  # 100 % and above: every vertex, where it is
        assert level_for(scale) == -1
        data = RenderData.gather(c, ind, scale)
        assert np.array_equal(data.points, idx.points)
        assert np.array_equal(data.offsets, idx.offsets)
    for scale in (0.9, 0.4, 0.1):
        data = RenderData.gather(c, ind, scale)
        assert len(data.points) < len(idx.points)
        for k in range(len(shapes)):  # each drawn vertex is one of the shape's own, in order
            drawn = data.points[data.offsets[k]:data.offsets[k + 1]]
            own = idx.outline(k)
            pos = [int(np.nonzero((own == p).all(axis=1))[0][0]) for p in drawn]
            assert pos == sorted(pos) and pos[0] == 0


def test_grid_hit_candidates_equal_a_full_scan(qtbot):
    rng = np.random.default_rng(3)
    shapes = wobbly_polygons(1500, rng)
    shapes[5] = Shape("polygon", np.array([[0, 0], [1990, 0], [1990, 1190], [0, 1190]], float), label="big")
    idx = SceneIndex(shapes)
    assert len(idx.objs) >= idx.GRID_MIN_SHAPES
    for _ in range(400):
        x, y, tol = rng.uniform(-50, 2050), rng.uniform(-50, 1250), rng.choice([0.5, 3.0, 17.5, 140.0])
        assert idx.candidates(x, y, tol).tolist() == idx.visible(x, y, x, y, tol)[::-1].tolist()


def test_hit_tests_through_the_grid_match_a_scan_and_follow_edits(qtbot):
    rng = np.random.default_rng(11)
    shapes = wobbly_polygons(1200, rng)
    c = shown_canvas(qtbot, shapes, size=(800, 500), image=(2000, 1200))
    from anylabel.qt.canvas.interactions import hit_shape
    from anylabel.qt.canvas.style import HIT_PX

    def scan(x, y):
        order = [i for i in range(len(c.shapes))[::-1] if c.is_visible(i)]
        return hit_shape(c, order, x, y)

    def check(n):
        for _ in range(n):
            k = int(rng.integers(len(c.shapes)))
            x, y = c.shapes[k].points[int(rng.integers(50))] + rng.normal(0, HIT_PX / c.scale, 2)
            assert c.shape_at(x, y) == scan(x, y)
            x, y = rng.uniform(0, 2000), rng.uniform(0, 1200)
            assert c.shape_at(x, y) == scan(x, y)

    check(150)
    for k in range(0, 60, 3):  # edits: moved copies (patched into the index), then a far move
        c.shapes[k] = translated(c.shapes[k], 5, -4)
        c.touch()
    c.shapes[1] = translated(c.shapes[1], 900, 500)
    c.touch()
    check(150)
    x, y = c.shapes[1].points[0]
    assert c.shape_at(x, y) == scan(x, y)
    c.set_shapes(c.shapes[:700])  # removed shapes: a new index
    check(100)


def test_edits_update_the_simplified_outlines_and_the_cached_layer(qtbot):
    shapes = wobbly_polygons(600, np.random.default_rng(5))
    c = shown_canvas(qtbot, shapes, size=(800, 500), image=(2000, 1200))
    assert c.scale < 1.0
    level = level_for(c.scale)
    idx = c.scene_index()
    idx.lod(level)
    moved = translated(c.shapes[10], 40, 30)
    c.shapes[10] = moved
    c.touch()
    c.grab()  # a frame: the layer is patched (offscreen widgets paint through grab)
    idx = c.scene_index()
    keep, before = idx.lod(level)
    fresh = SceneIndex(c.shapes)
    k2, b2 = fresh.lod(level)
    assert np.array_equal(keep, k2) and np.array_equal(before, b2)  # the patch equals a new index
    assert np.array_equal(idx.points, fresh.points) and np.array_equal(idx.bboxes, fresh.bboxes)
    layer = c.shape_layer
    assert any(sh is moved for sh in layer.content)  # the cached layer holds the edited copy
    c.wait_for_render()
    img = c.grab()
    c.shape_layer.invalidate()
    c.wait_for_render()
    from canvas_helpers import pixels
    assert np.abs(pixels(img).astype(int) - pixels(c.grab()).astype(int)).max() <= 2  # patched = rebuilt
