"""The shape being drawn: a draft kept apart from the committed shapes.

Each drawable kind has a tool (``TOOLS[shape_type]``, made from its record in
``core/shape_kinds.py``) that says how clicks grow the draft and when it is complete;
the canvas only forwards events.
Coordinates are image pixels.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...core.geometry import sync_direction
from ...core import shape_kinds
from ...core.shape import Shape
from ...core.shape_kinds import ShapeKind

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
    """How clicks grow a draft of one kind, from its record in ``core/shape_kinds.py``:
    ``clicks`` points complete it (two-point kinds also by one press-drag-release), a
    free-count kind takes vertices until it is closed (first vertex, Enter or
    double-click) once it has ``min_points``."""

    def __init__(self, kind: ShapeKind) -> None:
        self.kind = kind
        self.clicks = kind.draft_clicks if kind.draft_clicks is not None else 10**9
        self.min_points = kind.draft_min
        self.closed = kind.closes_by_click

    def complete(self, draft: Draft) -> bool:
        return len(draft.points) >= self.clicks

    def can_finish(self, draft: Draft) -> bool:
        return len(draft.points) >= self.min_points

    def to_shape(self, draft: Draft) -> Shape:
        pts = np.array(draft.points[: self.clicks], dtype=np.float64).reshape(-1, 2)
        if self.kind.from_draft is not None:
            pts = self.kind.from_draft(pts)
        s = Shape(draft.shape_type, pts)
        sync_direction(s)
        return s


class _Tools:
    """``TOOLS[shape_type]``: the tool of a drawable kind, made from the table on first use
    (a kind registered after import gets one too)."""

    def __init__(self) -> None:
        self._made: dict[str, tuple[ShapeKind, Tool]] = {}

    def __getitem__(self, shape_type: str) -> Tool:
        kind = shape_kinds.get(shape_type)
        if kind is None or not kind.drawable:
            raise KeyError(shape_type)
        got = self._made.get(shape_type)
        if got is None or got[0] is not kind:  # re-registered: a new record, a new tool
            got = self._made[shape_type] = (kind, Tool(kind))
        return got[1]

    def __contains__(self, shape_type: object) -> bool:
        return isinstance(shape_type, str) and shape_kinds.is_drawable(shape_type)


TOOLS = _Tools()


def is_degenerate(shape: Shape) -> bool:
    """A finished draft that is a stray click (its kind's ``degenerate``) is not worth keeping."""
    kind = shape_kinds.kind_of(shape)
    return kind is not None and kind.degenerate is not None and len(shape.points) > 0 and kind.degenerate(shape.points)
