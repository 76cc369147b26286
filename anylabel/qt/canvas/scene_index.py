"""Flattened geometry of all shapes, rebuilt only when the shapes change.

Painting and hit testing work on one big (M, 2) array of outline points plus
per-shape offsets and bounding boxes, so zooming, culling and hover tests are a
few numpy operations instead of a Python loop over thousands of shapes.
"""
from __future__ import annotations

import numpy as np

from ...core.geometry import outline
from ...core.shape import CIRCLE, LINE, LINESTRIP, POINT, Shape
from .mask_shapes import is_mask, mask_outline

OPEN_TYPES = frozenset({LINE, LINESTRIP, POINT})


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
        self.closed = np.array([s.shape_type not in OPEN_TYPES for s in shapes], dtype=bool)
        self.is_point = np.array([s.shape_type == POINT for s in shapes], dtype=bool)
        self.is_circle = np.array([s.shape_type == CIRCLE for s in shapes], dtype=bool)
        self.is_mask = np.array([is_mask(s) for s in shapes], dtype=bool)

    def patch(self, i: int, shape: Shape) -> bool:
        """Update shape ``i`` in place when its outline keeps its length (a drag); else False."""
        if ((shape.shape_type not in OPEN_TYPES) != self.closed[i] or (shape.shape_type == POINT) != self.is_point[i]
                or is_mask(shape) != self.is_mask[i]):
            return False
        o = shape_outline(shape)
        a, b = self.offsets[i], self.offsets[i + 1]
        if len(o) != b - a or len(o) == 0:
            return False
        self.points[a:b] = o
        self.bboxes[i] = (o[:, 0].min(), o[:, 1].min(), o[:, 0].max(), o[:, 1].max())
        self.objs[i] = shape
        return True

    def outline(self, i: int) -> np.ndarray:
        return self.points[self.offsets[i]:self.offsets[i + 1]]

    def visible(self, x0: float, y0: float, x1: float, y1: float, margin: float = 0.0) -> np.ndarray:
        """Indices of shapes whose box intersects the rectangle (image pixels)."""
        b = self.bboxes
        with np.errstate(invalid="ignore"):
            hit = (b[:, 2] >= x0 - margin) & (b[:, 0] <= x1 + margin) & (b[:, 3] >= y0 - margin) & (b[:, 1] <= y1 + margin)
        return np.nonzero(hit)[0]

    def candidates(self, x: float, y: float, tolerance: float) -> np.ndarray:
        """Shapes whose box (grown by ``tolerance``) holds the point, topmost (last drawn) first."""
        return self.visible(x, y, x, y, tolerance)[::-1]
