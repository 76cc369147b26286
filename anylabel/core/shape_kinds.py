"""The table of shape kinds: one record per ``shape_type`` that says everything the
core, the label files, the exporters and the drawing tools need to know about it.

Code that used to branch on the type name (``if shape_type == CIRCLE``) asks the
record instead (``kind_of(shape).bbox``), so that a new kind is one ``register`` call
here plus its Qt bits (icon, menu title); docs/extending.md lists them and
docs/adr/0028-shape-kind-table.md says why. Types written by other tools that are not
in the table (``quadrilateral``, ``cuboid``, ...) are kept as they came and treated
as vertex lists (an area when they have 3 or more points).

Every hook takes the ``Shape`` (or its points) and is optional: ``None`` means the
behaviour of a plain list of vertices, written once in ``geometry.py``. Qt-free, and
imports nothing of the core at module level (``shape.py`` imports this module).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import numpy as np

from .i18n import tr, trn

if TYPE_CHECKING:
    from .shape import Shape

RECTANGLE = "rectangle"
POLYGON = "polygon"
ROTATION = "rotation"
CIRCLE = "circle"
LINE = "line"
LINESTRIP = "linestrip"
POINT = "point"
#: A bitmap inside a box (LabelMe 7, SAM's mask output); see ``core/mask_shape.py``.
MASK = "mask"

#: The geometry forms exporters ask for (``formats/convert.py``): an axis-aligned box
#: (VOC, YOLO detect, MOT, COCO bbox), a polygon (COCO and YOLO segmentation, masks,
#: PPOCR), four corners of a rotated box (DOTA, YOLO OBB).
BOX, OUTLINE, ROTATED = "box", "polygon", "rotated"
AREA_EXPORTS = frozenset({BOX, OUTLINE})


@dataclass(frozen=True, eq=False)
class ShapeKind:
    """What one shape type is. ``name`` is the ``shape_type`` label files store."""

    name: str
    #: Encloses an area: filled on the canvas, has an area and an inside, exported as a
    #: box or polygon. False for lines and points (exporters skip them: no area).
    closed: bool
    #: Exact point count of a valid shape (``Shape.validate``) and of a label file entry
    #: (reading refuses others unless ``read_points`` accepts them); None: any count.
    points: int | None = None
    #: Least point count of a valid shape when ``points`` is None.
    min_points: int = 1
    #: Drawing: points a draft accepts (None: vertices until closed, Enter or
    #: double-click), and how many it needs before it can be finished. A two-point kind
    #: is drawn by two clicks or one press-drag-release.
    draft_clicks: int | None = 2
    draft_min: int = 2
    #: Offered as a drawing tool (the toolbar and the canvas modes).
    drawable: bool = True
    #: Geometry forms exporters can make of it (BOX, OUTLINE, ROTATED); see above.
    exports: frozenset[str] = frozenset()

    #: (shape, segments) -> the (N, 2) outline drawn, rasterised and hit-tested (closed
    #: kinds: a polygon; open kinds: a polyline). None: the points themselves.
    outline: Callable[["Shape", int], np.ndarray] | None = None
    #: The outline is sampled from a curve or traced from pixels, not drawn vertices
    #: (exporters round its coordinates).
    sampled_outline: bool = False
    #: shape -> (xmin, ymin, xmax, ymax). None: the extent of the outline (of the points
    #: when ``outline`` is None or ``points_span_box``).
    bbox: Callable[["Shape"], tuple[float, float, float, float]] | None = None
    #: The points' extent is the box (a rectangle's corners): saves making the outline.
    points_span_box: bool = False
    #: shape -> square pixels. None: the outline's polygon area (0 for open kinds).
    area: Callable[["Shape"], float] | None = None
    #: (shape, x, y, tolerance) -> inside or within tolerance. None: point in outline.
    contains: Callable[["Shape", float, float, float], bool] | None = None
    #: (shape, x, y) -> distance to the nearest edge. None: to the outline's segments.
    edge_distance: Callable[["Shape", float, float], float] | None = None
    #: (shape, height, width) -> bool mask of the filled region. None: the outline rasterised.
    to_mask: Callable[["Shape", int, int], np.ndarray] | None = None

    #: points -> points in the kind's canonical order, applied whenever a Shape is built
    #: (a rectangle is always top-left, bottom-right). None: kept as given.
    canonical: Callable[[np.ndarray], np.ndarray] | None = None
    #: (points, where, name_in_file) -> points: how a label file's points are checked and
    #: normalised on load; raises ValueError with a message. None: the ``points`` count.
    read_points: Callable[[np.ndarray, str, str], np.ndarray] | None = None
    #: points -> angle (radians): the kind carries a ``direction`` (written to label
    #: files, recomputed after edits and when a file has none). None: no direction.
    direction_of: Callable[[np.ndarray], float] | None = None
    #: draft points -> the shape's points when a draft is finished. None: the first
    #: ``draft_clicks`` points.
    from_draft: Callable[[np.ndarray], np.ndarray] | None = None
    #: points -> True when a finished draft is a stray click not worth keeping. None:
    #: never (kinds with free point counts) -- see ``coincident`` and ``flat``.
    degenerate: Callable[[np.ndarray], bool] | None = None

    @property
    def box_of_points(self) -> bool:
        """Its box is the extent of its points (no ``bbox`` hook needed)."""
        return self.bbox is None and (self.outline is None or self.points_span_box)

    @property
    def free_vertices(self) -> bool:
        """Its points are the vertices of its outline, any number of them (a polygon)."""
        return self.points is None and self.outline is None

    @property
    def closes_by_click(self) -> bool:
        """A draft is closed by clicking its first vertex again (a polygon)."""
        return self.closed and self.draft_clicks is None


_KINDS: dict[str, ShapeKind] = {}


def register(kind: ShapeKind) -> ShapeKind:
    """Add (or replace) a kind; drawable kinds appear as tools in registration order."""
    _KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Remove a kind (tests that register a throw-away kind clean up with this)."""
    _KINDS.pop(name, None)


def get(name: str) -> ShapeKind | None:
    """The record of a shape type, or None for a type the table does not know."""
    return _KINDS.get(name)


def kind_of(shape: "Shape") -> ShapeKind | None:
    return _KINDS.get(shape.shape_type)


def all_kinds() -> tuple[ShapeKind, ...]:
    return tuple(_KINDS.values())


def drawable() -> tuple[str, ...]:
    """Names of the kinds users draw, in the order the tools appear."""
    return tuple(k.name for k in _KINDS.values() if k.drawable)


def is_drawable(name: str) -> bool:
    k = _KINDS.get(name)
    return k is not None and k.drawable


# ----------------------------------------------------------------------------- helpers


def box_corners(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """The four corners of an axis-aligned box, clockwise on screen from top-left."""
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64)


def count_checker(need: int) -> Callable[[np.ndarray, str, str], np.ndarray]:
    """``read_points`` that accepts exactly ``need`` points (the default for fixed counts)."""

    def check(pts: np.ndarray, where: str, name: str) -> np.ndarray:
        if len(pts) != need:
            raise ValueError(trn("{0}: a {1} needs {2} point, got {3}",
                                 "{0}: a {1} needs {2} points, got {3}", need).format(
                where, name, need, len(pts)))
        return pts

    return check


def coincident(pts: np.ndarray) -> bool:
    """All points at one place (a click without a drag)."""
    span = pts.max(axis=0) - pts.min(axis=0)
    return bool(np.all(span < 1e-6))


def flat(pts: np.ndarray) -> bool:
    """No width or no height: a box drawn like this covers nothing."""
    span = pts.max(axis=0) - pts.min(axis=0)
    return bool(np.any(span < 1e-6))


# ----------------------------------------------------------------------------- rectangle


def _rect_canonical(pts: np.ndarray) -> np.ndarray:
    if len(pts) != 2:
        return pts
    x0, y0, x1, y1 = pts.ravel().tolist()
    if x0 > x1 or y0 > y1:
        return np.array([[min(x0, x1), min(y0, y1)], [max(x0, x1), max(y0, y1)]])
    return pts


def _rect_read(pts: np.ndarray, where: str, name: str) -> np.ndarray:
    if len(pts) == 4:  # X-AnyLabeling: 4 axis-aligned corners
        return np.array([pts.min(axis=0), pts.max(axis=0)])
    if len(pts) != 2:
        raise ValueError(tr("{0}: a rectangle needs 2 or 4 points, got {1}").format(where, len(pts)))
    return pts


def _rect_outline(shape: "Shape", segments: int = 0) -> np.ndarray:
    (x0, y0), (x1, y1) = shape.points[0], shape.points[-1]
    return box_corners(x0, y0, x1, y1)


def _rect_area(shape: "Shape") -> float:
    from .geometry import bounding_box

    x0, y0, x1, y1 = bounding_box(shape)
    return (x1 - x0) * (y1 - y0)


# ----------------------------------------------------------------------------- rotation


def _rotation_direction(pts: np.ndarray) -> float:
    from .geometry import rotated_box_from_corners

    return rotated_box_from_corners(pts).angle


def _rotation_from_draft(pts: np.ndarray) -> np.ndarray:
    """Drawn by two corners like a rectangle; rotated afterwards (handle or Z/X/C/V)."""
    (x0, y0), (x1, y1) = pts[:2]
    xa, xb = sorted((x0, x1))
    ya, yb = sorted((y0, y1))
    return box_corners(xa, ya, xb, yb)


# ----------------------------------------------------------------------------- circle


def circle_radius(shape: "Shape") -> float:
    """A circle is its centre, then a point on it."""
    (cx, cy), (px, py) = shape.points[:2]
    return float(math.hypot(px - cx, py - cy))


def _circle_bbox(shape: "Shape") -> tuple[float, float, float, float]:
    if len(shape.points) < 2:
        return _points_extent(shape)
    r = circle_radius(shape)
    cx, cy = shape.points[0]
    return float(cx - r), float(cy - r), float(cx + r), float(cy + r)


def _circle_outline(shape: "Shape", segments: int = 64) -> np.ndarray:
    r = circle_radius(shape)
    cx, cy = shape.points[0]
    t = np.linspace(0.0, 2.0 * math.pi, segments, endpoint=False)
    return np.stack([cx + r * np.cos(t), cy + r * np.sin(t)], axis=1)


def _circle_area(shape: "Shape") -> float:
    return math.pi * circle_radius(shape) ** 2


def _circle_contains(shape: "Shape", x: float, y: float, tolerance: float) -> bool:
    cx, cy = shape.points[0]
    return math.hypot(x - cx, y - cy) <= circle_radius(shape) + tolerance


def _circle_edge_distance(shape: "Shape", x: float, y: float) -> float:
    cx, cy = shape.points[0]
    return abs(math.hypot(x - cx, y - cy) - circle_radius(shape))


# ----------------------------------------------------------------------------- mask
# The bitmap lives in core/mask_shape.py (imported late: it imports shape.py, which imports
# this module). A mask's outline is its box; its pixels are mask_shape.to_polygons.


def _is_mask(shape: "Shape") -> bool:
    return len(shape.points) >= 2


def _mask_bbox(shape: "Shape") -> tuple[float, float, float, float]:
    from . import mask_shape

    return mask_shape.box(shape) if _is_mask(shape) else _points_extent(shape)


def _mask_outline(shape: "Shape", segments: int = 0) -> np.ndarray:
    if not _is_mask(shape):
        return shape.points.copy()
    return box_corners(*_mask_bbox(shape))


def _mask_area(shape: "Shape") -> float:
    from . import mask_shape

    try:  # its set pixels (0 when the bitmap is unreadable)
        return float(mask_shape.pixel_area(shape))
    except mask_shape.MaskShapeError:
        return 0.0


def _mask_to_mask(shape: "Shape", height: int, width: int) -> np.ndarray:
    from . import mask_shape

    out = np.zeros((height, width), dtype=bool)
    mask_shape.paint(shape, out, True)
    return out


def _points_extent(shape: "Shape") -> tuple[float, float, float, float]:
    pts = shape.points
    if len(pts) == 0:
        raise ValueError(tr("shape has no points"))
    x0, y0 = pts.min(axis=0)
    x1, y1 = pts.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


# ----------------------------------------------------------------------------- the built-in kinds
# Registration order is the toolbar order.

register(ShapeKind(RECTANGLE, closed=True, points=2, exports=AREA_EXPORTS | {ROTATED},
                   outline=_rect_outline, points_span_box=True, area=_rect_area, canonical=_rect_canonical, read_points=_rect_read,
                   degenerate=lambda p: coincident(p) or flat(p)))
register(ShapeKind(POLYGON, closed=True, min_points=1, draft_clicks=None, draft_min=3,
                   exports=AREA_EXPORTS | {ROTATED}))  # ROTATED: 4-vertex polygons (quadrilaterals)
register(ShapeKind(ROTATION, closed=True, points=4, exports=AREA_EXPORTS | {ROTATED},
                   direction_of=_rotation_direction, from_draft=_rotation_from_draft,
                   degenerate=lambda p: coincident(p) or flat(p)))
register(ShapeKind(CIRCLE, closed=True, points=2, exports=AREA_EXPORTS, outline=_circle_outline, sampled_outline=True,
                   bbox=_circle_bbox, area=_circle_area, contains=_circle_contains,
                   edge_distance=_circle_edge_distance, degenerate=coincident))
register(ShapeKind(LINE, closed=False, points=2, degenerate=coincident))
register(ShapeKind(POINT, closed=False, points=1, draft_clicks=1, draft_min=1))
register(ShapeKind(LINESTRIP, closed=False, min_points=1, draft_clicks=None, draft_min=2))
register(ShapeKind(MASK, closed=True, min_points=0, drawable=False, exports=AREA_EXPORTS | {ROTATED},
                   outline=_mask_outline, sampled_outline=True,
                   bbox=_mask_bbox, area=_mask_area, to_mask=_mask_to_mask))
