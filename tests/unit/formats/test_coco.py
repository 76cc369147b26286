"""COCO: tables, multi-polygon instances, keypoints, and pycocotools as the judge."""

import contextlib
import io
import json

import numpy as np
import pytest
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from anylabel.core.geometry import polygon_area
from anylabel.core.shape import Shape
from anylabel.formats import coco, coco_import
from anylabel.formats.driver import export_dataset
from anylabel.formats.base import ExportOptions

from formats_helpers import make_dataset, poly, rect

CI = {"cat": 0, "dog": 1, "person": 2}


def test_rectangle_annotation_fields():
    anns, skips = coco.dump_image([rect(10, 20, 40, 60)], (100, 100), CI, image_id=3, first_ann_id=9)
    (a,) = anns
    assert not skips
    assert a["id"] == 9 and a["image_id"] == 3 and a["category_id"] == 1 and a["iscrowd"] == 0
    assert a["bbox"] == [10, 20, 30, 40] and a["area"] == 1200
    assert a["segmentation"] == [[10, 20, 40, 20, 40, 60, 10, 60]]


def test_shapes_sharing_label_and_group_id_form_one_multipolygon_instance():
    shapes = [
        poly([[0, 0], [10, 0], [10, 10]], label="dog", group_id=5),
        poly([[20, 20], [30, 20], [30, 30]], label="dog", group_id=5),
        poly([[50, 50], [60, 50], [60, 60]], label="cat", group_id=5),
    ]
    anns, _ = coco.dump_image(shapes, (100, 100), CI, 1, 1)
    assert len(anns) == 2
    dog = anns[0]
    assert len(dog["segmentation"]) == 2 and dog["bbox"] == [0, 0, 30, 30]
    # The area of the union, as pycocotools computes it for the instance's mask.
    assert dog["area"] == float(mask_utils.area(mask_utils.merge(mask_utils.frPyObjects(dog["segmentation"], 100, 100))))


def test_polygon_area_is_what_pycocotools_computes():
    """COCOeval's small/medium/large split reads ``area``: it must be pycocotools' pixel count
    of the polygon, not its geometric area (0.4-6.4 % apart on ordinary polygons)."""
    rng = np.random.default_rng(7)
    w, h = 320, 240
    shapes = []
    for k in range(300):
        n = int(rng.integers(3, 10))
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.5, 90)
        ang = np.sort(rng.uniform(0, 2 * np.pi, n))
        pts = np.stack([cx + r * np.cos(ang), cy + r * np.sin(ang)], 1)
        if k % 4 == 0:
            pts = np.round(pts)  # integer vertices, as many tools write them
        shapes.append(poly(np.clip(pts, 0, [w, h]).tolist(), label="cat"))
    shapes += [rect(3.3, 4.7, 80.2, 51.9, label="dog"), rect(10, 10, 40, 30, label="dog")]
    anns, _ = coco.dump_image(shapes, (w, h), CI, 1, 1)
    assert len(anns) > 250
    for a in anns:
        expected = float(mask_utils.area(mask_utils.frPyObjects(a["segmentation"], h, w))[0])
        assert a["area"] == expected, a["segmentation"]


def test_points_without_pose_config_are_reported():
    anns, skips = coco.dump_image([Shape("point", [[1, 1]], label="nose", group_id=1)], (10, 10), CI, 1, 1)
    assert anns == [] and [s.reason for s in skips] == [coco.NO_POSE_CONFIG]


def test_keypoints_in_config_order_with_missing_as_zero():
    pose = {"person": ["nose", "eye", "ear"]}
    shapes = [
        rect(10, 10, 50, 50, label="person", group_id=2),
        Shape("point", [[30, 40]], label="ear", group_id=2, difficult=True),
        Shape("point", [[20, 20]], label="nose", group_id=2),
    ]
    anns, skips = coco.dump_image(shapes, (100, 100), CI, 1, 1, pose)
    assert anns[0]["keypoints"] == [20, 20, 2, 0, 0, 0, 30, 40, 1] and anns[0]["num_keypoints"] == 2
    back = coco_import.parse_annotation(anns[0], "person", pose["person"], 99)
    assert [s.shape_type for s in back] == ["rectangle", "point", "point"]
    assert [s.label for s in back[1:]] == ["nose", "ear"] and back[2].difficult
    assert {s.group_id for s in back} == {2}


@pytest.mark.parametrize(
    "shape",
    [
        rect(10, 20, 40, 60, difficult=True),
        Shape("rotation", [[10, 10], [30, 14], [27, 24], [7, 20]], label="cat"),
        Shape("circle", [[50, 50], [60, 50]], label="dog"),
        poly([[10, 10], [40, 12], [30, 45], [12, 30]], label="dog", group_id=3),
    ],
)
def test_round_trip_restores_shape_type_and_flags(shape):
    anns, _ = coco.dump_image([shape], (100, 100), CI, 1, 1)
    (back,) = coco_import.parse_annotation(anns[0], shape.label, None, 50)
    assert back.shape_type == shape.shape_type and back.difficult == shape.difficult
    assert back.group_id == shape.group_id
    assert np.allclose(back.points, shape.points, atol=1e-3)


def test_parse_rejects_nan_and_odd_polygons():
    with pytest.raises(coco.FormatError, match="NaN"):
        coco_import.parse_annotation(
            {"id": 1, "bbox": [0, 0, 1, 1], "segmentation": [[0, 0, float("nan"), 1, 2, 2]]}, "a", None, 1
        )
    with pytest.raises(coco.FormatError, match="even number"):
        coco_import.parse_annotation(
            {"id": 1, "bbox": [0, 0, 1, 1], "segmentation": [[0, 0, 1, 1, 2]]}, "a", None, 1
        )


def _quiet(fn, *a):
    with contextlib.redirect_stdout(io.StringIO()):
        return fn(*a)


def test_pycocotools_reads_the_export_and_scores_it_perfectly_against_itself(tmp_path):
    rng = np.random.default_rng(0)
    per_image = {}
    for i in range(6):
        shapes = []
        for k in range(4):
            x, y = rng.uniform(5, 60, 2)
            w, h = rng.uniform(8, 30, 2)
            label = ["cat", "dog", "person"][k % 3]
            if k % 2:
                shapes.append(rect(x, y, x + w, y + h, label=label))
            else:
                shapes.append(poly([[x, y], [x + w, y + 2], [x + w / 2, y + h]], label=label))
        shapes.append(Shape("circle", [[70, 70], [78, 70]], label="dog"))
        per_image[f"im {i}.png"] = shapes
    src = make_dataset(tmp_path / "src", per_image, size=(100, 90))
    s = export_dataset("coco", src, tmp_path / "out", options=ExportOptions())
    assert s.ok, s.lines()
    path = str(tmp_path / "out" / "annotations.json")
    gt = _quiet(COCO, path)
    assert len(gt.getImgIds()) == 6 and len(gt.getAnnIds()) == 30
    for ann in gt.loadAnns(gt.getAnnIds()):
        img = gt.loadImgs(ann["image_id"])[0]
        m = gt.annToMask(ann)
        assert m.shape == (img["height"], img["width"])
        assert int(m.sum()) == ann["area"]  # the area is pycocotools' own pixel count
    dets = [
        {
            "image_id": a["image_id"],
            "category_id": a["category_id"],
            "bbox": a["bbox"],
            "segmentation": a["segmentation"],
            "score": 1.0,
        }
        for a in json.load(open(path))["annotations"]
    ]
    for iou_type in ("bbox", "segm"):
        dt = _quiet(gt.loadRes, dets)
        ev = COCOeval(gt, dt, iou_type)
        _quiet(ev.evaluate)
        _quiet(ev.accumulate)
        _quiet(ev.summarize)
        assert ev.stats[0] == pytest.approx(1.0), iou_type


def test_pycocotools_keypoint_eval_of_gt_against_itself(tmp_path):
    pose = {"person": ["nose", "eye"]}
    per_image = {
        "a.png": [
            rect(10, 10, 50, 60, label="person", group_id=1),
            Shape("point", [[20, 20]], label="nose", group_id=1),
            Shape("point", [[30, 25]], label="eye", group_id=1),
            rect(60, 10, 90, 70, label="person", group_id=2),
            Shape("point", [[70, 30]], label="eye", group_id=2),
        ]
    }
    src = make_dataset(tmp_path / "src", per_image, size=(100, 90))
    s = export_dataset("coco", src, tmp_path / "out", options=ExportOptions(pose_config=pose))
    assert s.ok and not s.skipped, s.lines()
    path = str(tmp_path / "out" / "annotations.json")
    gt = _quiet(COCO, path)
    assert gt.loadCats(1)[0]["keypoints"] == ["nose", "eye"]
    dets = [
        {
            "image_id": a["image_id"],
            "category_id": a["category_id"],
            "keypoints": a["keypoints"],
            "score": 1.0,
        }
        for a in json.load(open(path))["annotations"]
    ]
    dt = _quiet(gt.loadRes, dets)
    ev = COCOeval(gt, dt, "keypoints")
    ev.params.kpt_oks_sigmas = np.array([0.05, 0.05])
    _quiet(ev.evaluate)
    _quiet(ev.accumulate)
    _quiet(ev.summarize)
    assert ev.stats[0] == pytest.approx(1.0)


def test_rle_segmentations_from_pycocotools_are_read_as_polygons():
    from pycocotools import mask as mask_utils

    m = np.zeros((40, 60), dtype=np.uint8, order="F")
    m[5:20, 10:30] = 1
    m[25:35, 40:55] = 1
    compressed = mask_utils.encode(np.asfortranarray(m))
    compressed["counts"] = compressed["counts"].decode("ascii")
    assert np.array_equal(coco_import.rle_decode(compressed), m.astype(bool))
    uncompressed = {"size": [40, 60], "counts": [5 * 40 + 5, 15, 25, 15]}
    assert coco_import.rle_decode(uncompressed).sum() == 30 and coco_import.rle_decode(uncompressed)[5:20, 5].all()
    ann = {"id": 3, "bbox": [10, 5, 45, 30], "segmentation": compressed, "iscrowd": 1}
    shapes = coco_import.parse_annotation(ann, "crowd", None, 9)
    assert [s.shape_type for s in shapes] == ["polygon", "polygon"] and {s.group_id for s in shapes} == {9}
    assert sorted(round(polygon_area(s.points)) for s in shapes) == [150, 300]


def test_broken_rle_is_reported():
    with pytest.raises(coco.FormatError, match="does not fit"):
        coco_import.rle_decode({"size": [2, 2], "counts": [1, 9]})
    with pytest.raises(coco.FormatError, match="unreadable RLE"):
        coco_import.rle_decode({"size": [2, 2]})


def test_fast_encoder_writes_the_same_values_and_falls_back_for_huge_integers(tmp_path):
    rng = np.random.default_rng(3)
    d = {
        "segmentation": [rng.uniform(-1e6, 1e6, 12).tolist() + [1e16, 1e-7, 0.1]],
        "area": 12.5,
        "attributes": {"difficult": True, "description": 'é "猫"\n\\', "group_id": 7},
    }
    assert json.loads("{" + coco._body(d) + "}") == d
    huge = dict(d, attributes={"group_id": 10**20})
    assert json.loads("{" + coco._body(huge) + "}") == huge
    src = make_dataset(tmp_path / "src", {"a.png": [poly([[1, 1], [9, 1], [5, 8]], label="cat", group_id=10**20)]})
    s = export_dataset("coco", src, tmp_path / "out", options=ExportOptions())
    assert s.ok, s.lines()
    (ann,) = json.loads((tmp_path / "out" / "annotations.json").read_text("utf-8"))["annotations"]
    assert ann["attributes"]["group_id"] == 10**20


def test_instances_whose_area_overflows_are_skipped_not_written_as_null():
    huge = rect(0, 0, 1e300, 1e300, label="cat")
    anns, skips = coco.dump_image([huge, rect(1, 1, 5, 5, label="dog")], (1e300, 1e300), CI, 1, 1)
    assert [a["category_id"] for a in anns] == [2] and [s.reason for s in skips] == [coco.NOT_FINITE]
