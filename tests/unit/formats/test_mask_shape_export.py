"""Mask shapes (LabelMe 7's bitmap, SAM's mask output) in every exporter, and declared
image sizes checked before a mask export allocates memory for them."""
from __future__ import annotations

import json

import cv2
import numpy as np

from anylabel.core import mask_shape
from anylabel.core.label_file import label_path_for, new_annotation_for, write_label_file
from anylabel.core.size_limits import MAX_PIXELS
from anylabel.formats.base import ExportOptions
from anylabel.formats.driver import export_dataset

from formats_helpers import make_dataset, make_image, rect


def _blob() -> np.ndarray:
    m = np.zeros((48, 64), bool)
    m[10:20, 5:25] = True   # 20 x 10 box at (5, 10)
    m[30:40, 40:44] = True  # a second part, 4 x 10
    return m


def _dataset(tmp_path):
    shape = mask_shape.from_image_mask(_blob(), label="cat")
    return make_dataset(tmp_path / "src", {"a.png": [shape, rect(50, 2, 60, 8, label="dog")]})


def test_mask_export_paints_the_bitmap(tmp_path):
    s = export_dataset("mask", _dataset(tmp_path), tmp_path / "out")
    assert s.ok and not s.skipped, s.lines()
    gray = cv2.imread(str(tmp_path / "out" / "masks" / "a.png"), cv2.IMREAD_UNCHANGED)
    assert np.array_equal(gray == 1, _blob())  # cat is class 1: exactly the bitmap's pixels


def test_polygon_formats_get_the_outline_and_box_formats_the_box(tmp_path):
    src = _dataset(tmp_path)
    classes = tmp_path / "classes.txt"
    classes.write_text("cat\ndog\n", encoding="utf-8")
    s = export_dataset("yolo-seg", src, tmp_path / "seg", classes_file=classes)
    assert s.ok and not s.skipped, s.lines()
    lines = (tmp_path / "seg" / "a.txt").read_text().splitlines()
    cat = np.array([float(v) for v in lines[0].split()[1:]]).reshape(-1, 2) * [64, 48]
    assert lines[0].startswith("0 ") and np.allclose(cat.min(axis=0), [5, 10]) and np.allclose(cat.max(axis=0), [25, 20])

    s = export_dataset("yolo", src, tmp_path / "det", classes_file=classes)
    assert s.ok and not s.skipped, s.lines()
    cx, cy, w, h = (float(v) for v in (tmp_path / "det" / "a.txt").read_text().splitlines()[0].split()[1:])
    # The box of every set pixel: (5, 10) - (44, 40).
    assert np.allclose([cx * 64, cy * 48, w * 64, h * 48], [24.5, 25, 39, 30])

    s = export_dataset("coco", src, tmp_path / "coco", options=ExportOptions())
    assert s.ok and not s.skipped, s.lines()
    data = json.loads((tmp_path / "coco" / "annotations.json").read_text(encoding="utf-8"))
    (ann,) = [a for a in data["annotations"] if a["attributes"].get("shape_type") == "mask"]
    assert len(ann["segmentation"]) == 2 and ann["bbox"] == [5, 10, 39, 30]
    assert ann["area"] == 240  # both parts' pixels, as pycocotools rasterises the outlines


def test_mask_export_refuses_a_declared_size_the_image_does_not_have(tmp_path):
    src = make_dataset(tmp_path / "src", {"good.png": [rect(1, 1, 9, 9)]})
    img = make_image(src / "liar.png")  # 64 x 48
    ann = new_annotation_for(img, [rect(1, 1, 9, 9)], (30000, 30000))
    write_label_file(label_path_for(img), ann)
    s = export_dataset("mask", src, tmp_path / "out")
    assert not s.ok and (tmp_path / "out" / "masks" / "good.png").is_file()
    (problem,) = [p for f, p in s.failures if "liar" in f]
    assert "declares 30000 x 30000 pixels but the image is 64 x 48" in problem
    assert not (tmp_path / "out" / "masks" / "liar.png").exists()


def test_mask_export_refuses_an_image_beyond_the_limit(tmp_path, monkeypatch):
    import anylabel.formats.masks as masks

    src = make_dataset(tmp_path / "src", {"a.png": [rect(1, 1, 9, 9)]})
    monkeypatch.setattr("anylabel.core.size_limits.MAX_PIXELS", 64 * 48 - 1)
    s = export_dataset("mask", src, tmp_path / "out")
    assert not s.ok and "exceeds" in s.failures[0][1] and "megapixels" in s.failures[0][1]
    assert masks.MaskExporter  # the limit is the core's one constant
    assert MAX_PIXELS == 400_000_000


def test_a_mask_shape_outside_the_image_is_reported_not_counted(tmp_path):
    shape = mask_shape.from_image_mask(_blob(), label="cat")
    shape.points = shape.points - 200  # entirely left of and above the image
    src = make_dataset(tmp_path / "src", {"a.png": [shape]})
    s = export_dataset("mask", src, tmp_path / "out")
    assert s.shapes_written == 0 and list(s.skipped) == [("mask", "entirely outside the image")]
