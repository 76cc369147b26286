"""Flattened geometry of all shapes, rebuilt only when the shapes change.

Painting and hit testing work on one big (M, 2) array of outline points plus
per-shape offsets and bounding boxes, so zooming, culling and hover tests are a
few numpy operations instead of a Python loop over thousands of shapes.
"""
from __future__ import annotations

import numpy as np

from ...core.geometry import outline
from ...core import shape_kinds
from ...core.shape import CIRCLE, POINT, Shape
from .lod import simplify_keep, tolerance_of
from .mask_shapes import is_mask, mask_outline

def is_closed(shape: Shape) -> bool:
    """Drawn as a closed outline: every kind but lines and points, and other tools' types."""
    kind = shape_kinds.kind_of(shape)
    return kind is None or kind.closed


def shape_outline(shape: Shape) -> np.ndarray:
    """What the canvas draws and hit-tests: the core outline, or a mask's pixel box."""
    if is_mask(shape):
        return mask_outline(shape)
    return outline(shape, circle_segments=72)


class SceneIndex:
    def __init__(self, shapes: list[Shape]) -> None:
        # The shapes themselves, not their ids: holding them keeps an id from being reused by a
        # new object while this index still describes the old one.
        self.objs: list[Shape] = list(shapes)
        self.ids = np.fromiter(map(id, self.objs), dtype=np.int64, count=len(self.objs))  # compared by numpy
        outlines = [shape_outline(s) if len(s.points) else np.zeros((0, 2)) for s in shapes]
        counts = np.array([len(o) for o in outlines], dtype=np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self.points = np.concatenate(outlines) if outlines and counts.sum() else np.zeros((0, 2))
        n = len(shapes)
        self.bboxes = np.full((n, 4), np.nan)
        nonempty = counts > 0
        if n and nonempty.any():
            starts = self.offsets[:-1][nonempty]
            self.bboxes[nonempty, 0] = np.minimum.reduceat(self.points[:, 0], starts)
            self.bboxes[nonempty, 1] = np.minimum.reduceat(self.points[:, 1], starts)
            self.bboxes[nonempty, 2] = np.maximum.reduceat(self.points[:, 0], starts)
            self.bboxes[nonempty, 3] = np.maximum.reduceat(self.points[:, 1], starts)
        self.closed = np.array([is_closed(s) for s in shapes], dtype=bool)
        self.is_point = np.array([s.shape_type == POINT for s in shapes], dtype=bool)
        self.is_circle = np.array([s.shape_type == CIRCLE for s in shapes], dtype=bool)
        self.is_mask = np.array([is_mask(s) for s in shapes], dtype=bool)
        self._lod: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._grid: tuple | None = None  # hit-test buckets (see _buckets), made on first use  # level -> (keep mask, kept before each shape)

    def lod(self, level: int) -> tuple[np.ndarray, np.ndarray]:
        """(keep, before) of a level of detail (lod.py): ``keep`` masks ``points``, ``before[k]``
        counts the kept points of the shapes before shape k (n + 1 entries). Made on first use;
        a worker thread and the GUI may both make one, the result is the same."""
        got = self._lod.get(level)
        if got is None:
            keep = simplify_keep(self.points, self.offsets, self.closed & ~self.is_mask, tolerance_of(level))
            keep[np.repeat(self.is_mask | self.is_point, np.diff(self.offsets))] = True
            got = self._lod[level] = (keep, np.concatenate([[0], np.cumsum(keep)])[self.offsets])
        return got

    def patch(self, i: int, shape: Shape) -> bool:
        """Update shape ``i`` in place when its outline keeps its length (a drag); else False."""
        if (is_closed(shape) != self.closed[i] or (shape.shape_type == POINT) != self.is_point[i]
                or is_mask(shape) != self.is_mask[i]):
            return False
        o = shape_outline(shape)
        a, b = self.offsets[i], self.offsets[i + 1]
        if len(o) != b - a or len(o) == 0:
            return False
        self.points[a:b] = o
        self.bboxes[i] = (o[:, 0].min(), o[:, 1].min(), o[:, 0].max(), o[:, 1].max())
        self.objs[i] = shape
        self.ids[i] = id(shape)
        for level, (keep, before) in list(self._lod.items()):  # re-simplify this shape only
            k = simplify_keep(o, np.array([0, len(o)]), self.closed[i:i + 1] & ~self.is_mask[i:i + 1], tolerance_of(level))
            if self.is_mask[i] or self.is_point[i]:
                k[:] = True
            keep, before = keep.copy(), before.copy()  # a worker may be reading the old ones
            before[i + 1:] += int(k.sum()) - int(keep[a:b].sum())
            keep[a:b] = k
            self._lod[level] = (keep, before)
        if self._grid is not None:  # its old cells may miss the new box: scanned on every query
            g = self._grid
            big = np.union1d(g[6], [i])
            self._grid = g[:6] + (big,) if len(big) <= 256 else None
        return True

    def outline(self, i: int) -> np.ndarray:
        return self.points[self.offsets[i]:self.offsets[i + 1]]

    def visible(self, x0: float, y0: float, x1: float, y1: float, margin: float = 0.0) -> np.ndarray:
        """Indices of shapes whose box intersects the rectangle (image pixels)."""
        return np.nonzero(self.visible_mask(x0, y0, x1, y1, margin))[0]

    def visible_mask(self, x0: float, y0: float, x1: float, y1: float, margin: float = 0.0) -> np.ndarray:
        """(n,) bool: the shapes whose box intersects the rectangle (image pixels)."""
        b = self.bboxes
        with np.errstate(invalid="ignore"):
            return (b[:, 2] >= x0 - margin) & (b[:, 0] <= x1 + margin) & (b[:, 3] >= y0 - margin) & (b[:, 1] <= y1 + margin)

    GRID_CELL = 64.0  # image px per bucket side
    GRID_MIN_SHAPES = 500  # fewer shapes: one vectorised scan of the boxes is as fast

    def _buckets(self) -> tuple:
        """A uniform grid over the boxes: for each cell, the shapes whose box touches it, as
        one sorted CSR array (``order[start[c]:start[c+1]]``). A shape spanning more than
        ``BIG_CELLS`` cells is kept in a short list scanned on every query instead."""
        b = self.bboxes
        ok = np.isfinite(b[:, 0])
        cell = self.GRID_CELL
        gx0, gy0 = np.floor(np.nanmin(b[:, 0]) / cell), np.floor(np.nanmin(b[:, 1]) / cell)
        cx0 = np.floor(b[ok, 0] / cell - gx0).astype(np.int64)
        cy0 = np.floor(b[ok, 1] / cell - gy0).astype(np.int64)
        cx1 = np.floor(b[ok, 2] / cell - gx0).astype(np.int64)
        cy1 = np.floor(b[ok, 3] / cell - gy0).astype(np.int64)
        ids = np.nonzero(ok)[0]
        nx, ny = cx1 - cx0 + 1, cy1 - cy0 + 1
        big = nx * ny > 64
        big_ids = ids[big]
        ids, cx0, cy0, nx, ny = ids[~big], cx0[~big], cy0[~big], nx[~big], ny[~big]
        width = int(cx1.max() + 1) if len(cx1) else 1
        height = int(cy1.max() + 1) if len(cy1) else 1
        per = nx * ny
        sid = np.repeat(ids, per)
        rank = np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per)
        nxr = np.repeat(nx, per)
        cells = (np.repeat(cy0, per) + rank // nxr) * width + np.repeat(cx0, per) + rank % nxr
        order = np.lexsort((sid, cells))
        start = np.searchsorted(cells[order], np.arange(width * height + 1))
        return gx0, gy0, width, height, start, sid[order], big_ids

    def candidates(self, x: float, y: float, tolerance: float) -> np.ndarray:
        """Shapes whose box (grown by ``tolerance``) holds the point, topmost (last drawn) first.
        Big scenes look in the grid cells the tolerance square touches (``_buckets``)."""
        if len(self.objs) < self.GRID_MIN_SHAPES or not np.isfinite(self.bboxes[:, 0]).any():
            return self.visible(x, y, x, y, tolerance)[::-1]
        if self._grid is None:
            self._grid = self._buckets()
        gx0, gy0, width, height, start, members, big = self._grid
        cell = self.GRID_CELL
        c0 = max(int(np.floor((x - tolerance) / cell - gx0)), 0)
        c1 = min(int(np.floor((x + tolerance) / cell - gx0)), width - 1)
        r0 = max(int(np.floor((y - tolerance) / cell - gy0)), 0)
        r1 = min(int(np.floor((y + tolerance) / cell - gy0)), height - 1)
        parts = [big]
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                k = r * width + c
                parts.append(members[start[k]:start[k + 1]])
        cand = np.unique(np.concatenate(parts))
        b = self.bboxes[cand]
        hit = ((b[:, 2] >= x - tolerance) & (b[:, 0] <= x + tolerance)
               & (b[:, 3] >= y - tolerance) & (b[:, 1] <= y + tolerance))
        return cand[hit][::-1]
