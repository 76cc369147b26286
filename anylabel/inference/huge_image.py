"""A huge image for sliced (SAHI) inference, read where the tiles are.

Full-resolution tiles cannot be cut from a PNG without decoding all of it, so the image's
pyramid is built first (the one the canvas shows, ``core/tiled_image.py``: one streamed
pass into the bounded tile cache, or nothing at all when the canvas already built it);
tiles are then read from level 0 and the whole-image pass gets the level whose size
suits the slices. Memory stays at the tiles read plus the pyramid's small levels.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..core.image_io import max_image_pixels
from ..core.streamed_copy import copy_factor
from ..core.tiled_image import TiledImage


class HugeImageWindows:
    """``postprocess.sahi.ImageWindows`` of a huge image file (built when created)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.tiled = TiledImage(self.path)  # the streamed bounds: 10 gigapixels, pixels per byte
        self.shape = (self.tiled.height, self.tiled.width, 3)
        self.tiled.start()
        self.tiled.wait()  # TiledImageError naming the file when it cannot be decoded

    def window(self, x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
        level0 = self.tiled.levels[0]
        return np.ascontiguousarray(self.tiled.region(level0, x0, y0, x1 - x0, y1 - y0))

    def overview(self, target_hw: tuple[int, int]) -> tuple[np.ndarray, int]:
        """Level n is the image shrunk by 2**n, blocks counted from 0: shapes map back by 2**n."""
        f = copy_factor(self.tiled.width, self.tiled.height, target_hw, max_image_pixels())
        n = min(f.bit_length() - 1, len(self.tiled.levels) - 1)
        lv = self.tiled.levels[n]
        return np.ascontiguousarray(self.tiled.region(lv, 0, 0, lv.width, lv.height)), 1 << n

    def close(self) -> None:
        self.tiled.close()
