"""The ``mask`` shape kind: a bitmap inside a box (LabelMe 7's form, also SAM's mask output).

A mask shape has ``shape_type`` ``"mask"``, two points, the inclusive top-left and
bottom-right pixel of its box, and in ``extra["mask"]`` a base64 PNG of that box: PNG
pixel (col, row) is image pixel (x0 + col, y0 + row); non-zero (alpha when there is an
alpha channel) is inside. This module is the one definition of the kind: geometry, the
exporters, SAM and the canvas all read and write masks through it.

The PNG's size is read from its header and checked against the shape's box (and the
image, when known) before anything is decoded: a 1 MB base64 text can declare a
30000 x 30000 bitmap.
"""
from __future__ import annotations

import base64
import binascii
import struct
from typing import Any

import cv2
import numpy as np

from .errors import AnyLabelError
from .i18n import tr
from .shape import MASK, Shape
from .size_limits import MAX_PIXELS, limit_text

__all__ = ["MASK", "MaskShapeError", "box", "decode", "declared_size", "encode", "from_image_mask",
           "is_mask", "paint", "pixel_area", "png_size", "to_polygons"]

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_HEADER_CHARS = 44  # base64 characters that hold the signature and the IHDR width/height (33 bytes)


class MaskShapeError(AnyLabelError, ValueError):
    """A mask shape whose bitmap is missing, not a PNG, or does not fit its box."""


def is_mask(shape: Shape) -> bool:
    return shape.shape_type == MASK and len(shape.points) >= 2


def _text(shape: Shape) -> str:
    text = shape.extra.get("mask")
    if not isinstance(text, str) or not text:
        raise MaskShapeError(tr("the mask shape has no bitmap ('mask' is missing or empty)"))
    return text


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=False)
    except (binascii.Error, ValueError):
        raise MaskShapeError(tr("the mask bitmap is not base64 text")) from None


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) declared in a PNG's header, without decoding it."""
    if len(data) < 24 or not data.startswith(_PNG_SIGNATURE) or data[12:16] != b"IHDR":
        raise MaskShapeError(tr("the mask bitmap is not a PNG"))
    w, h = struct.unpack(">II", data[16:24])
    return int(w), int(h)


def origin(shape: Shape) -> tuple[int, int]:
    """The image pixel of the bitmap's top-left pixel."""
    x0, y0 = np.round(shape.points.min(axis=0)).tolist()
    return int(x0), int(y0)


def _points_size(shape: Shape) -> tuple[int, int]:
    """Columns and rows of the box the two points span (inclusive corner pixels)."""
    (x0, y0), (x1, y1) = np.round(shape.points.min(axis=0)), np.round(shape.points.max(axis=0))
    return int(x1 - x0) + 1, int(y1 - y0) + 1


def declared_size(shape: Shape, image_size: tuple[int, int] | None = None) -> tuple[int, int]:
    """(width, height) of the bitmap from its PNG header, checked against the shape's box
    (one pixel of slack for writers that store exclusive corners), the image and
    ``MAX_PIXELS``; MaskShapeError says which check failed."""
    if not is_mask(shape):
        raise MaskShapeError(tr("a mask shape needs 2 points (the corners of its box)"))
    if not np.all(np.isfinite(shape.points)):
        raise MaskShapeError(tr("the mask box has NaN or infinite corners"))
    text = _text(shape)
    w, h = png_size(_b64(text[:_HEADER_CHARS]))
    bw, bh = _points_size(shape)
    if w > bw + 1 or h > bh + 1 or w < 1 or h < 1:
        raise MaskShapeError(tr("the mask PNG is {0} x {1} pixels but its box is {2} x {3}").format(
            w, h, bw, bh))
    if image_size is not None and (w > image_size[0] or h > image_size[1]):
        raise MaskShapeError(tr("the mask PNG is {0} x {1} pixels, larger than the image ({2} x {3})").format(
            w, h, image_size[0], image_size[1]))
    if w * h > MAX_PIXELS:
        raise MaskShapeError(tr("the mask PNG is {0} x {1} pixels, over {2}").format(w, h, limit_text()))
    return w, h


def decode(shape: Shape, image_size: tuple[int, int] | None = None) -> np.ndarray:
    """The bitmap as an (h, w) bool array (its size checked first, see ``declared_size``)."""
    w, h = declared_size(shape, image_size)
    raw = np.frombuffer(_b64(_text(shape)), dtype=np.uint8)
    try:
        img = cv2.imdecode(raw, cv2.IMREAD_UNCHANGED)
    except cv2.error:
        img = None
    if img is None or img.shape[:2] != (h, w):
        raise MaskShapeError(tr("the mask PNG cannot be decoded"))
    if img.ndim == 3:  # RGB(A): any non-zero channel counts (alpha when present)
        img = img[..., 3] if img.shape[2] == 4 else img.max(axis=2)
    return np.ascontiguousarray(img > 0)


def box(shape: Shape, image_size: tuple[int, int] | None = None) -> tuple[float, float, float, float]:
    """The box the bitmap covers in pixel-corner image coordinates (x0, y0, x1, y1): the
    inclusive corner pixels x1, y1 of the file give x1 + 1, y1 + 1 here. Without a usable
    PNG header the box of the points is used (the shape stays visible and selectable)."""
    x0, y0 = origin(shape)
    try:
        w, h = declared_size(shape, image_size)
    except MaskShapeError:
        w, h = _points_size(shape)
    return float(x0), float(y0), float(x0 + w), float(y0 + h)


def encode(bits: np.ndarray) -> str:
    """A bool bitmap as base64 PNG text (0 outside, 255 inside)."""
    ok, png = cv2.imencode(".png", np.asarray(bits, dtype=bool).view(np.uint8) * np.uint8(255))
    if not ok:
        raise MaskShapeError(tr("the PNG encoder failed"))
    return base64.b64encode(png.tobytes()).decode("ascii")


def from_image_mask(mask: np.ndarray, **kw: Any) -> Shape:
    """A mask shape for the set pixels of an image-sized bool mask, cropped to their box
    (``kw`` are Shape fields: label, group_id, score, ...). The mask must not be empty."""
    m = np.asarray(mask, dtype=bool)
    x, y, w, h = cv2.boundingRect(np.ascontiguousarray(m).view(np.uint8))
    if w == 0 or h == 0:
        raise MaskShapeError(tr("an empty mask has no mask shape"))
    shape = Shape(MASK, np.array([[x, y], [x + w - 1, y + h - 1]], dtype=np.float64), **kw)
    shape.extra["mask"] = encode(m[y:y + h, x:x + w])
    return shape


def paint(shape: Shape, out: np.ndarray, value: int) -> None:
    """Set ``out`` (an (H, W) image) to ``value`` under the bitmap's set pixels, clipped
    to the image."""
    H, W = out.shape[:2]
    bits = decode(shape)
    x0, y0 = origin(shape)
    h, w = bits.shape
    cx0, cy0 = max(x0, 0), max(y0, 0)
    cx1, cy1 = min(x0 + w, W), min(y0 + h, H)
    if cx1 <= cx0 or cy1 <= cy0:
        return
    part = bits[cy0 - y0:cy1 - y0, cx0 - x0:cx1 - x0]
    out[cy0:cy1, cx0:cx1][part] = value


def clipped(shape: Shape, image_size: tuple[int, int]) -> np.ndarray:
    """The (h, w) bitmap with the pixels that fall outside the image cleared."""
    bits = decode(shape)
    x0, y0 = origin(shape)
    h, w = bits.shape
    W, H = image_size
    out = bits.copy()
    out[:max(0, -y0)] = False
    out[:, :max(0, -x0)] = False
    out[max(0, H - y0):] = False
    out[:, max(0, W - x0):] = False
    return out


def pixel_area(shape: Shape, image_size: tuple[int, int] | None = None) -> int:
    """Set pixels of the bitmap (inside the image when its size is given)."""
    bits = decode(shape) if image_size is None else clipped(shape, image_size)
    return int(np.count_nonzero(bits))


def to_polygons(shape: Shape, image_size: tuple[int, int] | None = None,
                tolerance: float = 0.5) -> list[np.ndarray]:
    """The outlines of the bitmap's parts in image coordinates, largest first (holes are
    not drawn: a polygon cannot hold them); empty for an empty bitmap."""
    from .geometry import mask_to_polygons  # geometry imports this module

    bits = decode(shape) if image_size is None else clipped(shape, image_size)
    x0, y0 = origin(shape)
    offset = np.array([x0, y0], dtype=np.float64)
    return [p + offset for p in mask_to_polygons(bits, tolerance=tolerance)]
