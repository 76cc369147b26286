"""A SAM mask -> the shapes users asked for (polygon, rectangle, rotated box or mask).

Polygons: each separate part of the object becomes its own polygon (an occluded
object split in two keeps both halves), parts below ``min_part_fraction`` of the
largest part are dropped as noise (and at most ``max_parts`` are kept), and parts share one group id so exporters (COCO) merge
them back into one instance. Holes cannot be drawn in a polygon shape, so they are
filled; keep the mask output when holes matter.
"""
from __future__ import annotations

import base64
from typing import Literal

import numpy as np

from ...core.geometry import mask_to_polygons, rotated_box_from_corners
from ...core.shape import POLYGON, RECTANGLE, ROTATION, Shape

OutputMode = Literal["polygon", "rectangle", "rotation", "mask"]
OUTPUT_MODES: tuple[str, ...] = ("polygon", "rectangle", "rotation", "mask")
MASK = "mask"


def mask_to_shapes(mask: np.ndarray, mode: str = "polygon", label: str = "", tolerance: float = 1.0,
                   group_id: int | None = None, score: float | None = None,
                   min_part_fraction: float = 0.05, max_parts: int = 16,
                   scale: tuple[float, float] = (1.0, 1.0)) -> list[Shape]:
    """Shapes for one object mask (empty list for an empty mask). ``scale`` (sx, sy) maps
    mask pixels to image pixels when the mask was computed smaller than the image;
    ``tolerance`` is in image pixels."""
    m = np.asarray(mask, dtype=bool)
    if not m.any():
        return []
    sx, sy = scale
    if (sx, sy) != (1.0, 1.0):
        if mode == MASK:  # the mask shape is pixels: bring it to the image size
            import cv2

            size = (max(1, round(m.shape[1] * sx)), max(1, round(m.shape[0] * sy)))
            return mask_to_shapes(cv2.resize(m.view(np.uint8), size, interpolation=cv2.INTER_NEAREST).astype(bool),
                                  mode, label, tolerance, group_id, score, min_part_fraction, max_parts)
        shapes = mask_to_shapes(m, mode, label, tolerance / max(sx, sy), group_id, score, min_part_fraction,
                                max_parts)
        for sh in shapes:
            sh.points = sh.points * np.array([sx, sy])
            if sh.shape_type == ROTATION:
                sh.direction = rotated_box_from_corners(sh.points).angle
        return shapes
    kw = dict(label=label, group_id=group_id, score=score)
    if mode == "polygon":
        part_mask, (ox, oy) = _major_parts(m, min_part_fraction, max_parts)
        polys = mask_to_polygons(part_mask, tolerance=0.0, min_area=1.0)
        offset = np.array([ox, oy], dtype=np.float64)
        return [Shape(POLYGON, _simplify(p, tolerance) + offset, **kw) for p in polys]
    if mode == "rectangle":
        ys, xs = np.nonzero(m)
        return [Shape(RECTANGLE, np.array([[xs.min(), ys.min()], [xs.max() + 1, ys.max() + 1]], float), **kw)]
    if mode == "rotation":
        return [_rotated_box(m, kw)]
    if mode == MASK:
        return [_mask_shape(m, kw)]
    raise ValueError(f"unknown SAM output {mode!r}; choose one of {', '.join(OUTPUT_MODES)}")


def _simplify(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Douglas-Peucker with OpenCV (a fraction of the cost of shapely's topology-preserving
    simplification, which runs on every click); when that would make the outline cross
    itself, the topology-preserving simplification is used instead."""
    if tolerance <= 0 or len(points) <= 4:
        return points
    import cv2
    from shapely.geometry import Polygon

    approx = cv2.approxPolyDP(points.astype(np.float32).reshape(-1, 1, 2), float(tolerance), True)
    approx = approx.reshape(-1, 2).astype(np.float64)
    if len(approx) >= 3 and Polygon(approx).is_valid:
        return approx
    simple = Polygon(points).simplify(tolerance, preserve_topology=True)
    return np.asarray(simple.exterior.coords, dtype=np.float64)[:-1]


def _major_parts(m: np.ndarray, min_fraction: float, max_parts: int) -> tuple[np.ndarray, tuple[int, int]]:
    """The mask with only its parts of at least ``min_fraction`` of the largest part (at
    most ``max_parts``, largest first), and the offset of the returned array (0, 0).
    Tracing and buffering each speck costs time on every click (a noisy mask has
    thousands), and users never want them as polygons."""
    import cv2

    m = np.ascontiguousarray(m, dtype=bool)
    # connectedComponents + bincount: an order of magnitude faster than ...WithStats here.
    n, labels = cv2.connectedComponents(m.view(np.uint8), connectivity=8)
    areas = np.bincount(labels.ravel(), minlength=n)[1:]
    keep = np.flatnonzero(areas >= max(1.0, min_fraction * areas.max()))
    keep = keep[np.argsort(-areas[keep], kind="stable")][:max_parts] + 1
    if len(keep) == n - 1:
        return m, (0, 0)
    lut = np.zeros(n, dtype=bool)
    lut[keep] = True
    return lut[labels], (0, 0)


def _rotated_box(m: np.ndarray, kw: dict) -> Shape:
    import cv2

    ys, xs = np.nonzero(m)
    # Pixel corners, so a one-pixel-wide object still gets a box of width 1.
    pts = np.concatenate([np.stack([xs + dx, ys + dy], 1) for dx in (0, 1) for dy in (0, 1)]).astype(np.float32)
    hull = cv2.convexHull(pts)
    corners = cv2.boxPoints(cv2.minAreaRect(hull)).astype(np.float64)
    shape = Shape(ROTATION, corners, **kw)
    shape.direction = rotated_box_from_corners(corners).angle
    return shape


def _mask_shape(m: np.ndarray, kw: dict) -> Shape:
    """LabelMe's ``mask`` shape: the first and last pixel (inclusive, as LabelMe reads it:
    the PNG is ``y1 - y0 + 1`` rows by ``x1 - x0 + 1`` columns) + the cropped mask as a PNG."""
    import cv2

    ys, xs = np.nonzero(m)
    x0, y0, x1, y1 = xs.min(), ys.min(), xs.max(), ys.max()
    ok, png = cv2.imencode(".png", m[y0:y1 + 1, x0:x1 + 1].astype(np.uint8) * 255)
    if not ok:
        raise ValueError("could not encode the mask as PNG")
    shape = Shape(MASK, np.array([[x0, y0], [x1, y1]], dtype=np.float64), **kw)
    shape.extra["mask"] = base64.b64encode(png.tobytes()).decode("ascii")
    return shape
