"""A downscaled copy of a huge image, streamed with libvips, for models that need all of it.

An image beyond the decode bound (``image_io.max_image_pixels``) is never decoded whole. A
model that looks at the whole image gets a copy shrunk by a power of two ``f``: libvips
reads the file once, top to bottom (a JPEG shrinks by up to 8 while decoding), and averages
each f x f block, so only the copy is ever allocated. Copy pixel (i, j) covers full-image
pixels [i*f, (i+1)*f) x [j*f, (j+1)*f) (the last ones partly; a JPEG's last partial block
may be left out), exactly as level log2(f) of the viewer's pyramid does: shapes found on
the copy map back by multiplying by ``f``.

Streaming moves the cost of a decompression bomb from memory to time, so the copy has
three bounds, all checked from the header before a pixel is decoded:

- what is allocated: the copy's pixels, against the normal decode bound
  (``ANYLABEL_MAX_IMAGE_PIXELS``), as every other decode;
- what is decoded: the image's pixels, against the tiled path's bound
  (``tiled_image.check_tiled_size``, 10 gigapixels);
- what is decoded per byte of file: at most ``max_pixels_per_byte()`` (1,000 by default,
  ``ANYLABEL_MAX_PIXELS_PER_BYTE``). Photographs and aerial images compress to 1-50 pixels
  a byte and even bilevel scans stay in the low hundreds; a bomb is a small file that
  declares a vast image (a 20000 x 20000 black PNG fits in 50 KB: 8,000 pixels a byte).
  So the work a file can cause grows with its size, not with what its header claims.
"""
from __future__ import annotations

import math
import os

import numpy as np

from .contrast import Stretch, needs_stretch, to_display
from .errors import AnyLabelError
from .i18n import tr
from .image_io import check_decoded_size
from .tiled_image import VIPS_DTYPES, TiledImageError, check_tiled_size, open_vips, vips_problem

PIXELS_PER_BYTE_ENV = "ANYLABEL_MAX_PIXELS_PER_BYTE"
DEFAULT_PIXELS_PER_BYTE = 1000.0


class DecompressionBombError(AnyLabelError, ValueError):
    """A file that declares far more pixels than its size can plausibly hold; names the file."""


def max_pixels_per_byte() -> float:
    raw = os.environ.get(PIXELS_PER_BYTE_ENV)
    try:
        value = float(raw) if raw else DEFAULT_PIXELS_PER_BYTE
    except ValueError:
        return DEFAULT_PIXELS_PER_BYTE
    return value if value > 0 else DEFAULT_PIXELS_PER_BYTE


def check_not_a_bomb(path: str | os.PathLike[str], width: int, height: int) -> None:
    """DecompressionBombError when ``width`` x ``height`` pixels is too many for the file's size."""
    size = max(os.stat(path).st_size, 1)
    limit = max_pixels_per_byte()
    density = width * height / size
    if density > limit:
        raise DecompressionBombError(
            tr("{0}: the file is {1:.2f} MB but declares {2} x {3} pixels ({4:.0f} megapixels, {5:.0f} "
               "pixels per byte, more than the {6:.0f} AnyLabel decodes as a stream): it looks like a "
               "decompression bomb; set {7} to a larger number if this image really compresses that well"
               ).format(os.fspath(path), size / 1e6, width, height, width * height / 1e6, density, limit,
                        PIXELS_PER_BYTE_ENV))


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


def read_downscaled(path: str | os.PathLike[str], factor: int) -> tuple[np.ndarray, tuple[int, int]]:
    """((h, w, 3) uint8 RGB copy shrunk by ``factor`` (a power of two), (full width, full height)),
    streamed; the bounds of the module docstring are checked first. TiledImageError names the
    file when it cannot be read, DecompressionBombError / ImageTooLargeError when it is refused."""
    import pyvips

    if factor < 1 or factor & (factor - 1):
        raise ValueError(tr("the shrink factor must be a power of two, got {0}").format(factor))
    head = open_vips(path, sequential=True)
    w, h = head.width, head.height
    check_tiled_size(path, w, h)
    check_not_a_bomb(path, w, h)
    cw, ch = copy_size(w, h, factor)
    check_decoded_size(path, cw, ch)
    if head.get_typeof("orientation") and head.get("orientation") not in (0, 1):
        # The copy would have to be turned and the turned blocks no longer start at 0.
        raise TiledImageError(tr("{0}: a huge image with an EXIF rotation cannot be given "
                                 "to a model; save it upright (without the orientation tag)").format(
                                     os.fspath(path)))
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
    return to_display(arr, stretch), (w, h)
