"""The shape being drawn: a draft kept apart from the committed shapes.

Each drawable type has a small tool (from the ``TOOLS`` table) that says how clicks
grow the draft and when it is complete; the canvas only forwards events.
Coordinates are image pixels.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...core.geometry import sync_direction
from ...core.shape import CIRCLE, LINE, LINESTRIP, POINT, POLYGON, RECTANGLE, ROTATION, Shape

CLOSE_DISTANCE_PX = 8.0  # screen pixels: clicking this close to the first vertex closes a polygon


@dataclass
class Draft:
    shape_type: str
    points: list[tuple[float, float]] = field(default_factory=list)
    cursor: tuple[float, float] | None = None  # live end point that follows the mouse

    def preview_points(self) -> np.ndarray:
        pts = list(self.points)
        if self.cursor is not None and not TOOLS[self.shape_type].complete(self):
            pts.append(self.cursor)
        return np.array(pts, dtype=np.float64).reshape(-1, 2)


class Tool:
    """Two-point tools (rectangle, rotation, circle, line): click, click (or drag)."""

    clicks = 2
    min_points = 2
    closed = False

    def complete(self, draft: Draft) -> bool:
        return len(draft.points) >= self.clicks

    def can_finish(self, draft: Draft) -> bool:
        return len(draft.points) >= self.min_points

    def to_shape(self, draft: Draft) -> Shape:
        return Shape(draft.shape_type, np.array(draft.points[: self.clicks], dtype=np.float64))


class RectangleTool(Tool):
    pass


class RotationTool(Tool):
    """Drawn by two corners like a rectangle; rotated afterwards (handle or Z/X/C/V)."""

    def to_shape(self, draft: Draft) -> Shape:
        (x0, y0), (x1, y1) = draft.points[:2]
        xa, xb = sorted((x0, x1))
        ya, yb = sorted((y0, y1))
        s = Shape(ROTATION, np.array([[xa, ya], [xb, ya], [xb, yb], [xa, yb]], dtype=np.float64))
        sync_direction(s)
        return s


class CircleTool(Tool):
    pass


class LineTool(Tool):
    pass


class PointTool(Tool):
    clicks = 1
    min_points = 1


class PolygonTool(Tool):
    """Clicks add vertices until closed (first vertex, Enter or double-click)."""

    clicks = 10**9
    min_points = 3
    closed = True

    def to_shape(self, draft: Draft) -> Shape:
        return Shape(draft.shape_type, np.array(draft.points, dtype=np.float64))


class LinestripTool(PolygonTool):
    min_points = 2
    closed = False


TOOLS: dict[str, Tool] = {
    RECTANGLE: RectangleTool(),
    ROTATION: RotationTool(),
    CIRCLE: CircleTool(),
    LINE: LineTool(),
    POINT: PointTool(),
    POLYGON: PolygonTool(),
    LINESTRIP: LinestripTool(),
}


def is_degenerate(shape: Shape) -> bool:
    """A two-point shape whose points coincide (a stray click) is not worth keeping."""
    if shape.shape_type in (RECTANGLE, CIRCLE, LINE, ROTATION):
        span = shape.points.max(axis=0) - shape.points.min(axis=0)
        return bool(np.all(span < 1e-6)) or (shape.shape_type in (RECTANGLE, ROTATION) and bool(np.any(span < 1e-6)))
    return False
