"""LabelMe ``mask`` shapes on the canvas: a bitmap inside a box.

The kind (box, PNG, size checks) is defined in ``anylabel/core/mask_shape.py``. The canvas shows the bitmap tinted with the label
colour, outlines its box, and lets the user select and move it like a rectangle (moves are
whole pixels, so the bitmap stays on the pixel grid); it has no vertex handles, because
stretching a bitmap would change the mask.

Decoded bitmaps are cached by their base64 text (moving a mask keeps the text), so a
frame decodes nothing; the cache is small and thread-safe enough for the render worker
(dict operations under the GIL, values never mutated).
"""
from __future__ import annotations

from collections import OrderedDict

import numpy as np
from qtpy.QtGui import QColor, QImage

from ...core import mask_shape
from ...core.mask_shape import MASK, is_mask  # noqa: F401  # the canvas's names for the kind
from ...core.shape import Shape
_CACHE_LIMIT = 512             # entries per cache
_TINT_BUDGET = 32_000_000      # pixels of tinted images kept (4 bytes each): big masks evict early
_DECODED_BUDGET = 128_000_000  # pixels of decoded bitmaps kept (1 byte each)
_decoded_pixels = 0
_decoded: "OrderedDict[str, np.ndarray | None]" = OrderedDict()
_tinted: "OrderedDict[tuple[int, int], tuple[np.ndarray, QImage]]" = OrderedDict()
_tinted_pixels = 0


def decode_mask(shape: Shape) -> np.ndarray | None:
    """The shape's bitmap as a (h, w) bool array, or None when it has none, it is not a PNG
    or its size does not fit its box (``mask_shape.declared_size``)."""
    text = shape.extra.get("mask")
    if not isinstance(text, str) or not text:
        return None
    hit = _decoded.get(text)
    if hit is not None or text in _decoded:
        return hit
    try:
        arr: np.ndarray | None = mask_shape.decode(shape)
    except mask_shape.MaskShapeError:
        arr = None
    _decoded[text] = arr
    global _decoded_pixels
    _decoded_pixels += arr.size if arr is not None else 0
    while len(_decoded) > 1 and (len(_decoded) > _CACHE_LIMIT or _decoded_pixels > _DECODED_BUDGET):
        old = _decoded.popitem(last=False)[1]
        _decoded_pixels -= old.size if old is not None else 0
    return arr


def mask_box(shape: Shape) -> tuple[float, float, float, float]:
    """The box the bitmap covers, in pixel-corner image coordinates (``mask_shape.box``)."""
    return mask_shape.box(shape)


def mask_outline(shape: Shape) -> np.ndarray:
    x0, y0, x1, y1 = mask_box(shape)
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64)


def contains(shape: Shape, x: float, y: float, tolerance: float = 0.0) -> bool:
    """Inside the mask's box (grown by ``tolerance``), like a rectangle."""
    x0, y0, x1, y1 = mask_box(shape)
    return x0 - tolerance <= x <= x1 + tolerance and y0 - tolerance <= y <= y1 + tolerance


def tinted(bits: np.ndarray, color: QColor, alpha: int) -> QImage:
    """The bitmap as a premultiplied ARGB image: ``color`` at ``alpha`` inside, transparent outside."""
    key = (id(bits), (color.rgb() & 0xFFFFFF) | (int(alpha) << 24))
    hit = _tinted.get(key)
    if hit is not None and hit[0] is bits:  # the entry holds its array, so the id is not reused
        return hit[1]
    a = int(alpha)
    r, g, b = (c * a // 255 for c in (color.red(), color.green(), color.blue()))  # premultiplied
    argb = np.where(bits, np.uint32((a << 24) | (r << 16) | (g << 8) | b), np.uint32(0)).astype(np.uint32)
    h, w = bits.shape
    img = QImage(argb.data, w, h, 4 * w, QImage.Format_ARGB32_Premultiplied).copy()  # own the pixels
    _tinted[key] = (bits, img)
    global _tinted_pixels
    _tinted_pixels += h * w
    while len(_tinted) > 1 and (len(_tinted) > _CACHE_LIMIT or _tinted_pixels > _TINT_BUDGET):
        old_bits, _ = _tinted.popitem(last=False)[1]
        _tinted_pixels -= old_bits.size
    return img
