"""A downscaled copy of a huge image, streamed with libvips, for models that need all of it.

An image beyond the decode bound (``image_io.max_image_pixels``) is never decoded whole. A
model that looks at the whole image gets a copy shrunk by a power of two ``f``: libvips
reads the file once, top to bottom (a JPEG shrinks by up to 8 while decoding), and averages
each f x f block, so only the copy is ever allocated. Copy pixel (i, j) covers full-image
pixels [i*f, (i+1)*f) x [j*f, (j+1)*f) (the last ones partly; a JPEG's last partial block
may be left out), exactly as level log2(f) of the viewer's pyramid does: shapes found on
the copy map back by multiplying by ``f``.

An image with an EXIF orientation is read as stored (a sequential read cannot be turned)
and its small copy is turned upright afterwards (``orientation.py``), so the model sees the
image as the canvas shows it. Along an axis the turn flips, the blocks then start at the
far edge: the copy maps back by ``f`` plus the ``offset`` of that edge's partial block.

Streaming moves the cost of a decompression bomb from memory to time, so the copy has
three bounds, all checked from the header before a pixel is decoded:

- what is allocated: the copy's pixels, against the normal decode bound
  (``ANYLABEL_MAX_IMAGE_PIXELS``), as every other decode;
- what is decoded, and per byte of file: the image's pixels, against the bounds of every
  streamed decode (``tiled_image.check_streamable``: 10 gigapixels, and at most 1,000
  pixels a byte, ``bomb_guard.py``), as the viewer's pyramid.
"""
from __future__ import annotations

import math
import os
from typing import NamedTuple

import numpy as np

from .contrast import Stretch, needs_stretch, to_display
from .i18n import tr
from .image_io import check_decoded_size
from .orientation import copy_offset, orientation_of, upright, upright_size
from .tiled_image import VIPS_DTYPES, TiledImageError, check_streamable, open_vips, vips_problem

def copy_size(width: int, height: int, factor: int) -> tuple[int, int]:
    """The copy's (width, height): every partly covered block is a pixel (as pyramid levels)."""
    return math.ceil(width / factor), math.ceil(height / factor)


def copy_factor(width: int, height: int, target_hw: tuple[int, int] | None, limit: int | None = None) -> int:
    """The power of two to shrink by: at least enough for the copy to fit ``limit`` pixels (when
    given); for an input size ``target_hw`` (H, W), as much more as still leaves the copy at
    least that large (the letterbox shrinks it further anyway, as ``reduction_for`` does for JPEGs)."""
    f = 1
    while limit is not None and copy_size(width, height, f)[0] * copy_size(width, height, f)[1] > limit:
        f *= 2
    if target_hw is not None:
        th, tw = target_hw
        while max(height / (2 * f * th), width / (2 * f * tw)) >= 1:
            f *= 2
    return f


class StreamedCopy(NamedTuple):
    """An upright copy: full-image point = copy point * factor + ``offset`` (upright pixels)."""

    pixels: np.ndarray          # (h, w, 3) uint8 RGB, upright
    size: tuple[int, int]       # the full image's upright (width, height)
    offset: tuple[float, float]  # (0, 0) unless the EXIF turn flips an axis


def read_downscaled(path: str | os.PathLike[str], factor: int) -> StreamedCopy:
    """The image shrunk by ``factor`` (a power of two), streamed, turned upright; the bounds of
    the module docstring are checked first. TiledImageError names the file when it cannot be
    read, DecompressionBombError / ImageTooLargeError when it is refused."""
    import pyvips

    if factor < 1 or factor & (factor - 1):
        raise ValueError(tr("the shrink factor must be a power of two, got {0}").format(factor))
    head = open_vips(path, sequential=True)
    w, h = head.width, head.height
    check_streamable(path, w, h)
    cw, ch = copy_size(w, h, factor)
    check_decoded_size(path, cw, ch)
    if head.format not in VIPS_DTYPES:
        raise TiledImageError(tr("{0}: samples of type {1} cannot be read").format(
            os.fspath(path), head.format))
    try:
        src, rest = head, factor
        if head.get("vips-loader") == "jpegload" and factor > 1:
            # Shrink-on-load (DCT scaling): block i of the file is pixel i, as in ``shrink``;
            # libvips drops a last partial block, so the copy may be a pixel smaller.
            load_shrink = min(factor, 8)
            src = pyvips.Image.new_from_file(os.fspath(path), access="sequential", fail_on="truncated",
                                             shrink=load_shrink)
            rest = factor // load_shrink
        small = src.shrink(rest, rest, ceil=True) if rest > 1 else src
        dtype = np.dtype(VIPS_DTYPES[small.format])
        arr = np.frombuffer(small.write_to_memory(), dtype).reshape(small.height, small.width, small.bands)
    except pyvips.Error as exc:
        raise TiledImageError(tr("{0}: cannot be decoded ({1}); the file is truncated or damaged").format(
            os.fspath(path), vips_problem(exc))) from None
    stretch = Stretch.from_sample(arr) if needs_stretch(dtype) else None
    orientation = orientation_of(path)
    pixels = np.ascontiguousarray(upright(to_display(arr, stretch), orientation))
    full = upright_size(w, h, orientation)
    offset = copy_offset(pixels.shape[1], pixels.shape[0], full[0], full[1], factor, orientation)
    return StreamedCopy(pixels, full, offset)
