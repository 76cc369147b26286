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
from .i18n import tr, tr_noop

#: The most pixels (width x height) allocated for anything a file declares: 400
#: megapixels, a 20000 x 20000 image (a uint8 mask of it is 400 MB).
MAX_PIXELS = 400_000_000


class DeclaredSizeError(AnyLabelError, ValueError):
    """A declared width/height that is not a usable size or exceeds ``MAX_PIXELS``
    (``too_big``: a real image may still have it)."""

    def __init__(self, message: str, too_big: bool = False) -> None:
        super().__init__(message)
        self.too_big = too_big


def limit_text() -> str:
    return tr("{0} megapixels (the limit for declared sizes)").format(MAX_PIXELS // 1_000_000)


def checked_size(width: Any, height: Any, what: str = tr_noop("size")) -> tuple[int, int]:
    """``(width, height)`` as positive whole numbers within ``MAX_PIXELS``, else a
    DeclaredSizeError whose message says what is wrong (``what`` names the field)."""
    try:
        w, h = float(width), float(height)
    except (TypeError, ValueError, OverflowError):
        raise DeclaredSizeError(tr("{0} {1!r} x {2!r} is not a number").format(
            tr(what), width, height)) from None
    if isinstance(width, bool) or isinstance(height, bool):
        raise DeclaredSizeError(tr("{0} {1!r} x {2!r} is not a number").format(tr(what), width, height))
    if not (math.isfinite(w) and math.isfinite(h)):
        raise DeclaredSizeError(tr("{0} {1!r} x {2!r} is not finite").format(tr(what), width, height))
    if w < 1 or h < 1 or not w.is_integer() or not h.is_integer():
        raise DeclaredSizeError(tr("{0} {1!r} x {2!r} is not a positive whole number of pixels").format(
            tr(what), width, height))
    if w * h > MAX_PIXELS:
        raise DeclaredSizeError(tr("{0} {1} x {2} exceeds {3}").format(
            tr(what), int(w), int(h), limit_text()),
                                too_big=True)
    return int(w), int(h)


def confirmed_size(declared: tuple[Any, Any], image_path: os.PathLike[str] | str | None,
                   what: str = tr_noop("image size")) -> tuple[int, int]:
    """A size a label file declares, when it can be used without reading the image: within
    ``MAX_PIXELS``. A larger one is used only when the image itself has that size (huge
    aerial and medical images are real); else DeclaredSizeError names both sizes."""
    try:
        return checked_size(*declared, what=what)
    except DeclaredSizeError as exc:
        too_big = exc.too_big
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
