"""Real PP-OCRv4 (models shipped in the rapidocr-onnxruntime wheel) on text rendered with Pillow."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from anylabel.core.geometry import bounding_box

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@pytest.fixture(scope="module")
def ocr():
    import importlib.util

    if importlib.util.find_spec("rapidocr_onnxruntime") is None:  # only its model files are used
        pytest.skip("the rapidocr-onnxruntime wheel (which ships the PP-OCR models) is not installed")
    from anylabel.inference import create_model

    return create_model("ppocr-v4", device="cpu")


def render(lines: list[tuple[str, tuple[int, int]]], size=(640, 240)) -> np.ndarray:
    try:
        font = ImageFont.truetype(FONT, 44)
    except OSError:
        pytest.skip("DejaVu font missing (fonts-dejavu-core)")
    img = Image.new("RGB", size, (250, 250, 245))
    d = ImageDraw.Draw(img)
    for text, xy in lines:
        d.text(xy, text, font=font, fill=(20, 20, 20))
    return np.asarray(img)


def test_reads_rendered_text_with_boxes_around_it(ocr) -> None:
    img = render([("AnyLabel 2026", (30, 40)), ("Invoice 4711", (30, 140))])
    shapes = ocr.predict(img)
    texts = [s.description for s in shapes]
    assert texts == ["AnyLabel 2026", "Invoice 4711"], texts
    assert all(s.label == "text" and s.shape_type == "polygon" and len(s.points) == 4 for s in shapes)
    x0, y0, x1, y1 = bounding_box(shapes[0])
    assert 15 <= x0 <= 40 and 30 <= y0 <= 55 and 330 <= x1 <= 390 and 80 <= y1 <= 105


def test_upside_down_text_is_turned_by_the_classifier(ocr) -> None:
    img = render([("Invoice 4711", (30, 90))])[::-1, ::-1].copy()
    assert [s.description for s in ocr.predict(img)] == ["Invoice 4711"]


def test_output_type_rotation(ocr) -> None:
    ocr.set_options(output_type="rotation")
    try:
        shapes = ocr.predict(render([("AnyLabel", (30, 40))]))
    finally:
        ocr.set_options(output_type=None)
    assert shapes and shapes[0].shape_type == "rotation" and shapes[0].description == "AnyLabel"
