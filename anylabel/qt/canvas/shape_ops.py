"""Edits of one shape's geometry, as pure functions on copies (no Qt).

Every function returns a new Shape and leaves its argument untouched, because the
undo history holds the old objects (see anylabel/core/undo.py).
"""
from __future__ import annotations

import math

import numpy as np

from ...core.geometry import RotatedBox, rotate_corners, rotated_box_corners, rotated_box_from_corners, sync_direction
from ...core.shape import CIRCLE, LINESTRIP, MASK, POLYGON, RECTANGLE, ROTATION, Shape

MIN_VERTICES = {POLYGON: 3, LINESTRIP: 2}
# A MASK (core/mask_shape.py) is moved in whole pixels and never reshaped.


def handles(shape: Shape) -> np.ndarray:
    """Draggable vertex handles: a rectangle shows its four corners, others their points."""
    if shape.shape_type == RECTANGLE and len(shape.points) == 2:
        (x0, y0), (x1, y1) = shape.points
        return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64)
    if shape.shape_type == MASK:
        return np.zeros((0, 2))  # stretching the box would not stretch the bitmap
    return shape.points


def translated(shape: Shape, dx: float, dy: float) -> Shape:
    if shape.shape_type == MASK:
        dx, dy = round(dx), round(dy)  # a bitmap stays on the pixel grid
    s = shape.copy()
    s.points = s.points + np.array([dx, dy])
    return s


def clamp_translation(shape_boxes: list[tuple[float, float, float, float]], dx: float, dy: float,
                      width: float, height: float) -> tuple[float, float]:
    """Limit a move so that the moved shapes' boxes stay inside the image."""
    if not shape_boxes or width <= 0 or height <= 0:
        return dx, dy
    x0 = min(b[0] for b in shape_boxes)
    y0 = min(b[1] for b in shape_boxes)
    x1 = max(b[2] for b in shape_boxes)
    y1 = max(b[3] for b in shape_boxes)
    dx = min(max(dx, -x0), width - x1) if x1 - x0 <= width else dx
    dy = min(max(dy, -y0), height - y1) if y1 - y0 <= height else dy
    return dx, dy


def with_handle_moved(shape: Shape, k: int, x: float, y: float) -> Shape:
    """The shape with handle ``k`` dragged to (x, y), keeping the type's invariants."""
    s = shape.copy()
    st = s.shape_type
    if st == RECTANGLE and len(s.points) == 2:
        c = handles(shape)
        opposite = c[(k + 2) % 4]
        s.points = np.array([[min(x, opposite[0]), min(y, opposite[1])], [max(x, opposite[0]), max(y, opposite[1])]])
    elif st == ROTATION and len(s.points) == 4:
        box = rotated_box_from_corners(s.points)
        u = np.array([math.cos(box.angle), math.sin(box.angle)])
        v = np.array([-u[1], u[0]])
        o = s.points[(k + 2) % 4]
        d = np.array([x, y]) - o
        w, h = abs(float(d @ u)), abs(float(d @ v))
        c = (o + np.array([x, y])) / 2.0
        s.points = rotated_box_corners(RotatedBox(float(c[0]), float(c[1]), w, h, box.angle))
        sync_direction(s)
    elif st == CIRCLE and k == 0 and len(s.points) == 2:
        s.points = s.points + (np.array([x, y]) - s.points[0])  # the centre moves the circle
    else:
        pts = s.points.copy()
        pts[k] = (x, y)
        s.points = pts
    return s


def with_vertex_inserted(shape: Shape, edge: int, x: float, y: float) -> Shape:
    s = shape.copy()
    s.points = np.insert(s.points, edge + 1, [x, y], axis=0)
    return s


def can_remove_vertex(shape: Shape) -> bool:
    need = MIN_VERTICES.get(shape.shape_type)
    return need is not None and len(shape.points) > need


def with_vertex_removed(shape: Shape, k: int) -> Shape:
    s = shape.copy()
    s.points = np.delete(s.points, k, axis=0)
    return s


def rotated(shape: Shape, degrees: float) -> Shape:
    """A rotation shape turned about its centre (positive = clockwise on screen)."""
    s = shape.copy()
    if s.shape_type == ROTATION and len(s.points) == 4:
        s.points = rotate_corners(s.points, math.radians(degrees))
        sync_direction(s)
    return s


def rotated_to(shape: Shape, angle: float) -> Shape:
    """A rotation shape with its first edge at ``angle`` radians."""
    s = shape.copy()
    box = rotated_box_from_corners(s.points)
    s.points = rotated_box_corners(RotatedBox(box.cx, box.cy, box.w, box.h, angle))
    sync_direction(s)
    return s


def size_text(shape: Shape) -> str:
    """What the status bar says about a shape: width x height, and the angle of a rotated box."""
    if shape.shape_type == ROTATION and len(shape.points) == 4:
        box = rotated_box_from_corners(shape.points)
        deg = box.degrees if box.degrees <= 180.0 else box.degrees - 360.0  # -4°, not 356°
        return f"{box.w:.0f} x {box.h:.0f}, {deg:.1f}°"
    if shape.shape_type == CIRCLE and len(shape.points) == 2:
        r = float(np.hypot(*(shape.points[1] - shape.points[0])))
        return f"r {r:.0f} ({2 * r:.0f} x {2 * r:.0f})"
    if len(shape.points) == 0:
        return ""
    if shape.shape_type == MASK:
        from .mask_shapes import mask_box, decode_mask

        x0, y0, x1, y1 = mask_box(shape)
        bits = decode_mask(shape)
        px = f", {int(bits.sum())} px" if bits is not None else ""
        return f"{x1 - x0:.0f} x {y1 - y0:.0f}{px}"
    x0, y0 = shape.points.min(axis=0)
    x1, y1 = shape.points.max(axis=0)
    return f"{x1 - x0:.0f} x {y1 - y0:.0f}"
