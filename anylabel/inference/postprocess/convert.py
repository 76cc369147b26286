"""Turn a model's shapes into the shape type the user asked for (panel / CLI option).

A segmentation model can label with polygons, boxes or rotated boxes; a detector with
boxes or polygons (4-corner). Conversions keep label, score, group id and description.
"""
from __future__ import annotations

import math

import cv2
import numpy as np

from ...core.geometry import bounding_box, normalize_angle, outline, rotated_box_from_corners
from ...core.shape import POINT, POLYGON, RECTANGLE, ROTATION, Shape

OUTPUT_TYPES: tuple[str, ...] = (RECTANGLE, POLYGON, ROTATION)


def _rotation_from_points(points: np.ndarray) -> tuple[np.ndarray, float]:
    (cx, cy), (w, h), deg = cv2.minAreaRect(points.astype(np.float32))
    corners = cv2.boxPoints(((cx, cy), (w, h), deg)).astype(np.float64)
    box = rotated_box_from_corners(corners)
    return corners, box.angle


def convert_shape(shape: Shape, target: str) -> Shape:
    """A copy of ``shape`` as ``target`` (rectangle, polygon or rotation); points stay as they are."""
    if target == shape.shape_type or shape.shape_type == POINT or target not in OUTPUT_TYPES:
        return shape
    out = shape.copy()
    out.shape_type = target
    if target == RECTANGLE:
        x1, y1, x2, y2 = bounding_box(shape)
        out.points = np.array([[x1, y1], [x2, y2]])
        out.direction = 0.0
    elif target == POLYGON:
        out.points = outline(shape)
        out.direction = 0.0
    else:
        pts = outline(shape)
        corners, angle = _rotation_from_points(pts)
        out.points = corners
        out.direction = normalize_angle(angle)
    return out


def convert_shapes(shapes: list[Shape], target: str | None) -> list[Shape]:
    if not target:
        return shapes
    return [convert_shape(s, target) for s in shapes]


def rotation_shape(cx: float, cy: float, w: float, h: float, angle: float, **kw) -> Shape:
    """A rotation shape from centre, size and angle (radians)."""
    ca, sa = math.cos(angle), math.sin(angle)
    u = np.array([ca, sa]) * w / 2.0
    v = np.array([-sa, ca]) * h / 2.0
    c = np.array([cx, cy])
    corners = np.array([c - u - v, c + u - v, c + u + v, c - u + v])
    return Shape(ROTATION, corners, direction=normalize_angle(angle), **kw)
