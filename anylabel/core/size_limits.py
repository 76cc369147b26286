"""The one bound on image sizes that files declare (label files, COCO, masks).

A size written in a file costs nothing to write and can cost gigabytes to honour: a
label file claiming 30000 x 30000 makes a mask export allocate a 900 MB index image and
a 2.7 GB colour image; a COCO RLE ``size`` of [100000, 100000] asks for 10 GB. Sizes
are checked against the real image where it exists, and never trusted beyond
``MAX_PIXELS`` before memory is allocated for them.
"""
from __future__ import annotations

import math
import os
from typing import Any

from .errors import AnyLabelError

#: The most pixels (width x height) allocated for anything a file declares: 400
#: megapixels, a 20000 x 20000 image (a uint8 mask of it is 400 MB).
MAX_PIXELS = 400_000_000


class DeclaredSizeError(AnyLabelError, ValueError):
    """A declared width/height that is not a usable size or exceeds ``MAX_PIXELS``."""


def limit_text() -> str:
    return f"{MAX_PIXELS // 1_000_000} megapixels (the limit for declared sizes)"


def checked_size(width: Any, height: Any, what: str = "size") -> tuple[int, int]:
    """``(width, height)`` as positive whole numbers within ``MAX_PIXELS``, else a
    DeclaredSizeError whose message says what is wrong (``what`` names the field)."""
    try:
        w, h = float(width), float(height)
    except (TypeError, ValueError, OverflowError):
        raise DeclaredSizeError(f"{what} {width!r} x {height!r} is not a number") from None
    if isinstance(width, bool) or isinstance(height, bool):
        raise DeclaredSizeError(f"{what} {width!r} x {height!r} is not a number")
    if not (math.isfinite(w) and math.isfinite(h)):
        raise DeclaredSizeError(f"{what} {width!r} x {height!r} is not finite")
    if w < 1 or h < 1 or not w.is_integer() or not h.is_integer():
        raise DeclaredSizeError(f"{what} {width!r} x {height!r} is not a positive whole number of pixels")
    if w * h > MAX_PIXELS:
        raise DeclaredSizeError(f"{what} {int(w)} x {int(h)} exceeds {limit_text()}")
    return int(w), int(h)


def confirmed_size(declared: tuple[Any, Any], image_path: os.PathLike[str] | str | None,
                   what: str = "image size") -> tuple[int, int]:
    """A size a label file declares, when it can be used without reading the image: within
    ``MAX_PIXELS``. A larger one is used only when the image itself has that size (huge
    aerial and medical images are real); else DeclaredSizeError names both sizes."""
    try:
        return checked_size(*declared, what=what)
    except DeclaredSizeError as exc:
        too_big = "exceeds" in str(exc)
        error = exc
    if too_big and image_path is not None:
        from .image_io import image_size

        try:
            real = image_size(image_path)
        except Exception:  # noqa: BLE001  # unreadable image: nothing confirms the size
            real = None
        if real is not None and tuple(real) == tuple(int(v) for v in declared):
            return int(real[0]), int(real[1])
    raise error
