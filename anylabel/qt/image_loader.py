"""Decoding an image for display, without exhausting memory on huge images.

The size is read from the header first. Above ``max_pixels`` the image is opened as
tiles (``core/tiled_image.py``: a pyramid read where it is shown, in full resolution)
when libvips is installed (``anylabel[huge]``); without it, it is decoded at a reduced
level (JPEG decoders scale while decoding, so a 20000 x 20000 JPEG never exists in
memory at full size). Either way the canvas is told the true size, so shapes stay in
full-resolution image coordinates. ``TiledWatcher`` repaints the canvas while the
pyramid is built and reports a build that fails (a truncated file).
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from qtpy.QtCore import QObject, QTimer
from qtpy.QtGui import QImage

from ..core.image_io import ImageTooLargeError, check_decoded_size, exif_orientation, image_size, not_readable
from ..core.tiled_image import (TiledImage, not_tiled_because_rotated, or_tiles_hint, pyvips_available,
                                shown_reduced_note)
from .i18n import translate

_REDUCED = {2: "IMREAD_REDUCED_COLOR_2", 4: "IMREAD_REDUCED_COLOR_4", 8: "IMREAD_REDUCED_COLOR_8"}


@dataclass
class DisplayImage:
    rgb: np.ndarray     # (h, w, 3) uint8, the level shown (downscaled for huge images)
    width: int          # true image size
    height: int
    tiled: TiledImage | None = None  # a huge image shown from its pyramid (``rgb`` is its preview)
    note: str = ""      # said in the status bar (a huge image shown reduced, and why)

    @property
    def level_scale(self) -> float:
        return self.rgb.shape[1] / max(self.width, 1)

    def qimage(self) -> QImage:
        h, w = self.rgb.shape[:2]
        return QImage(self.rgb.data, w, h, 3 * w, QImage.Format_RGB888).copy()


def reduction_for(width: int, height: int, max_pixels: int) -> int:
    """The power-of-two reduction that brings the image under ``max_pixels`` (1 = none)."""
    f = 1
    while (width / f) * (height / f) > max_pixels and f < 1024:
        f *= 2
    return f


def decoded_pixels(path: str | os.PathLike[str], width: int, height: int, reduction: int) -> tuple[int, int]:
    """The size the decoder really allocates: only JPEG decoders scale while decoding
    (by up to 8); OpenCV decodes other formats at full size before reducing them."""
    if reduction > 1 and Path(path).suffix.lower() in (".jpg", ".jpeg", ".jfif"):
        f = min(reduction, 8)
        return math.ceil(width / f), math.ceil(height / f)
    return width, height


def load_display_image(path: str | os.PathLike[str], max_pixels: int = 64_000_000) -> DisplayImage:
    """Raises ValueError naming the file when it is not a readable image, and
    ``ImageTooLargeError`` (a ValueError) when its decode would exceed the core's bound."""
    import cv2

    try:
        w, h = image_size(path)
    except Exception as exc:  # noqa: BLE001  # PIL raises many types for broken headers
        raise ValueError(not_readable(path, exc)) from None
    f = reduction_for(w, h, max_pixels)
    if f > 1 and pyvips_available() and exif_orientation(path) == 1:
        tiled = TiledImage(path)
        return DisplayImage(tiled.preview(), tiled.width, tiled.height, tiled=tiled)
    try:
        check_decoded_size(path, *decoded_pixels(path, w, h, f))
    except ImageTooLargeError as exc:
        if f > 1:  # the tiled path was not open to it: say how it would be
            # the core's texts (ADR 0033): the message they extend is the core's, in its language
            exc.args = (or_tiles_hint(str(exc)) if not pyvips_available() else
                        not_tiled_because_rotated(str(exc)),)
        raise
    data = np.fromfile(Path(path), dtype=np.uint8)
    flag = getattr(cv2, _REDUCED[min(f, 8)]) if f > 1 else cv2.IMREAD_COLOR
    img = cv2.imdecode(data, flag)
    del data
    if img is None:
        raise ValueError(not_readable(path))
    if f > 8:
        tw, th = max(1, math.ceil(w / f)), max(1, math.ceil(h / f))
        img = cv2.resize(img, (tw, th), interpolation=cv2.INTER_AREA)
    rgb = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
    note = shown_reduced_note(path, f) if f > 1 and not pyvips_available() else ""
    return DisplayImage(np.ascontiguousarray(rgb), int(w), int(h), note=note)


class TiledWatcher(QObject):
    """While a huge image's pyramid is built: repaint the canvas as rows arrive, say how far
    the build is in the status bar, and report a failed build (once) through ``report``."""

    def __init__(self, window, tiled: TiledImage) -> None:
        super().__init__(window)
        self.window, self.image = window, tiled
        self._seen = -1
        self._reported = False
        self.timer = QTimer(self)
        self.timer.setInterval(150)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def poll(self) -> None:
        st = self.image.state
        if st.version == self._seen:
            return
        self._seen = st.version
        self.window.canvas.update()
        bar = self.window.statusBar()
        if st.error is not None:
            if not self._reported:
                self._reported = True
                self.window.report_error(st.error)
            self.stop()
        elif st.done:
            self.stop()
            if not st.from_cache:
                bar.showMessage(translate("image_loader", "{0}: all levels of the image are ready").format(
                    self.image.path.name), 4000)
        else:
            bar.showMessage(translate("image_loader", "{0}: reading the huge image ({1} %); the parts read are shown").format(
                self.image.path.name, int(st.fraction * 100)), 2000)
