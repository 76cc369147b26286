"""The shape: plain typed data for one annotation drawn on an image.

View state (colour, selection, hover, visibility) is deliberately not here; the
canvas keeps it. Every key of a label file that this model does not know is kept
in ``extra`` so that load -> save loses nothing.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import shape_kinds
from .shape_kinds import CIRCLE, LINE, LINESTRIP, MASK, POINT, POLYGON, RECTANGLE, ROTATION  # noqa: F401  (re-exported)

#: Shape types users draw in AnyLabel, in the order the tools appear in the UI: the built-in
#: kinds of ``shape_kinds`` (ask ``shape_kinds.drawable()`` for kinds registered later).
DRAWABLE_TYPES: tuple[str, ...] = shape_kinds.drawable()


@dataclass(eq=False)
class Shape:
    """One annotation. ``points`` is an (N, 2) float64 array in image pixels.

    Conventions:
    - rectangle: 2 points, top-left then bottom-right (normalised on construction).
    - rotation: 4 corners in drawing order; ``direction`` (radians, [0, 2*pi)) is the
      angle of the first edge (p0 -> p1) and is kept in sync by ``geometry``.
    - circle: centre, then a point on the circle.
    - point: 1 point; linked to its box by ``group_id`` for pose.
    - mask: the inclusive corner pixels of a bitmap's box; the bitmap (base64 PNG) is in
      ``extra["mask"]`` (see ``core/mask_shape.py``).
    Other types (quadrilateral, cuboid, ...) written by other tools are kept as-is.
    """

    shape_type: str
    points: np.ndarray
    label: str = ""
    group_id: int | None = None
    description: str | None = ""
    difficult: bool = False
    flags: dict[str, bool] = field(default_factory=dict)
    attributes: dict[str, Any] = field(default_factory=dict)
    score: float | None = None
    kie_linking: list[Any] = field(default_factory=list)
    direction: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)
    #: The shape_type a file used when it differs from ours (LabelMe 7's
    #: ``oriented_rectangle`` is read as a rotation and written back as it came).
    saved_as: str | None = None

    def __post_init__(self) -> None:
        pts = self.points
        # Label files and models hand over ready (N, 2) float64 arrays; only convert otherwise
        # (this runs for every shape of every file a dataset export reads).
        if type(pts) is not np.ndarray or pts.dtype != np.float64 or pts.ndim != 2 or pts.shape[1:] != (2,):
            pts = np.asarray(pts, dtype=np.float64)
            if pts.size == 0:
                pts = pts.reshape(0, 2)
            if pts.ndim != 2 or pts.shape[1] != 2:
                raise ValueError(f"points must be an (N, 2) array, got shape {pts.shape}")
        kind = shape_kinds.get(self.shape_type)
        if kind is not None and kind.canonical is not None:
            pts = kind.canonical(pts)
        self.points = pts

    # Equality compares data, not identity; numpy arrays need an explicit comparison.
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Shape):
            return NotImplemented
        return (
            self.shape_type == other.shape_type
            and self.points.shape == other.points.shape
            and bool(np.allclose(self.points, other.points, atol=1e-9))
            and self.label == other.label
            and self.group_id == other.group_id
            and self.description == other.description
            and self.difficult == other.difficult
            and self.flags == other.flags
            and self.attributes == other.attributes
            and self.score == other.score
            and self.kie_linking == other.kie_linking
            and math.isclose(self.direction, other.direction, abs_tol=1e-9)
            and self.extra == other.extra
        )

    __hash__ = None  # type: ignore[assignment]  # mutable data

    def copy(self) -> "Shape":
        """A deep copy (points and dicts are not shared)."""
        import copy as _copy

        return Shape(
            shape_type=self.shape_type,
            points=self.points.copy(),
            label=self.label,
            group_id=self.group_id,
            description=self.description,
            difficult=self.difficult,
            flags=dict(self.flags),
            attributes=_copy.deepcopy(self.attributes),
            score=self.score,
            kie_linking=_copy.deepcopy(self.kie_linking),
            direction=self.direction,
            extra=_copy.deepcopy(self.extra),
            saved_as=self.saved_as,
        )

    def validate(self) -> None:
        """Raise ValueError if the points cannot describe this shape type."""
        if not np.all(np.isfinite(self.points)):
            raise ValueError("points contain NaN or infinite coordinates")
        kind = shape_kinds.get(self.shape_type)
        if kind is None:
            return
        if kind.points is not None and len(self.points) != kind.points:
            raise ValueError(f"a {self.shape_type} needs {kind.points} points, got {len(self.points)}")
        if kind.points is None and len(self.points) < kind.min_points:
            raise ValueError(f"a {self.shape_type} needs at least {kind.min_points} points, got {len(self.points)}")


def rectangle(x1: float, y1: float, x2: float, y2: float, label: str = "", **kw: Any) -> Shape:
    """A rectangle from any two opposite corners."""
    return Shape(RECTANGLE, np.array([[x1, y1], [x2, y2]], dtype=np.float64), label=label, **kw)
