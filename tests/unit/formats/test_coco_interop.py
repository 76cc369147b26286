"""COCO files from other tools and from careless hands: file names without their
extension, declared sizes, lone surrogates, shape attributes and keypoints without a
pose config."""
from __future__ import annotations

import json

import numpy as np
import pytest

from anylabel.core.label_file import read_label_file
from anylabel.core.shape import Shape
from anylabel.formats.base import ExportOptions
from anylabel.formats.driver import export_dataset
from anylabel.formats.import_driver import import_dataset

from formats_helpers import make_dataset, make_image, rect


def _coco(tmp_path, images, annotations, categories=None, raw: str | None = None):
    path = tmp_path / "instances.json"
    data = {"images": images, "annotations": annotations,
            "categories": categories or [{"id": 1, "name": "cat"}]}
    path.write_text(raw if raw is not None else json.dumps(data), encoding="utf-8")
    return path


def _box(ann_id=1, image_id=1, **kw):
    return {"id": ann_id, "image_id": image_id, "category_id": 1, "bbox": [2, 3, 10, 8], **kw}


def test_a_file_name_without_its_extension_is_matched_by_stem_and_said(tmp_path):
    target = tmp_path / "imgs"
    make_image(target / "cat_dog.jpg")
    make_image(target / "other.png")
    src = _coco(tmp_path, [{"id": 1, "file_name": "cat_dog", "width": 64, "height": 48}], [_box()])
    s = import_dataset("coco", src, target)
    assert s.ok, s.lines()
    assert len(read_label_file(target / "cat_dog.json").shapes) == 1
    assert any("matched by file stem" in n and "'cat_dog' -> 'cat_dog.jpg'" in n for n in s.notes), s.notes


def test_a_stem_shared_by_two_images_is_not_guessed(tmp_path):
    target = tmp_path / "imgs"
    make_image(target / "a.jpg")
    make_image(target / "a.png")
    src = _coco(tmp_path, [{"id": 1, "file_name": "a", "width": 64, "height": 48}], [_box()])
    s = import_dataset("coco", src, target)
    assert not s.ok and "not found" in s.failures[0][1]


@pytest.mark.parametrize("width, height, expected", [
    ("1e400", "48", "not finite"),
    ("100000", "100000", "exceeds 400 megapixels"),
    ("-5", "48", "positive whole number"),
])
def test_declared_image_sizes_are_checked_and_the_other_images_imported(tmp_path, width, height, expected):
    target = tmp_path / "imgs"
    make_image(target / "bad.png")
    make_image(target / "good.png")
    raw = ('{"images": [{"id": 1, "file_name": "bad.png", "width": %s, "height": %s},'
           ' {"id": 2, "file_name": "good.png", "width": 64, "height": 48}],'
           ' "annotations": [%s, %s], "categories": [{"id": 1, "name": "cat"}]}'
           % (width, height, json.dumps(_box(1, 1)), json.dumps(_box(2, 2))))
    s = import_dataset("coco", _coco(tmp_path, [], [], raw=raw), target)
    assert not s.ok and (target / "good.json").is_file() and not (target / "bad.json").exists()
    (problem,) = [p for _, p in s.failures]
    assert "bad.png" in problem and expected in problem


def test_an_rle_size_is_bounded_and_must_be_the_image_size(tmp_path):
    target = tmp_path / "imgs"
    for n in ("huge.png", "other.png", "good.png"):
        make_image(target / n)
    images = [{"id": i, "file_name": n, "width": 64, "height": 48}
              for i, n in enumerate(("huge.png", "other.png", "good.png"), 1)]
    anns = [
        {"id": 1, "image_id": 1, "category_id": 1, "iscrowd": 1, "bbox": [0, 0, 1, 1],
         "segmentation": {"size": [100000, 100000], "counts": [0, 5]}},
        {"id": 2, "image_id": 2, "category_id": 1, "iscrowd": 1, "bbox": [0, 0, 1, 1],
         "segmentation": {"size": [40, 30], "counts": [0, 5]}},
        {"id": 3, "image_id": 3, "category_id": 1, "iscrowd": 1, "bbox": [0, 0, 1, 1],
         "segmentation": {"size": [48, 64], "counts": [48 * 10 + 5, 20, 48 * 64 - 48 * 10 - 25]}},
    ]
    s = import_dataset("coco", _coco(tmp_path, images, anns), target)
    problems = " | ".join(p for _, p in s.failures)
    assert "RLE size 100000 x 100000 exceeds 400 megapixels" in problems
    assert "RLE size 30 x 40 is not the image's size 64 x 48" in problems
    (shape,) = read_label_file(target / "good.json").shapes
    assert shape.points[:, 0].min() == 10 and shape.points[:, 1].min() == 5


def test_a_lone_surrogate_in_a_category_is_named_as_such(tmp_path):
    target = tmp_path / "imgs"
    make_image(target / "a.png")
    raw = ('{"images": [{"id": 1, "file_name": "a.png", "width": 64, "height": 48}],'
           ' "annotations": [%s], "categories": [{"id": 1, "name": "ca\\ud800t"}]}' % json.dumps(_box()))
    s = import_dataset("coco", _coco(tmp_path, [], [], raw=raw), target)
    (problem,) = [p for _, p in s.failures]
    assert "category 1" in problem and "lone UTF-16 surrogate" in problem and "file name" not in problem


def test_shape_attributes_go_to_the_annotation_and_come_back(tmp_path):
    shapes = [rect(2, 2, 20, 12, label="cat", attributes={"colour": "black", "age": 3, "tags": ["a", "b"]}),
              rect(30, 2, 40, 12, label="cat", difficult=True)]
    src = make_dataset(tmp_path / "src", {"a.png": shapes})
    s = export_dataset("coco", src, tmp_path / "out", options=ExportOptions())
    assert s.ok, s.lines()
    data = json.loads((tmp_path / "out" / "annotations.json").read_text(encoding="utf-8"))
    first, second = data["annotations"]
    assert first["attributes"] == {"colour": "black", "age": 3, "tags": ["a", "b"], "difficult": False,
                                   "shape_type": "rectangle"}
    assert second["attributes"] == {"difficult": True, "shape_type": "rectangle"}
    target = tmp_path / "t"
    make_image(target / "a.png")
    s = import_dataset("coco", tmp_path / "out" / "annotations.json", target)
    assert s.ok, s.lines()
    got = read_label_file(target / "a.json").shapes
    assert got[0].attributes == {"colour": "black", "age": 3, "tags": ["a", "b"]}
    assert got[1].attributes == {} and got[1].difficult


def test_keypoints_without_a_pose_config_take_their_names_from_the_points(tmp_path):
    def person(x, gid, names):
        return [rect(x, 5, x + 10, 40, label="person", group_id=gid)] + [
            Shape("point", np.array([[x + 2 + i, 10 + i]], float), label=n, group_id=gid) for i, n in enumerate(names)]

    src = make_dataset(tmp_path / "src", {"a.png": person(2, 1, ["nose", "left_eye"]),
                                          "b.png": person(20, 4, ["left_eye", "right_eye"])
                                          + [rect(40, 5, 50, 20, label="car")]})
    s = export_dataset("coco", src, tmp_path / "out", options=ExportOptions(workers=1))
    assert s.ok and not s.skipped, s.lines()
    assert any("keypoint names taken from the labels" in n and "person: nose, left_eye, right_eye" in n
               for n in s.notes), s.notes
    data = json.loads((tmp_path / "out" / "annotations.json").read_text(encoding="utf-8"))
    cats = {c["name"]: c for c in data["categories"]}
    assert cats["person"]["keypoints"] == ["nose", "left_eye", "right_eye"] and "keypoints" not in cats["car"]
    a, b, car = data["annotations"]
    assert a["keypoints"] == [4, 10, 2, 5, 11, 2, 0, 0, 0] and a["num_keypoints"] == 2
    assert b["keypoints"] == [0, 0, 0, 22, 10, 2, 23, 11, 2] and b["num_keypoints"] == 2
    assert "keypoints" not in car
    assert "None" not in (tmp_path / "out" / "annotations.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("where, value", [
    (("images", 0, "id"), [1]), (("categories", 0, "id"), {"a": 1}), (("annotations", 0, "image_id"), [1, 2]),
    (("annotations", 0, "category_id"), []), (("categories", 0, "keypoints"), 5), (("categories", 0, "keypoints"), {"a": 1}),
])
def test_wrongly_typed_ids_and_keypoint_names_are_named_not_a_traceback(tmp_path, where, value):
    target = tmp_path / "imgs"
    make_image(target / "a.png")
    make_image(target / "b.png")
    data = {"images": [{"id": 1, "file_name": "a.png", "width": 64, "height": 48},
                       {"id": 2, "file_name": "b.png", "width": 64, "height": 48}],
            "categories": [{"id": 1, "name": "cat"}], "annotations": [_box(1, 1), _box(2, 2)]}
    (top, i, key) = where
    data[top][i][key] = value
    s = import_dataset("coco", _coco(tmp_path, [], [], raw=json.dumps(data)), target)
    assert not s.ok and s.failures, s.lines()


def test_categories_that_are_not_a_list_are_a_clear_error(tmp_path):
    make_image(tmp_path / "imgs" / "a.png")
    raw = json.dumps({"images": [], "annotations": [], "categories": 5})
    s = import_dataset("coco", _coco(tmp_path, [], [], raw=raw), tmp_path / "imgs")
    assert s.failures and "'categories' must be a list" in s.failures[0][1]
