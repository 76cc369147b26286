"""Telling a decompression bomb from a real huge image by its pixels per byte of file.

Streaming a huge image (the viewer's pyramid, ``tiled_image.py``; a model's copy,
``streamed_copy.py``) keeps memory small but not time: a 50 KB PNG that declares
20000 x 20000 pixels would still be decoded row by row, 400 megapixels of it. What such a
bomb cannot fake cheaply is its file size. Photographs and aerial images compress to about
1-50 pixels a byte and even bilevel scans stay in the low hundreds, while that PNG holds
8,000 pixels a byte. So every streamed decode first checks, from the header, that the file
declares at most ``max_pixels_per_byte()`` pixels per byte (1,000 by default,
``ANYLABEL_MAX_PIXELS_PER_BYTE``): the work a file can cause grows with its size, not with
what its header claims.
"""
from __future__ import annotations

import os

from .errors import AnyLabelError
from .i18n import tr

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
