"""How each shape type becomes a box, a polygon or a rotated box, and why some cannot.

One table for every format, so YOLO and VOC agree on what a "box" is and the summary
gives the same reason everywhere. What a shape type can become is its record's
``exports`` in ``core/shape_kinds.py`` (BOX, OUTLINE, ROTATED); a type no record knows
(another tool's ``quadrilateral``) is a list of vertices.
"""

from __future__ import annotations

import math
from typing import Callable, TypeVar

import numpy as np

from ..core import mask_shape, shape_kinds
from ..core.geometry import bounding_box, outline
from ..core.i18n import tr_noop
from ..core.shape import MASK, POLYGON, RECTANGLE, Shape
from ..core.shape_kinds import BOX, OUTLINE, ROTATED
from .base import ImageSize, Skip

NOT_AN_AREA = tr_noop("lines, line strips and points cover no area")
TOO_FEW_POINTS = tr_noop("fewer than 3 points: not a polygon")
ZERO_AREA = tr_noop("zero width or height")
OUTSIDE = tr_noop("entirely outside the image")
NOT_FINITE = tr_noop("NaN or infinite coordinates")
NOT_ROTATED = tr_noop("only rotated boxes, rectangles and 4-point polygons are rotated boxes")
NOT_A_BOX = tr_noop("this shape type has no box form")
NOT_A_POLYGON = tr_noop("this shape type has no polygon form")
NOT_IN_CLASSES = tr_noop("label not in the class list")
EMPTY_MASK = tr_noop("the mask bitmap has no set pixels inside the image")
#: Coordinates farther than this from the origin are no position in any image (a broken or
#: hostile file: 1e308, 25-digit numbers); beyond it float32 (OpenCV) and products of
#: coordinates (areas) lose all meaning, so such shapes are left out and reported.
COORD_LIMIT = 1e9
TOO_FAR = tr_noop("coordinates beyond ±1e9 pixels")

T = TypeVar("T")

def skip(shape: Shape, reason: str) -> Skip:
    return Skip(shape.label, shape.shape_type, reason)


def shoelace(points: np.ndarray) -> float:
    """Polygon area; plain Python on the few vertices of a label polygon is several times
    faster than numpy's per-call overhead, which matters at 200,000 shapes per export."""
    xs, ys = points[:, 0].tolist(), points[:, 1].tolist()
    n = len(xs)
    if n < 3:
        return 0.0
    acc = xs[-1] * ys[0] - xs[0] * ys[-1]
    for i in range(n - 1):
        acc += xs[i] * ys[i + 1] - xs[i + 1] * ys[i]
    return abs(acc) / 2.0


def _check_common(shape: Shape, form: str) -> Skip | None:
    kind = shape_kinds.kind_of(shape)
    if kind is not None and not kind.closed:
        return skip(shape, NOT_AN_AREA)
    n = len(shape.points)
    flat = shape.points.ravel().tolist()
    if n == 0 or not all(map(math.isfinite, flat)):
        return skip(shape, NOT_FINITE if n else TOO_FEW_POINTS)
    if max(flat) > COORD_LIMIT or min(flat) < -COORD_LIMIT:
        return skip(shape, TOO_FAR)
    if (kind is None or kind.free_vertices) and n < 3:  # the points are a polygon's vertices
        return skip(shape, TOO_FEW_POINTS)
    if kind is not None and form not in kind.exports:
        return skip(shape, {BOX: NOT_A_BOX, OUTLINE: NOT_A_POLYGON, ROTATED: NOT_ROTATED}[form])
    return None


def mask_parts(shape: Shape, size: ImageSize | None) -> list[np.ndarray] | Skip:
    """The outlines of a mask shape's parts inside the image (largest first), or why not."""
    try:
        polys = mask_shape.to_polygons(shape, size)
    except mask_shape.MaskShapeError as exc:
        return skip(shape, str(exc))
    return polys or skip(shape, EMPTY_MASK)


def _mask_box(shape: Shape, size: ImageSize | None) -> tuple[float, float, float, float] | Skip:
    """The box of a mask shape's set pixels (inside the image when ``size`` is given)."""
    try:
        bits = mask_shape.decode(shape) if size is None else mask_shape.clipped(shape, size)
    except mask_shape.MaskShapeError as exc:
        return skip(shape, str(exc))
    import cv2

    x, y, w, h = cv2.boundingRect(bits.view(np.uint8))
    if w == 0 or h == 0:
        return skip(shape, EMPTY_MASK)
    x0, y0 = mask_shape.origin(shape)
    return float(x0 + x), float(y0 + y), float(x0 + x + w), float(y0 + y + h)


def _bounds(shape: Shape) -> tuple[float, float, float, float]:
    """bounding_box() with plain Python for the few points of a label shape (faster)."""
    kind = shape_kinds.kind_of(shape)
    if kind is not None and not kind.box_of_points:  # a circle: its box is not its points'
        return bounding_box(shape)
    flat = shape.points.ravel().tolist()
    xs, ys = flat[0::2], flat[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def as_box(shape: Shape, size: ImageSize | None = None) -> tuple[float, float, float, float] | Skip:
    """The axis-aligned box (x0, y0, x1, y1) an area shape covers, clipped to the image when
    ``size`` is given; a Skip for lines, points, degenerate and off-image shapes."""
    bad = _check_common(shape, BOX)
    if bad:
        return bad
    if shape.shape_type == MASK:
        return _mask_box(shape, size)
    x0, y0, x1, y1 = _bounds(shape)
    if size is not None:
        w, h = size
        x0, x1 = min(max(x0, 0.0), w), min(max(x1, 0.0), w)
        y0, y1 = min(max(y0, 0.0), h), min(max(y1, 0.0), h)
        if x1 <= x0 or y1 <= y0:
            raw = _bounds(shape)
            return skip(shape, ZERO_AREA if raw[2] <= raw[0] or raw[3] <= raw[1] else OUTSIDE)
    if x1 <= x0 or y1 <= y0:
        return skip(shape, ZERO_AREA)
    return x0, y0, x1, y1


def as_polygon(shape: Shape, size: ImageSize | None = None) -> np.ndarray | Skip:
    """The closed outline of an area shape as (N, 2) points (rectangles, rotated boxes and
    circles become polygons), clipped to the image when ``size`` is given. A mask shape
    gives the outline of its largest part (``mask_parts`` has them all)."""
    bad = _check_common(shape, OUTLINE)
    if bad:
        return bad
    if shape.shape_type == MASK:
        parts = mask_parts(shape, size)
        return parts if isinstance(parts, Skip) else parts[0]
    pts = shape.points if shape.shape_type == POLYGON else outline(shape)
    if size is not None:
        w, h = size
        x0, y0, x1, y1 = _bounds(shape)
        if x0 < 0 or y0 < 0 or x1 > w or y1 > h:
            pts = np.clip(pts, 0, [w, h])
    if shoelace(pts) <= 0:
        raw = shoelace(outline(shape))
        return skip(shape, OUTSIDE if raw > 0 else ZERO_AREA)
    return pts


def _flat_area(flat: list[float]) -> float:
    xs, ys = flat[0::2], flat[1::2]
    acc = xs[-1] * ys[0] - xs[0] * ys[-1]
    for i in range(len(xs) - 1):
        acc += xs[i] * ys[i + 1] - xs[i + 1] * ys[i]
    return abs(acc) / 2.0


def flat_polygon(shape: Shape, size: ImageSize) -> tuple[list[float], float] | Skip:
    """``as_polygon`` as a flat [x1, y1, x2, y2, ...] list with its area: the COCO exporter's
    form. Rectangles and polygons (nearly every shape) take a pure-Python path."""
    st = shape.shape_type
    if st not in (RECTANGLE, POLYGON) or len(shape.points) < (2 if st == RECTANGLE else 3):
        poly = as_polygon(shape, size)
        return poly if isinstance(poly, Skip) else (poly.ravel().tolist(), shoelace(poly))
    flat = shape.points.ravel().tolist()
    if not all(map(math.isfinite, flat)):
        return skip(shape, NOT_FINITE)
    w, h = size
    xs, ys = flat[0::2], flat[1::2]
    if min(xs) < 0 or min(ys) < 0 or max(xs) > w or max(ys) > h:
        poly = as_polygon(shape, size)  # clipping: rare, take the general path
        return poly if isinstance(poly, Skip) else (poly.ravel().tolist(), shoelace(poly))
    if st == RECTANGLE:
        x0, y0, x1, y1 = flat[0], flat[1], flat[-2], flat[-1]
        area = (x1 - x0) * (y1 - y0)
        flat = [x0, y0, x1, y0, x1, y1, x0, y1]
    else:
        area = _flat_area(flat)
    if area <= 0:
        return skip(shape, ZERO_AREA)
    return flat, area


def as_rotated(shape: Shape) -> np.ndarray | Skip:
    """Four corners of a rotated box: rotations as drawn, rectangles as 0-degree boxes,
    4-point polygons (quadrilaterals) as they are."""
    bad = _check_common(shape, ROTATED)
    if bad:
        return bad
    if shape.shape_type == MASK:  # the box of its pixels, as a 0-degree rotated box
        got = _mask_box(shape, None)
        if isinstance(got, Skip):
            return got
        x0, y0, x1, y1 = got
        pts = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64)
    else:  # a kind whose outline is four corners: a rectangle's, a rotation's, a quadrilateral's
        pts = outline(shape)
        if len(pts) != 4:
            return skip(shape, NOT_ROTATED)
    if shoelace(pts) <= 0:
        return skip(shape, ZERO_AREA)
    return pts


def classify(
    shape: Shape, class_index: dict[str, int], geometry: Callable[[Shape], T | Skip]
) -> tuple[int, T] | Skip:
    """(class index, converted geometry); the geometry is checked first, so a line is
    reported as "not an area", not as an unknown class."""
    geom = geometry(shape)
    if isinstance(geom, Skip):
        return geom
    idx = class_index.get(shape.label)
    if idx is None:
        return skip(shape, NOT_IN_CLASSES)
    return idx, geom
