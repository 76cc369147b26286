"""Painting: an ordered tuple of small layer functions, back to front.

The two expensive layers keep caches that survive between frames:
- the image layer keeps a smoothly scaled copy of the image for the current zoom;
- the shape layer keeps a pixmap of all committed, unselected shapes (with their
  label tags) rendered at the current zoom, so a pan or a hover costs one blit.
While the zoom changes the stale cache is stretched and a crisp one is rendered once
the wheel rests (``REBUILD_DELAY_MS``). Rendering culls off-screen shapes, groups
pens by label colour and drops vertices that land on the same screen pixel.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Callable

import numpy as np
from qtpy.QtCore import QPointF, QRectF, Qt
from qtpy.QtGui import QBrush, QColor, QFontMetricsF, QImage, QPainter, QPainterPath, QPen, QPixmap

from ...core.geometry import rotated_box_from_corners
from ...core.shape import POINT, ROTATION
from .colors import label_color
from .draft import TOOLS
from .qpoly import to_qpolygonf
from .shape_render import RenderData, render, render_image, snapshot_style
from .shape_ops import handles
from .style import (BACKGROUND, CROSSHAIR_COLOR, DRAFT_COLOR, HANDLE_PX, HOVER_VERTEX_COLOR, POINT_PX,
                    ROTATE_HANDLE_PX, SELECT_COLOR)

if TYPE_CHECKING:
    from .canvas import Canvas

REBUILD_DELAY_MS = 90
MAX_FULL_CACHE = 4096  # below this scaled size the whole image is cached; above, the visible area
LABEL_MARGIN = 24


def visible_image_rect(canvas: "Canvas") -> QRectF:
    """The part of the image (image pixels) that the viewport shows."""
    s = canvas.scale
    o = canvas.offset
    return QRectF(-o.x() / s, -o.y() / s, canvas.width() / s, canvas.height() / s)


def _draw_stretched(painter: QPainter, canvas: "Canvas", src, src_scale: float) -> None:
    """Draw a pixmap/image that covers the whole image at ``src_scale`` px per image px,
    copying only the visible part (a deep zoom must not scale the whole picture)."""
    s = canvas.scale
    o = canvas.offset
    vis = visible_image_rect(canvas).intersected(QRectF(0, 0, canvas.image_width, canvas.image_height))
    if vis.isEmpty():
        return
    # Whole source pixels so that zoomed-in pixels stay square and aligned.
    sx0 = math.floor(vis.left() * src_scale)
    sy0 = math.floor(vis.top() * src_scale)
    sx1 = min(math.ceil(vis.right() * src_scale), src.width())
    sy1 = min(math.ceil(vis.bottom() * src_scale), src.height())
    source = QRectF(sx0, sy0, sx1 - sx0, sy1 - sy0)
    k = s / src_scale
    target = QRectF(sx0 * k + o.x(), sy0 * k + o.y(), (sx1 - sx0) * k, (sy1 - sy0) * k)
    if isinstance(src, QImage):
        painter.drawImage(target, src, source)
    else:
        painter.drawPixmap(target, src, source)


# ----------------------------------------------------------------------------- image

def _rgb32_view(img: QImage) -> np.ndarray:
    """(h, w, 4) uint8 view of an RGB32 QImage's pixels (no copy; the QImage must outlive it)."""
    ptr = img.constBits()
    ptr.setsize(img.sizeInBytes())
    h, w = img.height(), img.width()
    return np.frombuffer(ptr, dtype=np.uint8).reshape(h, img.bytesPerLine())[:, : 4 * w].reshape(h, w, 4)


def _qimage_rgb32(arr: np.ndarray) -> QImage:
    arr = np.ascontiguousarray(arr)
    h, w = arr.shape[:2]
    return QImage(arr.data, w, h, 4 * w, QImage.Format_RGB32).copy()


class ImageLayer:
    """The image; zoomed out it is drawn from a copy resized for the current zoom.

    The copy comes from a mipmap pyramid (halvings made once per image with
    ``cv2.pyrDown``): resizing the nearest larger level by less than 2x with linear
    filtering takes a few milliseconds and does not alias, where an area resize of the
    full image takes ~60 ms. While the wheel turns the image is drawn with the fast
    nearest-pixel scaling and the copy is made once the wheel rests.
    """

    def __init__(self) -> None:
        self.image: QImage | None = None
        self.level_scale = 1.0  # pixels of the shown level per true image pixel (< 1 for huge images)
        self.scaled: QImage | None = None
        self.scaled_for = 0.0
        self.levels: list[tuple[float, np.ndarray]] = []  # (scale vs the true image, RGB32 pixels)

    def set_image(self, image: QImage | None, level_scale: float) -> None:
        self.image, self.level_scale = image, level_scale
        self.scaled, self.scaled_for = None, 0.0
        self.levels = [(level_scale, _rgb32_view(image))] if image is not None else []
        if image is not None:
            self._level_for(level_scale * 1024.0 / max(image.width(), image.height(), 1))  # built with the image

    def pending(self) -> bool:
        return False

    def collect(self, canvas: "Canvas", wait: bool = False) -> None:
        pass

    def _target(self, canvas: "Canvas") -> tuple[int, int] | None:
        s = canvas.scale
        if self.image is None or s >= self.level_scale * 0.999:
            return None
        w, h = round(canvas.image_width * s), round(canvas.image_height * s)
        return (w, h) if 0 < w <= MAX_FULL_CACHE and 0 < h <= MAX_FULL_CACHE else None

    def _level_for(self, s: float) -> np.ndarray:
        import cv2

        while self.levels[-1][0] / 2.0 >= s and min(self.levels[-1][1].shape[:2]) > 2:
            scale, arr = self.levels[-1]
            self.levels.append((scale / 2.0, cv2.pyrDown(arr)))
        return next((arr for scale, arr in reversed(self.levels) if scale >= s * 0.999), self.levels[0][1])

    def _make_scaled(self, canvas: "Canvas", size: tuple[int, int]) -> None:
        import cv2

        src = self._level_for(canvas.scale)
        self.scaled = _qimage_rgb32(cv2.resize(src, size, interpolation=cv2.INTER_LINEAR))
        self.scaled_for = canvas.scale

    def paint(self, canvas: "Canvas", painter: QPainter) -> None:
        img = self.image
        if img is None:
            return
        size = self._target(canvas)
        if size is not None:
            if self.scaled_for != canvas.scale:
                if canvas.interacting_zoom:
                    canvas.schedule_rebuild()
                else:
                    self._make_scaled(canvas, size)
            if self.scaled is not None and self.scaled_for == canvas.scale:
                painter.drawImage(QPointF(canvas.offset.x(), canvas.offset.y()), self.scaled)
                return
        _draw_stretched(painter, canvas, img, self.level_scale)


# ----------------------------------------------------------------------------- shapes

def render_shapes(painter: QPainter, canvas: "Canvas", indices, scale: float,
                  origin: tuple[float, float], with_labels: bool = True) -> None:
    """Draw shapes ``indices`` of the canvas on the GUI thread."""
    if len(indices):
        render(painter, RenderData.gather(canvas, indices), scale, origin, canvas.style, with_labels)


def _max_tag_width(canvas: "Canvas") -> float:
    """Widest label tag (screen px): how far left of an area a shape whose tag reaches it can be."""
    fm = QFontMetricsF(canvas.style.font)
    texts = {f"{s.label} #{s.group_id}" if s.group_id is not None else s.label for s in canvas.shapes}
    return max((fm.horizontalAdvance(t) for t in texts), default=0.0) + 10


class ShapeLayer:
    """The cached image of committed, unselected, visible shapes.

    - After an edit only the areas of the shapes that left or entered the cache are
      cleared and redrawn (``PARTIAL_LIMIT``): committing a move in a 2,000-polygon
      scene repaints a few hundred pixels, not every polygon.
    - A full build of a big scene (new image, zoom at rest, a pan past the cached
      area) runs in a worker thread; until it lands the previous image is shown
      (stretched or shifted), so the GUI never waits for it.
    """

    PARTIAL_LIMIT = 64
    ASYNC_MIN_SHAPES = 150  # smaller scenes are built on the spot (a few ms)

    def __init__(self) -> None:
        self.pixmap: QImage | None = None
        self.key: tuple | None = None
        self.scale = 0.0
        self.origin = (0.0, 0.0)  # scaled-image coords of the image's top-left
        self.content: dict[int, object] = {}  # id -> shape drawn in the cache (kept alive so ids stay unique)
        self.renders = 0          # full builds (benchmarks read these)
        self.partial_renders = 0
        self.async_enabled = True
        self._job = None          # (target, future, content, scale, origin, key)
        self._pool = None

    def invalidate(self) -> None:
        self.pixmap = None
        self.key = None
        self.content = {}
        self._job = None

    def _region(self, canvas: "Canvas") -> tuple[float, float, float, float]:
        s = canvas.scale
        W, H = canvas.image_width * s, canvas.image_height * s
        if W <= MAX_FULL_CACHE and H <= MAX_FULL_CACHE:
            return (-LABEL_MARGIN, -LABEL_MARGIN, W + 2 * LABEL_MARGIN, H + 2 * LABEL_MARGIN)
        vw, vh = canvas.width(), canvas.height()
        x0 = max(-canvas.offset.x() - vw, -LABEL_MARGIN)
        y0 = max(-canvas.offset.y() - vh, -LABEL_MARGIN)
        x1 = min(-canvas.offset.x() + 2 * vw, W + LABEL_MARGIN)
        y1 = min(-canvas.offset.y() + 2 * vh, H + LABEL_MARGIN)
        return (x0, y0, max(x1 - x0, 1), max(y1 - y0, 1))

    def _covers(self, canvas: "Canvas", origin=None, size=None) -> bool:
        if origin is None:
            if self.pixmap is None:
                return False
            origin, size = self.origin, (self.pixmap.width(), self.pixmap.height())
        x0, y0 = origin
        vx, vy = -canvas.offset.x(), -canvas.offset.y()
        W, H = canvas.image_width * canvas.scale, canvas.image_height * canvas.scale
        need_x1 = min(vx + canvas.width(), W)
        need_y1 = min(vy + canvas.height(), H)
        return (x0 <= max(vx, 0) + 0.5 and y0 <= max(vy, 0) + 0.5
                and x0 + size[0] >= need_x1 - 0.5 and y0 + size[1] >= need_y1 - 0.5)

    def _wanted(self, canvas: "Canvas", x: float, y: float, w: float, h: float) -> np.ndarray:
        s = canvas.scale
        indices = canvas.cached_indices()
        if len(indices):
            vis = canvas.scene_index().visible(x / s, y / s, (x + w) / s, (y + h) / s, margin=LABEL_MARGIN / s)
            indices = np.intersect1d(indices, vis, assume_unique=True)
        return indices

    def rebuild(self, canvas: "Canvas", allow_async: bool = False) -> None:
        """Build the whole cache for the current zoom and view (in a worker when worth it)."""
        x, y, w, h = self._region(canvas)
        size = (max(int(math.ceil(w)), 1), max(int(math.ceil(h)), 1))
        indices = self._wanted(canvas, x, y, w, h)
        data = RenderData.gather(canvas, indices)
        content = {id(canvas.shapes[i]): canvas.shapes[i] for i in indices.tolist()}
        key = canvas.layer_key()
        if allow_async and self.async_enabled and len(indices) >= self.ASYNC_MIN_SHAPES:
            target = (key, canvas.scale, (x, y), size)
            if self._job is not None:
                return  # one at a time: when it lands, the next paint asks again if the view moved on
            if self._pool is None:
                from concurrent.futures import ThreadPoolExecutor

                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="anylabel-shapes")
            fut = self._pool.submit(render_image, data, canvas.scale, (x, y), size, snapshot_style(canvas.style))
            self._job = (target, fut, content, canvas.scale, (x, y), key)
            fut.add_done_callback(lambda _f: canvas.render_finished.emit())  # queued to the GUI thread
            return
        self._install(render_image(data, canvas.scale, (x, y), size, canvas.style), canvas.scale, (x, y), content, key)

    def _install(self, img: QImage, scale: float, origin, content, key) -> None:
        self.pixmap, self.scale, self.origin, self.content, self.key = img, scale, origin, content, key
        self.renders += 1

    def collect(self, canvas: "Canvas", wait: bool = False) -> None:
        """Take a finished worker build if it still fits the view (edits since are patched in)."""
        job = self._job
        if job is None or (not wait and not job[1].done()):
            return
        self._job = None
        target, fut, content, scale, origin, key = job
        img = fut.result()
        if scale == canvas.scale:  # newer than what is shown; a pan past it asks for another
            self._install(img, scale, origin, content, key)

    def pending(self) -> bool:
        return self._job is not None

    def _extent(self, canvas: "Canvas", shape) -> QRectF:
        """Screen area (cache coordinates) a shape and its label tag cover."""
        from ...core.geometry import bounding_box

        s = canvas.scale
        x0, y0, x1, y1 = bounding_box(shape)
        pad = canvas.style.line_width + POINT_PX + 2
        r = QRectF(x0 * s - self.origin[0] - pad, y0 * s - self.origin[1] - pad,
                   (x1 - x0) * s + 2 * pad, (y1 - y0) * s + 2 * pad)
        if shape.label or shape.group_id is not None:
            fm = QFontMetricsF(canvas.style.font)
            text = f"{shape.label} #{shape.group_id}" if shape.group_id is not None else shape.label
            th = fm.height() + 2
            r = r.united(QRectF(x0 * s - self.origin[0] - 1, y0 * s - self.origin[1] - th - 1,
                                fm.horizontalAdvance(text) + 8, 2 * th + 2))
        return r

    def _try_partial(self, canvas: "Canvas") -> bool:
        """Redraw only where shapes left or entered the cache; False when a full build is better."""
        old_key, key = self.key, canvas.layer_key()
        if self.pixmap is None or old_key is None or old_key[3:] != key[3:]:
            return False  # label visibility or style changed: everything looks different
        x, y = self.origin
        wanted = self._wanted(canvas, x, y, self.pixmap.width(), self.pixmap.height())
        now = {id(canvas.shapes[i]): canvas.shapes[i] for i in wanted.tolist()}
        gone = [sh for k, sh in self.content.items() if k not in now]
        came = [sh for k, sh in now.items() if k not in self.content]
        if len(gone) + len(came) > self.PARTIAL_LIMIT:
            return False
        s = canvas.scale
        idx = canvas.scene_index()
        tag_w = _max_tag_width(canvas) if gone or came else 0.0
        th = QFontMetricsF(canvas.style.font).height() + 4
        p = QPainter(self.pixmap)
        try:
            for sh in gone + came:
                if len(sh.points) == 0:
                    continue
                r = self._extent(canvas, sh).intersected(QRectF(0, 0, self.pixmap.width(), self.pixmap.height()))
                if r.isEmpty():
                    continue
                r = QRectF(math.floor(r.left()), math.floor(r.top()), math.ceil(r.width()) + 1, math.ceil(r.height()) + 1)
                p.setClipRect(r)
                p.setCompositionMode(QPainter.CompositionMode_Source)
                p.fillRect(r, Qt.transparent)
                p.setCompositionMode(QPainter.CompositionMode_SourceOver)
                # shapes near the area (tags reach right of and above their shape)
                ix0, iy0 = (r.left() + x) / s, (r.top() + y) / s
                ix1, iy1 = (r.right() + x) / s, (r.bottom() + y) / s
                b = idx.bboxes
                pad = (canvas.style.line_width + POINT_PX + 2) / s  # strokes and point dots reach past the box
                with np.errstate(invalid="ignore"):
                    body = (b[:, 2] >= ix0 - pad) & (b[:, 0] <= ix1 + pad) & (b[:, 3] >= iy0 - pad) & (b[:, 1] <= iy1 + pad)
                    # a tag sits on the shape's top-left corner and reaches up (or down, at the top
                    # of the image) and to the right
                    tag = ((b[:, 0] >= ix0 - tag_w / s) & (b[:, 0] <= ix1)
                           & (b[:, 1] >= iy0 - th / s) & (b[:, 1] <= iy1 + th / s))
                near = np.intersect1d(wanted, np.nonzero(body | tag)[0], assume_unique=True)
                render_shapes(p, canvas, near, s, (x, y))
        finally:
            p.end()
        self.content = now
        self.key = key
        self.partial_renders += 1
        return True

    def paint(self, canvas: "Canvas", painter: QPainter) -> None:
        if canvas.image_width <= 0:
            return
        self.collect(canvas)
        key = canvas.layer_key()
        stale_scale = self.pixmap is not None and self.scale != canvas.scale
        if self.pixmap is None or (not stale_scale and not self._covers(canvas)):
            self.rebuild(canvas, allow_async=True)
        elif stale_scale:
            if canvas.interacting_zoom and self.key == key:
                canvas.schedule_rebuild()
            else:
                self.rebuild(canvas, allow_async=True)
        elif self.key != key and not self._try_partial(canvas):
            self.rebuild(canvas, allow_async=True)
        pm = self.pixmap
        if pm is None:
            return
        k = canvas.scale / self.scale
        ox, oy = self.origin
        if k == 1.0:
            painter.drawImage(QPointF(ox + canvas.offset.x(), oy + canvas.offset.y()), pm)
        else:  # zoom in progress or a build on its way: stretch the last crisp image
            target = QRectF(ox * k + canvas.offset.x(), oy * k + canvas.offset.y(), pm.width() * k, pm.height() * k)
            painter.drawImage(target, pm, QRectF(pm.rect()))


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


def paint_selection(canvas: "Canvas", painter: QPainter) -> None:
    """Selected shapes are not in the cache: drawn every frame so that drags are live."""
    sel = canvas.selected_indices()
    if not sel:
        return
    o = (-canvas.offset.x(), -canvas.offset.y())
    arr = np.array(sel, dtype=np.int64)
    style = canvas.style
    saved = style.fill_alpha
    style.fill_alpha = style.selected_fill_alpha
    try:
        render_shapes(painter, canvas, arr, canvas.scale, o)
    finally:
        style.fill_alpha = saved
    painter.setRenderHint(QPainter.Antialiasing, True)
    if len(sel) > 200:
        return  # handles of a select-all would hide the image
    pen = QPen(SELECT_COLOR, 1.0)
    for i in sel:
        sh = canvas.shapes[i]
        color = label_color(sh.label)
        painter.setPen(pen)
        painter.setBrush(QBrush(color))
        hs = HANDLE_PX
        for x, y in _to_widget(canvas, handles(sh)):
            painter.drawRect(QRectF(x - hs / 2, y - hs / 2, hs, hs))
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


def paint_draft(canvas: "Canvas", painter: QPainter) -> None:
    d = canvas.draft
    if d is None:
        return
    from ...core.shape import CIRCLE, RECTANGLE, ROTATION as ROT
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
    if d.shape_type in (RECTANGLE, ROT) and len(w) >= 2:
        painter.setBrush(QBrush(fill))
        painter.drawRect(QRectF(QPointF(*w[0]), QPointF(*w[1])).normalized())
    elif d.shape_type == CIRCLE and len(w) >= 2:
        r = float(np.hypot(*(w[1] - w[0])))
        painter.setBrush(QBrush(fill))
        painter.drawEllipse(QPointF(*w[0]), r, r)
    else:
        painter.setBrush(Qt.NoBrush)
        painter.drawPolyline(to_qpolygonf(w))
    painter.setBrush(QBrush(DRAFT_COLOR))
    for x, y in w[: len(d.points)]:
        painter.drawEllipse(QPointF(x, y), 3.5, 3.5)
    tool = TOOLS[d.shape_type]
    if tool.closed and len(d.points) >= tool.min_points and canvas.cursor_near_first_vertex():
        painter.setBrush(Qt.NoBrush)
        painter.drawEllipse(QPointF(*w[0]), 8, 8)


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
    paint_rubber_band,
    paint_crosshair,
)
