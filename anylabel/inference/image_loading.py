"""Decoding images for a model at the resolution it will use.

A 4000 x 3000 JPEG labelled by a 640 px detector is shrunk by the letterbox anyway; JPEG
can be decoded at 1/2, 1/4 or 1/8 scale in the DCT domain, several times faster than a
full decode. ``read_for_model`` picks the largest such reduction that still leaves at
least the model's input resolution, and ``rescale`` maps the shapes back to full-image
pixels (``ToFullImage``). Models without a fixed input size (OCR, SAHI runs) get the full image.

An image beyond the decode bound (``ANYLABEL_MAX_IMAGE_PIXELS``) is never decoded whole
(docs/adr/0021): a model gets a copy streamed by libvips and shrunk by a power of two,
as small as its input allows and within the decode bound (``core/streamed_copy.py``,
which also refuses decompression bombs); a sliced (SAHI) model gets the image's
windows, read at full resolution from its pyramid (``huge_image.py``). Both are upright
(EXIF orientation applied), as every other decode here, so shapes come back in the
coordinates the canvas shows. Without pyvips the decode bound refuses the image, naming
the file, as before.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NamedTuple

import cv2
import numpy as np

from ..core.image_io import check_decoded_size, max_image_pixels, not_readable, read_image_rgb, stored_size
from .base import Model, Prediction

_REDUCED = {2: cv2.IMREAD_REDUCED_COLOR_2, 4: cv2.IMREAD_REDUCED_COLOR_4, 8: cv2.IMREAD_REDUCED_COLOR_8}


class ToFullImage(NamedTuple):
    """How a model's image maps to the full image: full point = point * (sx, sy) + (dx, dy).
    The offset is non-zero only for the streamed copy of an EXIF-flipped huge image."""

    sx: float = 1.0
    sy: float = 1.0
    dx: float = 0.0
    dy: float = 0.0


IDENTITY = ToFullImage()


def reduction_for(width: int, height: int, input_hw: tuple[int, int]) -> int:
    """Largest factor in (1, 2, 4, 8) that keeps the image at least as large as the letterbox needs."""
    th, tw = input_hw
    room = max(height / th, width / tw)
    for f in (8, 4, 2):
        if room >= f:
            return f
    return 1


def read_for_model(path: str | os.PathLike[str],
                   model: Model) -> tuple[np.ndarray, ToFullImage, tuple[int, int]]:
    """(RGB image, its map to full-image coordinates, (full width, full height)). The size is upright (EXIF rotation applied), as shown. For a
    sliced model and an image beyond the decode bound the "image" is its ``HugeImageWindows``."""
    hint = model.input_size_hint()
    p = Path(path)
    huge = _read_huge(p, model, hint)
    if huge is not None:
        return huge
    if hint is None or p.suffix.lower() not in (".jpg", ".jpeg", ".jfif"):
        img = read_image_rgb(p)
        return img, IDENTITY, (img.shape[1], img.shape[0])
    w, h = stored_size(p)
    f = reduction_for(w, h, hint)
    # The bound is on what is decoded: a JPEG decoded at 1/8 scale makes 1/64 of the pixels.
    check_decoded_size(p, -(-w // f), -(-h // f))
    if f == 1:
        img = read_image_rgb(p)
        return img, IDENTITY, (img.shape[1], img.shape[0])
    img = cv2.imdecode(np.fromfile(p, dtype=np.uint8), _REDUCED[f])  # applies EXIF orientation
    if img is None:
        raise ValueError(not_readable(p))
    rh, rw = img.shape[:2]
    if (rw >= rh) != (w >= h) and w != h:  # rotated by EXIF: the stored width is the shown height
        w, h = h, w
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB), ToFullImage(w / rw, h / rh), (w, h)


def _read_huge(p: Path, model: Model, hint: tuple[int, int] | None) -> Any:
    """What a model is given of an image beyond the decode bound (see the module docstring):
    None for every other image, and when pyvips is missing (the decode bound then refuses it)."""
    from ..core.tiled_image import TiledImageError, open_vips, pyvips_available

    try:
        w, h = stored_size(p)
    except Exception:  # noqa: BLE001  # Pillow cannot parse it (a float or multi-band GeoTIFF)
        if not pyvips_available():
            return None  # reported by the normal decode
        try:
            head = open_vips(p, sequential=True)
        except TiledImageError:
            return None
        w, h = head.width, head.height
    if w * h <= max_image_pixels() or not pyvips_available():
        return None
    if model.slices:
        from .huge_image import HugeImageWindows

        windows = HugeImageWindows(p)
        return windows, IDENTITY, (windows.shape[1], windows.shape[0])
    from ..core.orientation import orientation_of, upright_size
    from ..core.streamed_copy import copy_factor, read_downscaled

    # A model with an input size gets the smallest copy still that large; should the decode
    # bound not allow even that, read_downscaled refuses it (a bound below the model's input
    # is to be raised, not met with a blurred copy). Other models get the largest copy allowed.
    # The input (H, W) is compared with the image as the model sees it: upright.
    uw, uh = upright_size(w, h, orientation_of(p))
    factor = copy_factor(uw, uh, hint) if hint is not None else copy_factor(uw, uh, None, max_image_pixels())
    copy = read_downscaled(p, factor)
    return copy.pixels, ToFullImage(float(factor), float(factor), *copy.offset), copy.size


def rescale(pred: Prediction, to_full: ToFullImage) -> Prediction:
    """``pred``'s shapes moved to full-image pixels (in place)."""
    if to_full == IDENTITY:
        return pred
    s = np.array(to_full[:2], dtype=np.float64)
    d = np.array(to_full[2:], dtype=np.float64)
    for shape in pred.shapes:
        shape.points = shape.points * s + d
    return pred
