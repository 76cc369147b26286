"""The mask shape kind in the core: bitmap <-> shape, its box, area and outlines, and the
size checks made from the PNG header before anything is decoded."""
from __future__ import annotations

import base64
import struct
import zlib

import numpy as np
import pytest

from anylabel.core import geometry, mask_shape
from anylabel.core.mask_shape import MASK, MaskShapeError
from anylabel.core.shape import Shape
from anylabel.core.size_limits import MAX_PIXELS


def _bits() -> np.ndarray:
    m = np.zeros((40, 60), bool)
    m[10:20, 5:25] = True   # 200 pixels
    m[30:35, 40:50] = True  # 50 pixels, a second part
    return m


def _png_declaring(w: int, h: int) -> str:
    """A tiny PNG whose header declares w x h (its data is one empty row): what a hostile
    or broken file can hold in a few bytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")
    return base64.b64encode(png).decode("ascii")


def test_a_mask_shape_holds_the_cropped_bitmap_and_decodes_back():
    m = _bits()
    s = mask_shape.from_image_mask(m, label="tumour")
    assert s.shape_type == MASK and s.points.tolist() == [[5, 10], [49, 34]]  # inclusive corner pixels
    bits = mask_shape.decode(s)
    assert bits.shape == (25, 45) and np.array_equal(bits, m[10:35, 5:50])
    assert mask_shape.box(s) == (5.0, 10.0, 50.0, 35.0)
    assert mask_shape.pixel_area(s) == 250 and geometry.area(s) == 250.0
    assert geometry.bounding_box(s) == (5.0, 10.0, 50.0, 35.0)
    assert np.array_equal(geometry.shape_to_mask(s, 40, 60), m)


def test_outlines_of_a_mask_shape_are_in_image_coordinates_largest_first():
    s = mask_shape.from_image_mask(_bits())
    big, small = mask_shape.to_polygons(s, tolerance=0)
    assert geometry.polygon_area(big) == 200 and geometry.polygon_area(small) == 50
    assert big.min(axis=0).tolist() == [5, 10] and big.max(axis=0).tolist() == [25, 20]
    # Clipped to the image: only the part inside a 30 x 40 image is left.
    (inside,) = mask_shape.to_polygons(s, (30, 40), tolerance=0)
    assert inside.max(axis=0).tolist() == [25, 20]


def test_a_huge_declared_bitmap_is_refused_from_its_header_before_decoding():
    # 1 KB of base64 declaring 30000 x 30000 (900 megapixels): refused by the header check,
    # whichever of the box, the image or the limit it breaks.
    text = _png_declaring(30000, 30000)
    small_box = Shape(MASK, [[0, 0], [99, 99]], extra={"mask": text})
    with pytest.raises(MaskShapeError, match="30000 x 30000 pixels but its box is 100 x 100"):
        mask_shape.decode(small_box)
    big_box = Shape(MASK, [[0, 0], [29999, 29999]], extra={"mask": text})
    with pytest.raises(MaskShapeError, match="larger than the image"):
        mask_shape.decode(big_box, (640, 480))
    with pytest.raises(MaskShapeError, match=f"over {MAX_PIXELS // 1_000_000} megapixels"):
        mask_shape.decode(big_box)
    # Bounded even when unreadable: geometry falls back to the box of the points.
    assert geometry.area(small_box) == 0.0 and mask_shape.box(small_box) == (0.0, 0.0, 100.0, 100.0)


@pytest.mark.parametrize("text", ["", "not base64 !!", base64.b64encode(b"GIF89a....").decode(), None])
def test_a_mask_shape_without_a_png_is_a_clear_error(text):
    s = Shape(MASK, [[0, 0], [9, 9]], extra={} if text is None else {"mask": text})
    with pytest.raises(MaskShapeError):
        mask_shape.decode(s)
