"""A SAM mask -> the shapes users asked for (polygon, rectangle, rotated box or mask).

Polygons: each separate part of the object becomes its own polygon (an occluded
object split in two keeps both halves), parts below ``min_part_fraction`` of the
largest part are dropped as noise (and at most ``max_parts`` are kept), and parts share one group id so exporters (COCO) merge
them back into one instance. Holes cannot be drawn in a polygon shape, so they are
filled; keep the mask output when holes matter.
"""
from __future__ import annotations

from typing import Literal

import numpy as np

from ...core import mask_shape
from ...core.geometry import mask_to_polygons, rotated_box_from_corners
from ...core.i18n import tr
from ...core.shape import MASK, POLYGON, RECTANGLE, ROTATION, Shape

OutputMode = Literal["polygon", "rectangle", "rotation", "mask"]
OUTPUT_MODES: tuple[str, ...] = ("polygon", "rectangle", "rotation", MASK)


def mask_to_shapes(mask: np.ndarray, mode: str = "polygon", label: str = "", tolerance: float = 1.0,
                   group_id: int | None = None, score: float | None = None,
                   min_part_fraction: float = 0.05, max_parts: int = 16,
                   scale: tuple[float, float] = (1.0, 1.0), epsilon: float = 0.0) -> list[Shape]:
    """Shapes for one object mask (empty list for an empty mask). ``scale`` (sx, sy) maps
    mask pixels to image pixels when the mask was computed smaller than the image;
    ``tolerance`` is in image pixels. ``epsilon`` > 0 (X-AnyLabeling's SAM 2 key) makes the
    polygon tolerance relative instead: that fraction of each outline's length."""
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
                                max_parts, epsilon=epsilon)
        for sh in shapes:
            sh.points = sh.points * np.array([sx, sy])
            if sh.shape_type == ROTATION:
                sh.direction = rotated_box_from_corners(sh.points).angle
        return shapes
    kw = dict(label=label, group_id=group_id, score=score)
    if mode == "polygon":
        part_mask, (ox, oy) = _major_parts(m, min_part_fraction, max_parts)
        offset = np.array([ox, oy], dtype=np.float64)
        # Back in mask coordinates before simplifying, so nothing depends on the crop.
        polys = [p + offset for p in mask_to_polygons(part_mask, tolerance=0.0, min_area=1.0)]
        tolerances = [epsilon * _perimeter(p) for p in polys] if epsilon > 0 else [tolerance] * len(polys)
        return [Shape(POLYGON, p, **kw) for p in _simplify(polys, tolerances)]
    if mode == "rectangle":
        ys, xs = np.nonzero(m)
        return [Shape(RECTANGLE, np.array([[xs.min(), ys.min()], [xs.max() + 1, ys.max() + 1]], float), **kw)]
    if mode == "rotation":
        return [_rotated_box(m, kw)]
    if mode == MASK:
        return [_mask_shape(m, kw)]
    raise ValueError(tr("unknown SAM output {0!r}; choose one of {1}").format(mode, ", ".join(OUTPUT_MODES)))


def _perimeter(poly: np.ndarray) -> float:
    return float(np.linalg.norm(np.diff(np.vstack([poly, poly[:1]]), axis=0), axis=1).sum())


def _simplify(polys: list[np.ndarray], tolerances: list[float]) -> list[np.ndarray]:
    """Douglas-Peucker with OpenCV (a fraction of the cost of shapely's topology-preserving
    simplification, which runs on every click); when that would make an outline cross
    itself, the topology-preserving simplification is used for that outline instead.
    The validity of all the simplified outlines is checked in one shapely call (one
    call per outline cost more in Python than in GEOS on noisy masks)."""
    if not any(t > 0 for t in tolerances):
        return polys
    import cv2
    import shapely

    out = list(polys)
    approx: dict[int, np.ndarray] = {}
    for i, (p, tolerance) in enumerate(zip(polys, tolerances)):
        if len(p) > 4 and tolerance > 0:
            a = cv2.approxPolyDP(p.astype(np.float32).reshape(-1, 1, 2), float(tolerance), True)
            approx[i] = a.reshape(-1, 2).astype(np.float64)
    checked = [i for i, a in approx.items() if len(a) >= 3]
    valid: set[int] = set()
    if checked:
        coords = np.concatenate([approx[i] for i in checked])
        ring_of = np.repeat(np.arange(len(checked)), [len(approx[i]) for i in checked])
        rings = shapely.linearrings(coords, indices=ring_of)  # closed by shapely
        ok = shapely.is_valid(shapely.polygons(rings))
        valid = {i for i, v in zip(checked, ok) if v}
    for i, a in approx.items():
        if i in valid:
            out[i] = a
        else:
            simple = shapely.Polygon(polys[i]).simplify(tolerances[i], preserve_topology=True)
            out[i] = np.asarray(simple.exterior.coords, dtype=np.float64)[:-1]
    return out


def _major_parts(m: np.ndarray, min_fraction: float, max_parts: int) -> tuple[np.ndarray, tuple[int, int]]:
    """The parts of the mask of at least ``min_fraction`` of the largest part (at most
    ``max_parts``, largest first, equal sizes in OpenCV's labelling order), cropped to
    their bounding box, and the (x, y) of that box in the mask.

    Tracing and buffering each speck costs time on every click (a noisy mask has
    thousands), and users never want them as polygons. Only the mask's bounding box is
    labelled (an object is usually a small part of the image); the box starts on an even
    row and column, so OpenCV's labelling (2 x 2 blocks) numbers the parts as it does on
    the whole mask and ties in size are broken the same way."""
    import cv2

    m8 = np.ascontiguousarray(m, dtype=bool).view(np.uint8)
    x, y, w, h = cv2.boundingRect(m8)
    x0, y0 = x - x % 2, y - y % 2
    crop = m8[y0:y + h, x0:x + w]
    n, labels = cv2.connectedComponents(crop, connectivity=8)
    runs = _row_runs(crop)
    run_label = labels[runs[:, 1], runs[:, 0]]
    areas = np.bincount(run_label, weights=runs[:, 2] - runs[:, 0], minlength=n)[1:]
    keep = np.flatnonzero(areas >= max(1.0, min_fraction * areas.max()))
    keep = keep[np.argsort(-areas[keep], kind="stable")][:max_parts] + 1
    if len(keep) == n - 1:
        return crop.view(bool), (x0, y0)
    lut = np.zeros(n, dtype=bool)
    lut[keep] = True
    kept_runs = runs[lut[run_label]]
    top, bottom = int(kept_runs[0, 1]), int(kept_runs[-1, 1]) + 1  # runs are in raster order
    left, right = int(kept_runs[:, 0].min()), int(kept_runs[:, 2].max())
    # One lookup over the kept parts' box: a handful of numpy calls whatever the number
    # of parts (after a decoder run each call costs several microseconds).
    return np.take(lut, labels[top:bottom, left:right]), (x0 + left, y0 + top)


def _row_runs(m8: np.ndarray) -> np.ndarray:
    """The horizontal runs of set pixels of a 0/1 uint8 image as rows (first column, row,
    end column, row), in raster order. Counting part sizes over runs (a ragged 768 x 576
    mask has about 20 000) is cheaper than counting every pixel's label."""
    import cv2

    h, w = m8.shape
    padded = np.zeros((h, w + 2), dtype=np.uint8)
    padded[:, 1:-1] = m8
    # 1 at column c when pixels c - 1 and c differ: a run starts or ends (exclusive) there.
    edges = cv2.bitwise_xor(padded[:, 1:], padded[:, :-1])
    return cv2.findNonZero(edges).reshape(-1, 4)  # raster order: (x, y) of a start, then of its end


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
    """LabelMe's ``mask`` shape of the mask's box (``core/mask_shape.py``)."""
    return mask_shape.from_image_mask(m, **kw)
