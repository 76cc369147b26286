"""Mask import of odd and foreign inputs: empty PNGs, absurd mapping values, sizes that do
not fit the image, and X-AnyLabeling's masks (3-channel PNGs) with its mapping files."""
from __future__ import annotations

import json
import struct
import zlib

import cv2
import numpy as np

from anylabel.core.label_file import read_label_file
from anylabel.formats.import_driver import import_dataset

from formats_helpers import make_image


def _layout(tmp_path, masks: dict[str, np.ndarray], mapping: dict | str | None, mapping_name="mapping.json"):
    src, target = tmp_path / "src", tmp_path / "imgs"
    (src / "masks").mkdir(parents=True)
    for stem, m in masks.items():
        make_image(target / f"{stem}.jpg", (m.shape[1], m.shape[0]))
        cv2.imwrite(str(src / "masks" / f"{stem}.png"), m)
    if mapping is not None:
        text = mapping if isinstance(mapping, str) else json.dumps(mapping)
        (src / mapping_name).write_text(text, encoding="utf-8")
    return src, target


def _two_regions() -> np.ndarray:
    m = np.zeros((48, 64), np.uint8)
    m[5:15, 5:25] = 1
    m[30:40, 30:50] = 2
    return m


def test_an_empty_or_broken_png_is_named_and_the_others_imported(tmp_path):
    src, target = _layout(tmp_path, {"good": _two_regions()}, {"cat": 1, "dog": 2})
    make_image(target / "empty.jpg")
    (src / "masks" / "empty.png").write_bytes(b"")
    make_image(target / "junk.jpg")
    (src / "masks" / "junk.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    s = import_dataset("mask", src, target)
    problems = dict((f.rsplit("/", 1)[-1], p) for f, p in s.failures)
    assert problems["empty.png"] == "empty file (0 bytes), not a PNG"
    assert "PNG" in problems["junk.png"]
    assert sorted(x.label for x in read_label_file(target / "good.json").shapes) == ["cat", "dog"]


def test_a_mapping_index_that_is_not_a_pixel_value_is_a_clear_error(tmp_path):
    src, target = _layout(tmp_path, {"good": _two_regions()}, '{"cat": 1e400, "dog": 2}')
    s = import_dataset("mask", src, target)
    (path, problem), = s.failures
    assert "mapping.json: " in problem and "index inf is not a whole number from 0 to 65535" in problem


def test_a_mask_whose_size_is_not_the_image_size_is_refused_before_decoding(tmp_path):
    src, target = _layout(tmp_path, {"good": _two_regions()}, {"cat": 1, "dog": 2})
    make_image(target / "big.jpg")  # 64 x 48
    ihdr = struct.pack(">IIBBBBB", 30000, 30000, 8, 0, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    (src / "masks" / "big.png").write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b""))
    s = import_dataset("mask", src, target)
    (problem,) = [p for f, p in s.failures if f.endswith("big.png")]
    assert "mask size 30000 x 30000 exceeds 400 megapixels" in problem


def test_x_anylabeling_grayscale_masks_are_3_channel_pngs(tmp_path):
    # X-AnyLabeling writes its grayscale masks as 3 equal channels, with a mapping of
    # {"type": "grayscale", "colors": {label: value}}.
    gray = np.where(_two_regions() == 1, 255, np.where(_two_regions() == 2, 128, 0)).astype(np.uint8)
    src, target = _layout(tmp_path, {"cat_dog": np.dstack([gray] * 3)},
                          {"type": "grayscale", "colors": {"pet": 255, "toy": 128}}, "mask_grayscale_map.json")
    s = import_dataset("mask", src, target)
    assert s.ok, s.lines()
    shapes = read_label_file(target / "cat_dog.json").shapes
    assert sorted(x.label for x in shapes) == ["pet", "toy"]


def test_x_anylabeling_colour_masks_map_rgb_colours_to_labels(tmp_path):
    rgb = np.zeros((48, 64, 3), np.uint8)
    rgb[5:15, 5:25] = (85, 0, 255)    # RGB of "cat"
    rgb[30:40, 30:50] = (213, 42, 54)  # RGB of "dog"
    rgb[0:2, 60:64] = (1, 2, 3)        # a colour the mapping does not name: not a class
    src, target = _layout(tmp_path, {"cat_dog": rgb[..., ::-1]},  # OpenCV writes BGR
                          {"type": "rgb", "colors": {"cat": [85, 0, 255], "dog": [213, 42, 54]}},
                          "mask_color_map.json")
    s = import_dataset("mask", src, target)
    assert s.ok, s.lines()
    shapes = {x.label: x for x in read_label_file(target / "cat_dog.json").shapes}
    assert sorted(shapes) == ["cat", "dog"]
    assert shapes["cat"].points.min(axis=0).tolist() == [5, 5] and shapes["dog"].points.max(axis=0).tolist() == [50, 40]


def test_a_colour_png_without_colours_in_the_mapping_says_what_is_needed(tmp_path):
    rgb = np.zeros((48, 64, 3), np.uint8)
    rgb[5:15, 5:25] = (85, 0, 255)
    src, target = _layout(tmp_path, {"a": rgb}, {"cat": 1})
    s = import_dataset("mask", src, target)
    (problem,) = [p for _, p in s.failures]
    assert "needs a mapping of colours" in problem
