"""Shared setup for the canvas tests: a shown canvas on a white image, pixels as arrays."""
from __future__ import annotations

import numpy as np
from qtpy.QtGui import QImage

from anylabel.core.shape import rectangle
from anylabel.qt.canvas import Canvas


def white_image(w: int, h: int) -> QImage:
    img = QImage(w, h, QImage.Format_RGB32)
    img.fill(0xFFFFFF)
    return img


def shown_canvas(qtbot, shapes, size=(400, 300), image=None, labels: bool = True, wait: bool = True) -> Canvas:
    """A canvas of ``size`` showing a white image (``image`` size, default ``size``) and ``shapes``."""
    c = Canvas()
    qtbot.addWidget(c)
    c.resize(*size)
    c.show()
    c.style.show_labels = labels
    c.set_image(white_image(*(image or size)))
    c.set_shapes(shapes)
    if wait:
        c.wait_for_render()
    return c


def grid_rectangles(n: int = 400, label: str = "a"):
    """``n`` 40-px squares, 20 to a row, 90 px apart: a scene big enough for worker builds."""
    return [rectangle(40 + 90 * (i % 20), 40 + 90 * (i // 20), 80 + 90 * (i % 20), 80 + 90 * (i // 20), label=label)
            for i in range(n)]


def pixels(source) -> np.ndarray:
    """(h, w, 4) BGRA pixels of a widget (grabbed now) or of a pixmap grabbed earlier."""
    pixmap = source.grab() if hasattr(source, "grab") else source
    img = pixmap.toImage().convertToFormat(QImage.Format_ARGB32)
    ptr = img.constBits()
    ptr.setsize(img.byteCount())
    return np.frombuffer(ptr, np.uint8).reshape(img.height(), img.bytesPerLine() // 4, 4)[:, :img.width()].copy()
