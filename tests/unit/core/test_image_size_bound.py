"""Decoded sizes are bounded: a small PNG that declares a huge image is refused, from its
header, with a message naming the file and the limit; big real photos still decode."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from anylabel.core import image_io
from anylabel.core.errors import AnyLabelError
from anylabel.core.image_io import ImageTooLargeError, image_size, read_image_rgb
from png_bomb import png_bomb  # scripts/png_bomb.py


def test_png_declaring_400_megapixels_is_refused_before_decoding(tmp_path: Path, monkeypatch) -> None:
    p = png_bomb(tmp_path / "bomb.png", 20_000, 20_000)
    assert p.stat().st_size < 1_000_000
    assert image_size(p) == (20_000, 20_000)  # the size alone is still read (export needs no pixels)

    def no_decode(*_a, **_k):  # refused from the header: no 1.2 GB decode may be started
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(cv2, "imdecode", no_decode)
    with pytest.raises(ImageTooLargeError) as info:
        read_image_rgb(p)
    msg = str(info.value)
    assert str(p) in msg and "20000 x 20000" in msg and "300 megapixels" in msg and image_io.MAX_PIXELS_ENV in msg
    assert isinstance(info.value, AnyLabelError) and isinstance(info.value, ValueError)


def test_limit_comes_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    p = tmp_path / "photo.png"
    cv2.imwrite(str(p), np.full((300, 400, 3), 128, np.uint8))
    assert read_image_rgb(p).shape == (300, 400, 3)
    monkeypatch.setenv(image_io.MAX_PIXELS_ENV, "100000")
    with pytest.raises(ImageTooLargeError, match="400 x 300"):
        read_image_rgb(p)


def test_reduced_jpeg_decode_is_bounded_by_what_it_decodes(tmp_path: Path, monkeypatch) -> None:
    """A model that needs 160 px decodes a 1280 px JPEG at 1/8: that is what counts."""
    from anylabel.inference import create_model
    from anylabel.inference.image_loading import read_for_model

    p = tmp_path / "big.jpg"
    cv2.imwrite(str(p), np.full((1280, 1280, 3), 90, np.uint8))
    model = create_model("fixture_shapes_det", device="cpu")
    monkeypatch.setenv(image_io.MAX_PIXELS_ENV, str(160 * 160))
    assert read_for_model(p, model)[0].shape[:2] == (160, 160)
    monkeypatch.setenv(image_io.MAX_PIXELS_ENV, str(160 * 160 - 1))
    with pytest.raises(ImageTooLargeError):
        read_for_model(p, model)


def test_pillow_bomb_check_is_left_as_pillow_has_it(tmp_path: Path) -> None:
    from PIL import Image

    before = Image.MAX_IMAGE_PIXELS
    image_size(png_bomb(tmp_path / "b.png", 3000, 3000))
    assert Image.MAX_IMAGE_PIXELS == before and before is not None


def test_predict_names_the_huge_image_and_labels_the_others(tmp_path: Path, capsys) -> None:
    from anylabel.cli.main import main

    cv2.imwrite(str(tmp_path / "ok.png"), np.full((160, 160, 3), 200, np.uint8))
    png_bomb(tmp_path / "huge.png", 20_000, 20_000)
    assert main(["predict", "--model", "fixture_shapes_det", "--input", str(tmp_path), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "huge.png" in err and "megapixels" in err and "Traceback" not in err
    assert "2 images" in err and "1 failed" in err and not (tmp_path / "huge.json").exists()
