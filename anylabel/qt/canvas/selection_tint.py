"""How a big selection (Select All on a dense image) is shown without redrawing its shapes.

A big selection stays in the cached shape layer (``Canvas.live_indices``), where the
shapes already have their outlines, fills and tags. What makes them look selected is a
second fill over each: with the layer's fill alpha ``a`` below, a fill of alpha ``t`` on
top gives ``1 - (1 - a)(1 - t)``, chosen to equal the selected fill alpha, so a tinted
shape looks like a live-drawn selected one. Fills without outlines are the cheap part
of drawing a polygon (the 2-px antialiased outline is ~85 % of the cost), so the tint
of 2,000 polygons takes ~15-30 ms, once: it is cached at the shape layer's scale and
origin and drawn like it, and rebuilt only when the selection, the shapes or the view
change. Vertex handles are part of the tint while the selection has at most
``HANDLES_MAX`` shapes.

The tint of every visible shape (Select All) is kept apart (``everything``) and outlives
deselecting and edits: the shape layer's partial redraws patch it in the same areas
(``patch``), so selecting all again after an edit costs a copy, not 20,000 fills (~300 ms).
It is dropped with the layer it was made for (a zoom, a style change, a full build). For
a layer of more than ``AHEAD_MIN_SHAPES`` shapes the worker that built the layer makes it
next (``make_ahead``), so that even the first Select All on it is a copy; it is taken only
if the layer was not patched meanwhile.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import numpy as np
from qtpy.QtCore import QPointF, QRectF, Qt
from qtpy.QtGui import QBrush, QColor, QImage, QPainter

from .colors import key_color
from .gui_gate import GATE
from .mask_shapes import tinted
from .qpoly import to_qpolygonf
from .shape_render import RenderData, repainting, snapshot_style
from .style import Style

if TYPE_CHECKING:
    from .canvas import Canvas

HANDLES_MAX = 200  # more selected shapes than this: no vertex handles (they would hide the image)
AHEAD_MIN_SHAPES = 2000  # from here on a cold tint of every shape takes more than two frames


def tint_alpha(base: int, target: int) -> int:
    """Alpha of a fill that, over a fill of alpha ``base``, gives ``target`` (0-255)."""
    if target <= base:
        return 0
    return int(round(255 * (1 - (255 - target) / (255 - base))))


def mask_alphas(style: Style) -> tuple[int, int]:
    """Bitmap alpha of an unselected and a selected mask shape (see shape_render._draw_mask)."""
    def alpha(fill_alpha: int) -> int:
        return min(max(fill_alpha * 3, 120), 200) if style.fill else 90
    return alpha(style.fill_alpha), alpha(style.selected_fill_alpha)


class SelectionTint:
    def __init__(self) -> None:
        self.image: QImage | None = None
        self.key: tuple | None = None
        self.builds = 0  # benchmarks and tests read this
        self.everything: QImage | None = None  # the tint of every visible shape (see the module doc)
        self.everything_key: tuple | None = None
        self._ahead = None  # (future, key, layer partial count) of a tint the worker is making

    def make_ahead(self, canvas: "Canvas", pool, rows: np.ndarray) -> None:
        """Have ``pool`` make the tint of every shape of the layer just installed (``rows``)."""
        layer = canvas.shape_layer
        if len(rows) < AHEAD_MIN_SHAPES or layer.pixmap is None:
            return
        pm = layer.pixmap
        snap = (canvas.scene_index(), list(canvas.shapes), rows, layer.scale, canvas.style.color_by_track, layer.tags)
        style = snapshot_style(canvas.style)
        stop = threading.Event()
        fut = pool.submit(_tint_image, snap, layer.scale, layer.origin, (pm.width(), pm.height()), style, stop)
        self._ahead = (fut, self._everything_key(canvas), layer.partial_renders, stop)

    def drop_ahead(self) -> None:
        """A new layer is on its way: the tint being made for the old one must not delay it."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            ahead[3].set()
            ahead[0].cancel()

    def _take_ahead(self, canvas: "Canvas", key: tuple) -> bool:
        ahead, self._ahead = self._ahead, None
        if ahead is None or ahead[1] != key or ahead[2] != canvas.shape_layer.partial_renders:
            return False
        with GATE.waiting():  # when it is not done yet
            self.everything, self.everything_key = ahead[0].result(), key
        return True

    def _everything_key(self, canvas: "Canvas") -> tuple:
        layer = canvas.shape_layer
        return (layer.renders, canvas.style.key(), canvas.style.selected_fill_alpha)

    def _all_visible(self, canvas: "Canvas", selected: list[int]) -> bool:
        return len(selected) > HANDLES_MAX and len(selected) == int(canvas.visible_mask().sum())

    def paint(self, canvas: "Canvas", painter: QPainter, selected: list[int]) -> None:
        layer = canvas.shape_layer
        pm = layer.pixmap
        if pm is None or not selected:
            return
        if self._all_visible(canvas, selected):
            key = self._everything_key(canvas)
            if key != self.everything_key and not self._take_ahead(canvas, key):
                self.everything = self._build(canvas, selected, pm.width(), pm.height())
                self.everything_key = key
                self.builds += 1
            self._draw(canvas, painter, self.everything)
            return
        key = (canvas._version, tuple(selected), canvas._hidden_version, frozenset(canvas.hidden_labels),
               canvas.show_all, canvas.style.key(), canvas.style.selected_fill_alpha, layer.scale, layer.origin,
               pm.width(), pm.height())
        if key != self.key:
            self.image = self._build(canvas, selected, pm.width(), pm.height())
            self.key = key
            self.builds += 1
        self._draw(canvas, painter, self.image)

    def patch(self, canvas: "Canvas", region, rows: np.ndarray) -> None:
        """The shape layer redrew ``region`` (its pixels) with the outlines of shapes ``rows``: the same
        in the tint of every shape, so that it stays the tint of the patched layer."""
        if self.everything is None or self.everything_key != self._everything_key(canvas):
            self.everything, self.everything_key = None, None  # made for another layer: dropped
            return
        layer = canvas.shape_layer
        with repainting(self.everything, region) as p:
            if len(rows):
                _draw_fills(p, RenderData.gather(canvas, rows, layer.scale), layer.scale, layer.origin, canvas.style)

    def _draw(self, canvas: "Canvas", painter: QPainter, img: QImage) -> None:
        layer = canvas.shape_layer
        k = canvas.scale / layer.scale
        ox, oy = layer.origin
        if k == 1.0:
            painter.drawImage(QPointF(ox + canvas.offset.x(), oy + canvas.offset.y()), img)
        else:  # follows the shape layer while it is stretched (zoom in progress)
            painter.drawImage(QRectF(ox * k + canvas.offset.x(), oy * k + canvas.offset.y(),
                                     img.width() * k, img.height() * k), img, QRectF(img.rect()))

    def _build(self, canvas: "Canvas", selected: list[int], w: int, h: int) -> QImage:
        layer = canvas.shape_layer
        s, origin = layer.scale, layer.origin
        img = QImage(w, h, QImage.Format_ARGB32_Premultiplied)
        img.fill(Qt.transparent)
        sel = np.array(selected, dtype=np.int64)
        vis = canvas.scene_index().visible(origin[0] / s, origin[1] / s, (origin[0] + w) / s, (origin[1] + h) / s)
        sel = np.intersect1d(sel, vis, assume_unique=True)
        p = QPainter(img)
        try:
            if len(sel):
                _draw_fills(p, RenderData.gather(canvas, sel, s), s, origin, canvas.style)
                if len(selected) <= HANDLES_MAX:
                    from .layers import draw_handles

                    draw_handles(p, canvas, sel.tolist(), s, (-origin[0], -origin[1]))
        finally:
            p.end()
        return img


def _tint_image(snap: tuple, scale: float, origin, size: tuple[int, int], style: Style, stop) -> QImage:
    """A worker's tint of the shapes of ``snap`` (``RenderData.gather_from``'s arguments); ``stop``
    (a threading.Event) ends it early (the result is then not used)."""
    img = QImage(size[0], size[1], QImage.Format_ARGB32_Premultiplied)
    img.fill(Qt.transparent)
    p = QPainter(img)
    try:
        _draw_fills(p, RenderData.gather_from(*snap, pause=GATE.pause), scale, origin, style, stop)
    finally:
        p.end()
    return img


def _draw_fills(painter: QPainter, data: RenderData, scale: float, origin, style: Style, stop=None) -> None:
    alpha = tint_alpha(style.fill_alpha, style.selected_fill_alpha) if style.fill else 0
    m0, m1 = mask_alphas(style)
    mask_alpha = tint_alpha(m0, m1)
    screen = data.points * scale - np.array(origin)
    offsets = data.offsets  # the same simplified outline the layer drew (RenderData.gather)
    painter.setRenderHint(QPainter.Antialiasing, True)
    painter.setPen(Qt.NoPen)
    brushes: dict = {}
    for j, label in enumerate(data.labels):
        if stop is not None and not j & 7:
            if stop.is_set():
                return
            GATE.pause()  # a worker's tint: the GUI's frames go first (gui_gate.py)
        bits = data.masks[j] if data.masks is not None else None
        if bits is not None:
            if mask_alpha:
                x0, y0, x1, y1 = (float(v) for v in data.bboxes[j])
                target = QRectF(x0 * scale - origin[0], y0 * scale - origin[1], (x1 - x0) * scale, (y1 - y0) * scale)
                painter.drawImage(target, tinted(bits, key_color(label), mask_alpha))
            continue
        a, b = offsets[j], offsets[j + 1]
        if not alpha or b - a < 3 or not data.closed[j] or data.is_point[j]:
            continue  # lines and points look the same selected or not
        brush = brushes.get(label)
        if brush is None:
            c = QColor(key_color(label))
            c.setAlpha(alpha)
            brush = brushes[label] = QBrush(c)
        painter.setBrush(brush)
        painter.drawPolygon(to_qpolygonf(screen[a:b]))
