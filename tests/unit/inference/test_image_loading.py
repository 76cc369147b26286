"""Reduced JPEG decoding for models with a fixed input size gives the same objects, in
full-image coordinates."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from anylabel.core.geometry import bounding_box
from anylabel.core.image_io import read_image_rgb
from anylabel.inference import create_model
from anylabel.inference.image_loading import IDENTITY, ToFullImage, read_for_model, reduction_for, rescale

from _accuracy import box_overlap, synthetic


def test_reduction_factor() -> None:
    assert reduction_for(640, 480, (320, 320)) == 2
    assert reduction_for(4000, 3000, (640, 640)) == 4
    assert reduction_for(300, 200, (640, 640)) == 1
    assert reduction_for(1280, 960, (160, 160)) == 8


def test_reduced_decode_finds_the_same_objects(tmp_path: Path) -> None:
    img, _ = synthetic().make_sample(np.random.default_rng(8), "det", 160, 160)
    big = cv2.resize(img, (1280, 1280), interpolation=cv2.INTER_CUBIC)
    path = tmp_path / "big.jpg"
    cv2.imwrite(str(path), big[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 95])
    model = create_model("fixture_shapes_det", device="cpu")
    small, scale, size = read_for_model(path, model)
    assert small.shape[:2] == (160, 160) and scale == ToFullImage(8.0, 8.0) and size == (1280, 1280)
    reduced = rescale(model.predict_result(small), scale).shapes
    full = model.predict(read_image_rgb(path))
    assert full and len(reduced) == len(full)
    for a in full:
        assert max(box_overlap(bounding_box(a), bounding_box(b)) for b in reduced if b.label == a.label) > 0.85
    png = tmp_path / "big.png"
    cv2.imwrite(str(png), big[:, :, ::-1])
    assert read_for_model(png, model)[1:] == (IDENTITY, (1280, 1280))  # only JPEG has a cheap reduced decode


def test_exif_rotated_jpeg_size_is_upright(tmp_path: Path) -> None:
    from PIL import Image

    from anylabel.core.image_io import image_size

    path = tmp_path / "rot.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # shown rotated by 90 degrees
    Image.fromarray(np.zeros((160, 320, 3), np.uint8)).save(path, exif=exif)
    model = create_model("fixture_shapes_det", device="cpu")
    img, scale, size = read_for_model(path, model)
    assert size == image_size(path) == (160, 320)
    assert img.shape[:2] == (160, 80) and scale == ToFullImage(2.0, 2.0)
