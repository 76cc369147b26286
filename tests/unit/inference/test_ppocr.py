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


def test_drop_score_and_custom_dictionary_of_xanylabeling_configs(ocr, tmp_path) -> None:
    from anylabel.inference import create_model
    from anylabel.inference.config import find_config

    img = render([("AnyLabel 2026", (30, 40))])
    base = find_config("ppocr-v4")
    strict = base.with_overrides(options={"drop_score": 0.9999})
    assert create_model(strict, device="cpu").predict(img) == []  # every line under the bar is dropped
    # A dictionary with the characters shifted by one: the same ids now read as other letters.
    chars = ocr.characters[1:-1]
    (tmp_path / "dict.txt").write_text("\n".join(chars[1:] + chars[:1]) + "\n", encoding="utf-8")
    shifted = base.with_overrides(options={"rec_char_dict_path": "dict.txt"}, source=tmp_path / "m.yaml")
    text = create_model(shifted, device="cpu").predict(img)[0].description
    assert text and text != "AnyLabel 2026"
    assert text == "".join(chars[(chars.index(c) + 1) % len(chars)] if c in chars else c for c in "AnyLabel 2026")
