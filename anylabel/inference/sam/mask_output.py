"""A SAM mask -> the shapes users asked for (polygon, rectangle, rotated box or mask).

Polygons: each separate part of the object becomes its own polygon (an occluded
object split in two keeps both halves), specks below ``min_part_fraction`` of the
object are dropped as noise, and parts share one group id so exporters (COCO) merge
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
                   min_part_fraction: float = 0.01) -> list[Shape]:
    """Shapes for one object mask (empty list for an empty mask)."""
    m = np.asarray(mask, dtype=bool)
    if not m.any():
        return []
    kw = dict(label=label, group_id=group_id, score=score)
    if mode == "polygon":
        polys = mask_to_polygons(m, tolerance=tolerance, min_area=1.0)
        if not polys:
            return []
        from ...core.geometry import polygon_area

        biggest = polygon_area(polys[0])
        keep = [p for p in polys if polygon_area(p) >= min_part_fraction * biggest]
        return [Shape(POLYGON, p, **kw) for p in keep]
    if mode == "rectangle":
        ys, xs = np.nonzero(m)
        return [Shape(RECTANGLE, np.array([[xs.min(), ys.min()], [xs.max() + 1, ys.max() + 1]], float), **kw)]
    if mode == "rotation":
        return [_rotated_box(m, kw)]
    if mode == MASK:
        return [_mask_shape(m, kw)]
    raise ValueError(f"unknown SAM output {mode!r}; choose one of {', '.join(OUTPUT_MODES)}")


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
    """LabelMe's ``mask`` shape: the bounding box as 2 points + the cropped mask as a PNG."""
    import cv2

    ys, xs = np.nonzero(m)
    x0, y0, x1, y1 = xs.min(), ys.min(), xs.max() + 1, ys.max() + 1
    ok, png = cv2.imencode(".png", m[y0:y1, x0:x1].astype(np.uint8) * 255)
    if not ok:
        raise ValueError("could not encode the mask as PNG")
    shape = Shape(MASK, np.array([[x0, y0], [x1, y1]], dtype=np.float64), **kw)
    shape.extra["mask"] = base64.b64encode(png.tobytes()).decode("ascii")
    return shape
