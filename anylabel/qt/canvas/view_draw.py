"""Drawing a picture that covers the whole image, copying only the part on screen."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

from qtpy.QtCore import QRectF
from qtpy.QtGui import QImage, QPainter

if TYPE_CHECKING:
    from .canvas import Canvas


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
