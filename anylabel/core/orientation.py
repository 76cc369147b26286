"""EXIF orientation as array operations, for images that are read in pieces.

A decoder that reads a whole file (OpenCV's, Pillow's ``exif_transpose``) turns the image
upright itself; a huge image is read in strips, blocks or windows of the pixels *as stored*
(``streamed_copy.py``, ``inference/huge_image.py``), so the turn is applied here to what
was read. Every orientation 1-8 is a transpose (5-8) followed by a horizontal and/or a
vertical flip of the result; coordinates are those of the upright image, as the canvas
shows it and as label files record it.

A copy shrunk by ``f`` has pixel i covering stored pixels [i f, (i+1) f): its blocks start
at the stored image's origin. Along an axis the turn flips, they then start at the upright
image's far edge instead, so the upright copy maps to the upright image by ``u * f`` plus
an offset (``copy_offset``) of the far edge's partial block, less than ``f`` pixels.
"""
from __future__ import annotations

import os
from typing import NamedTuple

import numpy as np

from .image_io import exif_orientation


class Turn(NamedTuple):
    """Upright = stored, transposed when ``transpose``, then flipped left-right / top-bottom."""

    transpose: bool
    flip_x: bool
    flip_y: bool


TURNS = {1: Turn(False, False, False), 2: Turn(False, True, False), 3: Turn(False, True, True),
         4: Turn(False, False, True), 5: Turn(True, False, False), 6: Turn(True, True, False),
         7: Turn(True, True, True), 8: Turn(True, False, True)}


def turn_for(orientation: int) -> Turn:
    """The turn of an EXIF orientation value (anything outside 1-8 is read as stored)."""
    return TURNS.get(orientation, TURNS[1])


def orientation_of(path: str | os.PathLike[str]) -> int:
    """The file's EXIF orientation as the rest of AnyLabel reads it (``image_io``: the upright
    size of label files and of the canvas); 1 when Pillow cannot parse the header (a float
    GeoTIFF), whose pixels are then taken as stored, as libvips reads them."""
    try:
        return int(exif_orientation(path))
    except Exception:  # noqa: BLE001  # Pillow raises many types for headers it cannot parse
        return 1


def upright(pixels: np.ndarray, orientation: int) -> np.ndarray:
    """``pixels`` (H, W, ...) as stored, turned upright (a view where numpy allows)."""
    t = turn_for(orientation)
    out = pixels.swapaxes(0, 1) if t.transpose else pixels
    if t.flip_x:
        out = out[:, ::-1]
    if t.flip_y:
        out = out[::-1]
    return out


def upright_size(width: int, height: int, orientation: int) -> tuple[int, int]:
    """(width, height) of the upright image from the stored one's."""
    return (height, width) if turn_for(orientation).transpose else (width, height)


def stored_rect(x0: int, y0: int, x1: int, y1: int, upright_w: int, upright_h: int,
                orientation: int) -> tuple[int, int, int, int]:
    """The stored pixels (x0, y0, x1, y1) that the upright window (x0, y0, x1, y1) shows."""
    t = turn_for(orientation)
    if t.flip_x:
        x0, x1 = upright_w - x1, upright_w - x0
    if t.flip_y:
        y0, y1 = upright_h - y1, upright_h - y0
    return (y0, x0, y1, x1) if t.transpose else (x0, y0, x1, y1)


def copy_offset(copy_w: int, copy_h: int, full_w: int, full_h: int, factor: int,
                orientation: int) -> tuple[float, float]:
    """(dx, dy) such that upright full-image point = upright copy point * ``factor`` + (dx, dy),
    for a copy whose pixel i covers stored pixels [i f, (i+1) f); all sizes are upright."""
    t = turn_for(orientation)
    return (float(full_w - copy_w * factor) if t.flip_x else 0.0,
            float(full_h - copy_h * factor) if t.flip_y else 0.0)
