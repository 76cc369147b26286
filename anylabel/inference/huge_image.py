"""A huge image for sliced (SAHI) inference, read where the tiles are.

Full-resolution tiles cannot be cut from a PNG without decoding all of it, so the image's
pyramid is built first (the one the canvas shows, ``core/tiled_image.py``: one streamed
pass into the bounded tile cache, or nothing at all when the canvas already built it);
tiles are then read from level 0 and the whole-image pass gets the level whose size
suits the slices. Memory stays at the tiles read plus the pyramid's small levels.

The pyramid is of the pixels as stored; an image with an EXIF orientation is given to the
model upright (as the canvas shows it and a whole decode returns it): each window is read
from the stored pixels it shows and turned (``core/orientation.py``), so the tiles, and
the shapes found on them, are in upright full-image coordinates.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..core.image_io import max_image_pixels
from ..core.orientation import copy_offset, orientation_of, stored_rect, upright, upright_size
from ..core.streamed_copy import copy_factor
from ..core.tiled_image import TiledImage


class HugeImageWindows:
    """``postprocess.sahi.ImageWindows`` of a huge image file (built when created)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.tiled = TiledImage(self.path)  # the streamed bounds: 10 gigapixels, pixels per byte
        self.orientation = orientation_of(self.path)
        w, h = upright_size(self.tiled.width, self.tiled.height, self.orientation)
        self.shape = (h, w, 3)  # upright
        self.tiled.start()
        self.tiled.wait()  # TiledImageError naming the file when it cannot be decoded

    def window(self, x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
        """The upright window (x0, y0)-(x1, y1), at full resolution; clipped to the image, as
        an array slice is (clipped first: a flip would move the overhang to the other side)."""
        h, w = self.shape[:2]
        x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
        sx0, sy0, sx1, sy1 = stored_rect(x0, y0, x1, y1, w, h, self.orientation)
        stored = self.tiled.region(self.tiled.levels[0], sx0, sy0, sx1 - sx0, sy1 - sy0)
        return np.ascontiguousarray(upright(stored, self.orientation))

    def overview(self, target_hw: tuple[int, int]) -> tuple[np.ndarray, int, tuple[float, float]]:
        """Level n is the image shrunk by 2**n, blocks counted from the stored origin: shapes map
        back by 2**n, plus the offset of a far edge's partial block along an axis the EXIF turn flips."""
        h, w = self.shape[:2]
        f = copy_factor(w, h, target_hw, max_image_pixels())
        n = min(f.bit_length() - 1, len(self.tiled.levels) - 1)
        lv = self.tiled.levels[n]
        pixels = np.ascontiguousarray(upright(self.tiled.region(lv, 0, 0, lv.width, lv.height), self.orientation))
        return pixels, 1 << n, copy_offset(pixels.shape[1], pixels.shape[0], w, h, 1 << n, self.orientation)

    def close(self) -> None:
        self.tiled.close()
