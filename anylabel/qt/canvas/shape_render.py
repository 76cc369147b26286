"""Drawing shapes into a painter from a self-contained snapshot.

``RenderData`` copies what painting needs (points, flags, labels) out of the canvas,
so the same function can run on the GUI thread (selection, partial updates) or in a
worker thread that renders a whole cache layer into a QImage while the GUI keeps
showing the previous one (QPainter on a QImage is allowed off the GUI thread).
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Iterator

import numpy as np
from qtpy.QtCore import QPointF, QRectF, Qt
from qtpy.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPaintDevice, QPen, QRegion

from .colors import key_color, text_color_on
from .lod import level_for
from .mask_shapes import decode_mask, is_mask, tinted
from .qpoly import to_qpolygonf
from .style import POINT_PX, Style
from .tag_layout import tag_text

if TYPE_CHECKING:
    from .canvas import Canvas



@dataclass
class RenderData:
    points: np.ndarray      # (M, 2) image pixels of the chosen shapes' outlines, concatenated
    offsets: np.ndarray     # (k + 1,) start of each shape in ``points``
    closed: np.ndarray      # (k,) bool
    is_point: np.ndarray    # (k,) bool
    bboxes: np.ndarray      # (k, 4) image pixels
    labels: list[str | int]  # colour key of each shape: its label, or its track id in track mode
    tags: list[str]         # text of each shape's tag ("" for none)
    tag_rects: np.ndarray   # (k, 4) x, y, w, h of each tag in scaled-image px (NaN: no tag), see tag_layout
    masks: list[np.ndarray | None] | None = None  # bitmap of each LabelMe mask shape (None: not a mask)

    @classmethod
    def gather(cls, canvas: "Canvas", indices, scale: float | None = None, points: bool = True) -> "RenderData":
        """The shapes ``indices`` as drawn at ``scale`` (default: the canvas's zoom): below 100 %
        with the simplified outlines of that zoom's level of detail (lod.py). ``points=False``:
        no outlines (only tags are drawn)."""
        return cls.gather_from(canvas.scene_index(), canvas.shapes, indices, canvas.scale if scale is None else scale,
                               canvas.style.color_by_track, canvas.tag_layout(), points)

    @classmethod
    def gather_from(cls, idx, shapes: list, indices, scale: float, by_track: bool, layout,
                    points: bool = True, pause=None) -> "RenderData":
        """``gather`` from a snapshot (the scene index, the shape list, the tag layout), so that a
        worker thread can do it -- making a zoom's simplified outlines included. ``pause``: called
        now and then by a worker (gui_gate.py)."""
        ind = np.asarray(indices, dtype=np.int64).reshape(-1)
        level = level_for(scale) if points else -1
        if level >= 0:
            keep, before = idx.lod(level)
            kept = np.flatnonzero(keep)  # positions of the kept points, in order
            starts, counts = before[ind], before[ind + 1] - before[ind]
            source = kept
        else:
            starts, counts = idx.offsets[ind], idx.offsets[ind + 1] - idx.offsets[ind]
            source = None
        if not points:
            counts = np.zeros(len(ind), dtype=np.int64)
        if counts.sum():
            # one vectorised gather: position k of the result comes from starts[shape] + rank in shape
            rank = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
            at = np.repeat(starts, counts) + rank
            pts = idx.points[at if source is None else source[at]]
        else:
            pts = np.zeros((0, 2))
        labels, tags, masks = [], [], []
        for j, i in enumerate(ind.tolist()):
            if pause is not None and not j & 255:
                pause()
            sh = shapes[i]
            masks.append(decode_mask(sh) if points and is_mask(sh) else None)
            labels.append(color_key(sh, by_track))
            tags.append(tag_text(sh))
        return cls(pts, np.concatenate([[0], np.cumsum(counts)]).astype(np.int64), idx.closed[ind].copy(),
                   idx.is_point[ind].copy(), idx.bboxes[ind].copy(), labels, tags,
                   layout.rects_for(ind, shapes, idx.bboxes),
                   masks if any(m is not None for m in masks) else None)


def color_key(shape, by_track: bool) -> str | int:
    """What a shape's colour is derived from: its label, or in track mode its track id
    (shapes without an id keep their label colour). See ``colors.key_color``."""
    if by_track and shape.group_id is not None:
        return int(shape.group_id)
    return shape.label


def snapshot_style(style: Style) -> Style:
    """A copy a worker thread may use while the GUI changes the original."""
    s = replace(style)
    s.font = QFont(style.font)
    return s


def render(painter: QPainter, data: RenderData, scale: float, origin: tuple[float, float], style: Style,
           with_labels: bool = True, pause=None) -> None:
    """Draw every shape of ``data`` with ``scale`` (screen px per image px); ``origin`` is the
    scaled-image position of the painter's (0, 0). ``pause``: a worker's ``GATE.pause``
    (gui_gate.py), called between shapes."""
    k = len(data.labels)
    if k == 0:
        return
    screen = data.points * scale - np.array(origin)  # already simplified for this zoom (gather)
    offsets = data.offsets
    painter.setRenderHint(QPainter.Antialiasing, True)
    # Shapes are drawn in list order (the shape list's order is the z-order, and a partial
    # redraw must composite like a full one); pens and brushes are made once per label.
    tools: dict[str, tuple[QPen, QBrush, QBrush]] = {}
    lw = style.line_width
    current = None
    for j, label in enumerate(data.labels):
        if pause is not None and not j & 7:
            pause()
        a, b = offsets[j], offsets[j + 1]
        if b <= a:
            continue
        t = tools.get(label)
        if t is None:
            color = key_color(label)
            pen = QPen(color, lw)
            pen.setCosmetic(True)
            fill = QColor(color)
            fill.setAlpha(style.fill_alpha)
            t = tools[label] = (pen, QBrush(fill) if style.fill else QBrush(Qt.NoBrush), QBrush(color))
        bits = data.masks[j] if data.masks is not None else None
        if bits is not None:
            _draw_mask(painter, bits, data.bboxes[j], scale, origin, label, style, t[0])
            current = None
            continue
        if data.is_point[j]:
            painter.setPen(t[0])
            painter.setBrush(t[2])
            current = None
            x, y = screen[a]
            painter.drawEllipse(QPointF(x, y), POINT_PX, POINT_PX)
            continue
        if current is not t:
            painter.setPen(t[0])
            painter.setBrush(t[1])
            current = t
        if data.closed[j]:
            painter.drawPolygon(to_qpolygonf(screen[a:b]))
        else:
            painter.drawPolyline(to_qpolygonf(screen[a:b]))
    if with_labels and style.show_labels:
        draw_tags(painter, data, scale, origin, style, pause)


def _draw_mask(painter: QPainter, bits: np.ndarray, box: np.ndarray, scale: float, origin: tuple[float, float],
               label: str | int, style: Style, pen: QPen) -> None:
    """A LabelMe mask: its bitmap tinted with the label colour, stretched over its box (pixels
    stay sharp when zoomed in), and the box outline."""
    x0, y0, x1, y1 = (float(v) for v in box)
    target = QRectF(x0 * scale - origin[0], y0 * scale - origin[1], (x1 - x0) * scale, (y1 - y0) * scale)
    alpha = max(style.fill_alpha * 3, 120) if style.fill else 90  # the bitmap is the shape: never invisible
    smooth = painter.testRenderHint(QPainter.SmoothPixmapTransform)
    painter.setRenderHint(QPainter.SmoothPixmapTransform, scale < 1.0)
    painter.drawImage(target, tinted(bits, key_color(label), min(alpha, 200)))
    painter.setRenderHint(QPainter.SmoothPixmapTransform, smooth)
    painter.setPen(pen)
    painter.setBrush(Qt.NoBrush)
    painter.drawRect(target)


def draw_tags(painter: QPainter, data: RenderData, scale: float, origin: tuple[float, float], style: Style,
              pause=None) -> None:
    """Each shape's label on a filled tag in the label colour, where the tag layout put it."""
    painter.setFont(style.font)
    painter.setRenderHint(QPainter.Antialiasing, False)
    rects = data.tag_rects
    ox, oy = origin
    for k, j in enumerate(np.nonzero(np.isfinite(rects[:, 0]))[0].tolist()):
        if pause is not None and not k & 7:
            pause()
        text = data.tags[j]
        x, y, w, h = rects[j].tolist()
        color = key_color(data.labels[j])
        bg = QColor(color)
        bg.setAlpha(220)
        painter.fillRect(QRectF(x - ox, y - oy, w, h), bg)
        painter.setPen(text_color_on(color))
        painter.drawText(QRectF(x - ox + 3, y - oy, w - 3, h), Qt.AlignVCenter | Qt.AlignLeft, text)


def _blank(size: tuple[int, int]) -> QImage:
    """A transparent premultiplied-ARGB image (the raster engine's fast path)."""
    img = QImage(max(size[0], 1), max(size[1], 1), QImage.Format_ARGB32_Premultiplied)
    img.fill(Qt.transparent)
    return img


def render_images(data: RenderData, scale: float, origin: tuple[float, float], size: tuple[int, int],
                  style: Style, pause=None) -> tuple[QImage, QImage | None]:
    """The shapes' outlines and fills, and their label tags in an image of their own (None when
    labels are hidden), to be drawn over it: the shape layer repaints a tag that moved without
    redrawing the outlines under it (shape_layer.py)."""
    img = _blank(size)
    p = QPainter(img)
    try:
        render(p, data, scale, origin, style, with_labels=False, pause=pause)
    finally:
        p.end()
    if not style.show_labels:
        return img, None
    tags = _blank(size)
    p = QPainter(tags)
    try:
        draw_tags(p, data, scale, origin, style, pause)
    finally:
        p.end()
    return img, tags


@contextmanager
def repainting(device: QPaintDevice, region: QRegion) -> Iterator[QPainter]:
    """A painter on ``device`` with ``region`` cleared to transparent and clipped to: a partial
    redraw paints only there, over nothing left from the shapes drawn before."""
    p = QPainter(device)
    try:
        p.setCompositionMode(QPainter.CompositionMode_Source)
        for r in region.rects():
            p.fillRect(r, Qt.transparent)
        p.setCompositionMode(QPainter.CompositionMode_SourceOver)
        p.setClipRegion(region)
        yield p
    finally:
        p.end()
