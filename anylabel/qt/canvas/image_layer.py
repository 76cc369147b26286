"""The image layer of the canvas."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from qtpy.QtCore import QPointF
from qtpy.QtGui import QImage, QPainter

from .view_draw import _draw_stretched

if TYPE_CHECKING:
    from .canvas import Canvas

MAX_FULL_CACHE = 4096  # a zoomed-out copy is kept while the scaled image is at most this big


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
