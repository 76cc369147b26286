"""The image layer of the canvas: a decoded image, or a huge one read as tiles."""
from __future__ import annotations

import math
import time
from collections import OrderedDict
from typing import TYPE_CHECKING

import numpy as np
from qtpy.QtCore import QPointF, QRect, QTimer
from qtpy.QtGui import QImage, QPainter

from ...core.tiled_image import TiledImage, TiledImageError
from .view_draw import _draw_stretched, visible_image_rect

if TYPE_CHECKING:
    from .canvas import Canvas

MAX_FULL_CACHE = 4096  # a zoomed-out copy is kept while the scaled image is at most this big
TILE = 512                       # level pixels per side of a tile drawn (and kept) by the view
TILE_BUDGET = 96 * 2**20         # bytes of tiles kept as QImages (least recently drawn go first)
FETCH_BUDGET_S = 0.008           # per frame: tiles read beyond this wait for the next frame
PREVIEW_REFRESH_S = 0.25         # while building, the preview is copied to Qt at most this often


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
        self.tiled: TiledView | None = None
        self.image: QImage | None = None
        self.level_scale = 1.0  # pixels of the shown level per true image pixel (< 1 for huge images)
        self.scaled: QImage | None = None
        self.scaled_for = 0.0
        self.levels: list[tuple[float, np.ndarray]] = []  # (scale vs the true image, RGB32 pixels)

    def set_image(self, image: QImage | None, level_scale: float) -> None:
        if self.tiled is not None:
            self.tiled.close()
            self.tiled = None
        self.image, self.level_scale = image, level_scale
        self.scaled, self.scaled_for = None, 0.0
        self.levels = [(level_scale, _rgb32_view(image))] if image is not None else []
        if image is not None:
            self._level_for(level_scale * 1024.0 / max(image.width(), image.height(), 1))  # built with the image

    def set_tiled(self, tiled: TiledImage) -> None:
        """Show a huge image from its pyramid (after ``canvas.set_image`` gave the true size)."""
        self.tiled = TiledView(tiled)
        tiled.start()

    def pending(self) -> bool:
        return self.tiled is not None and self.tiled.pending()

    def collect(self, canvas: "Canvas", wait: bool = False) -> None:
        if self.tiled is not None and wait:
            self.tiled.wait()

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
        if self.tiled is not None:
            self.tiled.paint(canvas, painter)
            return
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


class TiledView:
    """Draws a ``TiledImage``: the tiles of the level matching the zoom that the viewport
    shows, read on demand and kept (bounded); where a tile is not there yet (being built,
    or over this frame's read budget) the in-memory preview shows through, and another
    frame is scheduled. Frames thus stay short while panning into unread parts."""

    def __init__(self, tiled: TiledImage) -> None:
        self.image = tiled
        self.tiles: OrderedDict[tuple[int, int, int], QImage] = OrderedDict()
        self.tile_bytes = 0
        self._preview: QImage | None = None
        self._preview_version = -1
        self._preview_at = 0.0
        self._missing = False

    def close(self) -> None:
        self.image.cancel()  # a build for an image no longer shown stops (start() resumes it)
        self.tiles.clear()

    def pending(self) -> bool:
        st = self.image.state
        return st.error is None and (not st.done or self._missing)

    def wait(self) -> None:
        try:
            self.image.wait()
        except TiledImageError:
            pass  # reported by the window's watcher; nothing more to wait for

    def _preview_image(self) -> QImage:
        st = self.image.state
        now = time.monotonic()
        stale = self._preview_version != st.version and (st.done or now - self._preview_at >= PREVIEW_REFRESH_S)
        if self._preview is None or stale:
            self._preview = _qimage_rgb32(_rgb_to_rgb32(self.image.preview()))
            self._preview_version, self._preview_at = st.version, now
        return self._preview

    def _tile(self, level, tx: int, ty: int, deadline: float) -> QImage | None:
        key = (level.index, tx, ty)
        img = self.tiles.get(key)
        if img is not None:
            self.tiles.move_to_end(key)
            return img
        t = self.image
        x0, y0 = tx * TILE, ty * TILE
        h = min(TILE, level.height - y0)
        if t.rows_ready(level) < y0 + h or time.perf_counter() > deadline:
            return None
        img = _qimage_rgb32(_rgb_to_rgb32(t.region(level, x0, y0, TILE, h)))
        self.tiles[key] = img
        self.tile_bytes += img.sizeInBytes()
        while self.tile_bytes > TILE_BUDGET and len(self.tiles) > 1:
            _, old = self.tiles.popitem(last=False)
            self.tile_bytes -= old.sizeInBytes()
        return img

    def paint(self, canvas: "Canvas", painter: QPainter) -> None:
        t = self.image
        s = canvas.scale
        painter.setRenderHint(QPainter.SmoothPixmapTransform, not canvas.interacting_zoom)
        level = t.level_for(s)
        self._missing = False
        if level.in_memory:  # zoomed out: the preview (the largest in-memory level) is enough
            _draw_stretched(painter, canvas, self._preview_image(), t.preview_level.scale)
            return
        k = s / level.scale
        vis = visible_image_rect(canvas)
        x0 = max(0, math.floor(vis.left() * level.scale / TILE))
        y0 = max(0, math.floor(vis.top() * level.scale / TILE))
        x1 = min(math.ceil(level.width / TILE), math.ceil(vis.right() * level.scale / TILE))
        y1 = min(math.ceil(level.height / TILE), math.ceil(vis.bottom() * level.scale / TILE))
        deadline = time.perf_counter() + FETCH_BUDGET_S
        drawn = []
        try:
            for ty in range(y0, y1):
                for tx in range(x0, x1):
                    drawn.append((tx, ty, self._tile(level, tx, ty, deadline)))
        except TiledImageError as exc:
            t.state.error = str(exc)
            t.state.version += 1
            drawn = [(tx, ty, img) for tx, ty, img in drawn if img is not None]
        ox, oy = canvas.offset.x(), canvas.offset.y()
        if any(img is None for _, _, img in drawn) or len(drawn) < (x1 - x0) * (y1 - y0):
            self._missing = t.state.error is None
            _draw_stretched(painter, canvas, self._preview_image(), t.preview_level.scale)
        for tx, ty, img in drawn:
            if img is None:
                continue
            # Whole screen pixels for each tile edge, so neighbouring tiles leave no seam.
            left, top = round(tx * TILE * k + ox), round(ty * TILE * k + oy)
            right, bottom = round((tx * TILE + img.width()) * k + ox), round((ty * TILE + img.height()) * k + oy)
            painter.drawImage(QRect(left, top, right - left, bottom - top), img)
        if self._missing:
            QTimer.singleShot(30, canvas.update)


def _rgb_to_rgb32(rgb: np.ndarray) -> np.ndarray:
    """(h, w, 4) BGRX bytes (QImage.Format_RGB32 on little-endian machines) of RGB pixels."""
    h, w = rgb.shape[:2]
    out = np.empty((h, w, 4), np.uint8)
    out[:, :, 0] = rgb[:, :, 2]
    out[:, :, 1] = rgb[:, :, 1]
    out[:, :, 2] = rgb[:, :, 0]
    out[:, :, 3] = 255
    return out
