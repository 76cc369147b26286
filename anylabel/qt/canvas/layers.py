"""Painting: an ordered tuple of small layer functions, back to front (``LAYERS``).

The two expensive layers keep caches that survive between frames: the image layer
(``image_layer.py``: a zoomed-out copy from a mipmap pyramid) and the shape layer
(``shape_layer.py``: committed, unselected shapes rendered at the current zoom, patched
after edits, rebuilt in a worker for big scenes). The other layers (selection, hover,
draft, overlay, rubber band, crosshair) are cheap and drawn every frame; a big selection
is a cached tint over the shape layer (``selection_tint.py``), a small one is drawn live.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Callable

import numpy as np
from qtpy.QtCore import QPointF, QRectF, Qt
from qtpy.QtGui import QBrush, QColor, QPainter, QPen

from ...core.geometry import rotated_box_from_corners
from ...core.shape import POINT, ROTATION
from .colors import key_color
from .draft import TOOLS
from .qpoly import to_qpolygonf
from .selection_tint import HANDLES_MAX
from .shape_layer import render_shapes
from .shape_render import color_key
from .shape_ops import handles
from .style import (BACKGROUND, CROSSHAIR_COLOR, DRAFT_COLOR, HANDLE_PX, HOVER_VERTEX_COLOR,
                    ROTATE_HANDLE_PX, SELECT_COLOR)
from .view_draw import _draw_stretched

if TYPE_CHECKING:
    from .canvas import Canvas

REBUILD_DELAY_MS = 90


# ----------------------------------------------------------------------------- per-frame layers

def paint_background(canvas: "Canvas", painter: QPainter) -> None:
    painter.fillRect(canvas.rect(), BACKGROUND)


def paint_image(canvas: "Canvas", painter: QPainter) -> None:
    canvas.image_layer.paint(canvas, painter)


def paint_shapes(canvas: "Canvas", painter: QPainter) -> None:
    canvas.shape_layer.paint(canvas, painter)


def _to_widget(canvas: "Canvas", pts: np.ndarray) -> np.ndarray:
    return pts * canvas.scale + np.array([canvas.offset.x(), canvas.offset.y()])


def rotate_handle_pos(canvas: "Canvas", shape) -> QPointF | None:
    """Widget position of a rotated box's rotate handle (beyond the middle of its first edge)."""
    if shape.shape_type != ROTATION or len(shape.points) != 4:
        return None
    box = rotated_box_from_corners(shape.points)
    c = _to_widget(canvas, np.array([[box.cx, box.cy]]))[0]
    up = np.array([math.sin(box.angle), -math.cos(box.angle)])  # the box's "up" (towards p0 -> p1)
    d = box.h * canvas.scale / 2.0 + ROTATE_HANDLE_PX
    return QPointF(c[0] + up[0] * d, c[1] + up[1] * d)


def draw_handles(painter: QPainter, canvas: "Canvas", indices, scale: float, offset: tuple[float, float]) -> None:
    """Vertex handles of shapes ``indices``: squares in the shape's colour with a white rim.
    Two ``drawPoints`` calls per shape (square pen caps) instead of one ``drawRect`` per
    vertex: a 50-vertex polygon costs two calls, not fifty."""
    painter.setRenderHint(QPainter.Antialiasing, False)
    rim = QPen(SELECT_COLOR, HANDLE_PX + 1, Qt.SolidLine, Qt.SquareCap)
    by_track = canvas.style.color_by_track
    o = np.array(offset)
    for i in indices:
        sh = canvas.shapes[i]
        pts = handles(sh)
        if len(pts) == 0:
            continue
        poly = to_qpolygonf(pts * scale + o)
        painter.setPen(rim)
        painter.drawPoints(poly)
        painter.setPen(QPen(key_color(color_key(sh, by_track)), HANDLE_PX - 1, Qt.SolidLine, Qt.SquareCap))
        painter.drawPoints(poly)


def paint_selection(canvas: "Canvas", painter: QPainter) -> None:
    """A small selection is not in the cache: drawn every frame so that drags are live.
    A big one stays in the cache and gets a cached tint (selection_tint.py)."""
    sel = canvas.selected_indices()
    if not sel:
        return
    live = canvas.live_indices()
    if not live:
        canvas.selection_tint.paint(canvas, painter, sel)
        if len(sel) <= HANDLES_MAX:  # the tint has the vertex handles; rotate handles are drawn here
            draw_rotate_handles(canvas, painter, sel)
        return
    o = (-canvas.offset.x(), -canvas.offset.y())
    arr = np.array(live, dtype=np.int64)
    style = canvas.style
    saved = style.fill_alpha
    style.fill_alpha = style.selected_fill_alpha
    try:
        render_shapes(painter, canvas, arr, canvas.scale, o)
    finally:
        style.fill_alpha = saved
    if len(live) > HANDLES_MAX:
        return  # handles of a select-all would hide the image
    draw_handles(painter, canvas, live, canvas.scale, (canvas.offset.x(), canvas.offset.y()))
    draw_rotate_handles(canvas, painter, live)


def rotate_handles_shown(canvas: "Canvas") -> bool:
    """Whether the selection's rotate handles are drawn (and so may be grabbed)."""
    return len(canvas.selected_indices()) <= HANDLES_MAX


def draw_rotate_handles(canvas: "Canvas", painter: QPainter, indices) -> None:
    painter.setRenderHint(QPainter.Antialiasing, True)
    pen = QPen(SELECT_COLOR, 1.0)
    for i in indices:
        sh = canvas.shapes[i]
        hp = rotate_handle_pos(canvas, sh)
        if hp is not None:
            top = _to_widget(canvas, (sh.points[0:1] + sh.points[1:2]) / 2.0)[0]
            painter.setPen(QPen(SELECT_COLOR, 1.2, Qt.DashLine))
            painter.drawLine(QPointF(top[0], top[1]), hp)
            painter.setPen(pen)
            painter.setBrush(QBrush(QColor(255, 200, 0)))
            painter.drawEllipse(hp, HANDLE_PX * 0.8, HANDLE_PX * 0.8)


def paint_hover(canvas: "Canvas", painter: QPainter) -> None:
    h = canvas.hover
    if h.shape is None or h.shape >= len(canvas.shapes):
        return
    sh = canvas.shapes[h.shape]
    painter.setRenderHint(QPainter.Antialiasing, True)
    outline = canvas.scene_index().outline(h.shape)
    if len(outline) and sh.shape_type != POINT:
        pen = QPen(SELECT_COLOR, canvas.style.line_width + 1)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(Qt.NoBrush)
        poly = to_qpolygonf(_to_widget(canvas, outline))
        if canvas.scene_index().closed[h.shape]:
            painter.drawPolygon(poly)
        else:
            painter.drawPolyline(poly)
    if h.vertex is not None:
        pts = handles(sh)
        if h.vertex < len(pts):
            x, y = _to_widget(canvas, pts[h.vertex:h.vertex + 1])[0]
            painter.setPen(QPen(SELECT_COLOR, 1.0))
            painter.setBrush(QBrush(HOVER_VERTEX_COLOR))
            painter.drawEllipse(QPointF(x, y), HANDLE_PX * 0.9, HANDLE_PX * 0.9)
    elif h.edge_point is not None:
        x, y = _to_widget(canvas, np.array([h.edge_point]))[0]
        painter.setPen(QPen(SELECT_COLOR, 1.0))
        painter.setBrush(Qt.NoBrush)
        painter.drawEllipse(QPointF(x, y), HANDLE_PX * 0.7, HANDLE_PX * 0.7)


def hover_area(canvas: "Canvas", h) -> QRectF | None:
    """The widget area ``paint_hover`` draws for hover state ``h`` (None: nothing): the hovered
    shape's outline, its hovered vertex and the edge point, with their pens."""
    if h.shape is None or h.shape >= len(canvas.shapes):
        return None
    box = canvas.scene_index().bboxes[h.shape]
    if not np.isfinite(box[0]):
        return None
    tl, br = _to_widget(canvas, box.reshape(2, 2))
    pad = canvas.style.line_width + 3  # the outline's pen, antialiased
    area = QRectF(QPointF(*tl), QPointF(*br)).adjusted(-pad, -pad, pad, pad)
    spots = []
    if h.vertex is not None:
        pts = handles(canvas.shapes[h.shape])
        if h.vertex < len(pts):
            spots.append(pts[h.vertex])
    if h.edge_point is not None:
        spots.append(h.edge_point)
    r = HANDLE_PX + 2  # the vertex and edge circles with their 1-px pen
    for x, y in _to_widget(canvas, np.array(spots, dtype=float).reshape(-1, 2)):
        area = area.united(QRectF(x - r, y - r, 2 * r, 2 * r))
    return area


def paint_draft(canvas: "Canvas", painter: QPainter) -> None:
    d = canvas.draft
    if d is None:
        return
    from ...core.geometry import outline
    from .draft import Draft
    pts = d.preview_points()
    if len(pts) == 0:
        return
    painter.setRenderHint(QPainter.Antialiasing, True)
    pen = QPen(DRAFT_COLOR, 2.0)
    pen.setCosmetic(True)
    painter.setPen(pen)
    fill = QColor(DRAFT_COLOR)
    fill.setAlpha(40)
    w = _to_widget(canvas, pts)
    tool = TOOLS[d.shape_type]
    if tool.kind.closed and not tool.closed and len(pts) >= tool.min_points:
        # An area kind of fixed clicks (rectangle, circle): the shape these points make.
        made = tool.to_shape(Draft(d.shape_type, [tuple(p) for p in pts.tolist()]))
        painter.setBrush(QBrush(fill))
        painter.drawPolygon(to_qpolygonf(_to_widget(canvas, outline(made, 72))))
    else:
        painter.setBrush(Qt.NoBrush)
        painter.drawPolyline(to_qpolygonf(w))
    painter.setBrush(QBrush(DRAFT_COLOR))
    for x, y in w[: len(d.points)]:
        painter.drawEllipse(QPointF(x, y), 3.5, 3.5)
    if tool.closed and len(d.points) >= tool.min_points and canvas.cursor_near_first_vertex():
        painter.setBrush(Qt.NoBrush)
        painter.drawEllipse(QPointF(*w[0]), 8, 8)


def paint_labelling(canvas: "Canvas", painter: QPainter) -> None:
    """The finished draft whose label is being asked for, in the draft's colours."""
    shape = getattr(canvas, "labelling", None)
    if shape is None or len(shape.points) == 0:
        return
    from ...core.geometry import outline
    from .scene_index import is_closed
    painter.setRenderHint(QPainter.Antialiasing, True)
    pen = QPen(DRAFT_COLOR, 2.0)
    pen.setCosmetic(True)
    painter.setPen(pen)
    fill = QColor(DRAFT_COLOR)
    fill.setAlpha(40)
    painter.setBrush(QBrush(fill))
    if len(shape.points) == 1:  # a point
        painter.setBrush(QBrush(DRAFT_COLOR))
        painter.drawEllipse(QPointF(*_to_widget(canvas, np.asarray(shape.points, float))[0]), 4.0, 4.0)
        return
    w = _to_widget(canvas, outline(shape, 72))  # its kind's outline (a rectangle's 4 corners)
    if is_closed(shape):
        painter.drawPolygon(to_qpolygonf(w))
    else:  # lines
        painter.setBrush(Qt.NoBrush)
        painter.drawPolyline(to_qpolygonf(w))


def paint_overlay(canvas: "Canvas", painter: QPainter) -> None:
    img = canvas.overlay_image
    if img is None or canvas.image_width <= 0:
        return
    _draw_stretched(painter, canvas, img, img.width() / canvas.image_width)


def paint_crosshair(canvas: "Canvas", painter: QPainter) -> None:
    if not canvas.crosshair_visible():
        return
    p = canvas.cursor_widget
    painter.setRenderHint(QPainter.Antialiasing, False)
    painter.setPen(QPen(CROSSHAIR_COLOR, 1, Qt.DashLine))
    painter.drawLine(QPointF(0, p.y()), QPointF(canvas.width(), p.y()))
    painter.drawLine(QPointF(p.x(), 0), QPointF(p.x(), canvas.height()))


def paint_rubber_band(canvas: "Canvas", painter: QPainter) -> None:
    r = canvas.rubber_band
    if r is None:
        return
    painter.setRenderHint(QPainter.Antialiasing, False)
    painter.setPen(QPen(SELECT_COLOR, 1, Qt.DashLine))
    painter.setBrush(QBrush(QColor(255, 255, 255, 30)))
    painter.drawRect(r)


LAYERS: tuple[Callable[["Canvas", QPainter], None], ...] = (
    paint_background,
    paint_image,
    paint_shapes,
    paint_overlay,
    paint_selection,
    paint_hover,
    paint_draft,
    paint_labelling,
    paint_rubber_band,
    paint_crosshair,
)
