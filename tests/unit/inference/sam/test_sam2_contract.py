"""SAM 2 on images with the SAM 2 contract pair (``scripts/sam2_contract_graphs.py``):
the pair's own behaviour checked with bare onnxruntime, then the runner (stretched frame,
three encoder tensors fed by name, no padding point added, best of three candidates),
"segment everything", the X-AnyLabeling keys and the CLI."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort
import pytest
import yaml

from anylabel.core.geometry import shape_to_mask
from anylabel.core.shape import POLYGON, rectangle
from anylabel.inference.config import ConfigError, config_from_dict
from anylabel.inference.registry import create_model
from anylabel.inference.sam import Prompt
from anylabel.inference.sam.auto_masks import box_nms, clean_small_regions, point_grid
from anylabel.inference.sam.session import PromptSession

FIXTURES = Path(__file__).resolve().parents[4] / "models" / "fixtures"
SIZES = [(640, 480), (1200, 300), (300, 1100), (97, 61)]


@pytest.fixture(scope="module")
def sam2_paths():
    enc, dec = FIXTURES / "sam2_contract_encoder.onnx", FIXTURES / "sam2_contract_decoder.onnx"
    assert enc.is_file() and dec.is_file(), "run scripts/build_sam_contract_models.py"
    return enc, dec


def sam2_config(paths, **extra):
    enc, dec = paths
    return config_from_dict({"type": "segment_anything_2", "name": "sam2-contract", "encoder_model_path": str(enc),
                             "decoder_model_path": str(dec), **extra})


@pytest.fixture(scope="module")
def sam2_model(sam2_paths):
    model = create_model(sam2_config(sam2_paths, amg_points_per_side=6, amg_min_area=50), device="cpu")
    yield model
    model.close()


def _union(shapes, h, w):
    m = np.zeros((h, w), bool)
    for s in shapes:
        m |= shape_to_mask(s, h, w)
    return m


# -- the contract pair on its own -----------------------------------------------------------
def test_contract_pair_behaviour_with_bare_onnxruntime(sam2_paths):
    enc = ort.InferenceSession(str(sam2_paths[0]), providers=["CPUExecutionProvider"])
    dec = ort.InferenceSession(str(sam2_paths[1]), providers=["CPUExecutionProvider"])
    image = np.zeros((1, 3, 1024, 1024), np.float32)
    image[:, 0, 100:300, 200:600] = 2.0      # a red block: grid cells rows 25-74, cols 50-149
    image[:, 2, 600:900, 100:400] = 2.0      # a blue block: rows 150-224, cols 25-99
    f0, f1, emb = enc.run(["high_res_feats_0", "high_res_feats_1", "image_embed"], {"image": image})
    assert f0.shape == (1, 32, 256, 256) and f1.shape == (1, 64, 128, 128) and emb.shape == (1, 256, 64, 64)
    red = np.zeros((256, 256), bool)
    red[25:75, 50:150] = True
    blue = np.zeros((256, 256), bool)
    blue[150:225, 25:100] = True
    # Row 0: a click on red and a negative click on blue; row 1: a box over the left half of
    # red (clipped) with a padding row; row 2: nothing but the previous mask (blue).
    coords = np.array([[[400, 200], [250, 700]], [[200, 100], [400, 300]], [[0, 0], [0, 0]]], np.float32)
    labels = np.array([[1, 0], [2, 3], [-1, -1]], np.float32)
    prev = np.full((3, 1, 256, 256), -8, np.float32)
    prev[2, 0][blue] = 8
    masks, iou = dec.run(None, {"image_embed": emb, "high_res_feats_0": f0, "high_res_feats_1": f1,
                                "point_coords": coords, "point_labels": labels, "mask_input": prev,
                                "has_mask_input": np.array([0, 0, 1], np.float32)})
    assert masks.shape == (3, 3, 256, 256) and iou.shape == (3, 3)
    assert np.array_equal(masks[0, 1] > 0, red)
    left = red.copy()
    left[:, 101:] = False  # the box ends at x = 400 / 4 = cell 100
    left[:25] = left[76:] = False
    assert np.array_equal(masks[1, 1] > 0, left)
    assert np.array_equal(masks[2, 1] > 0, blue)
    assert not (masks[:, 0] > 0).any()                      # candidate 0: empty
    assert (masks[0, 2] > 0).all()                          # candidate 2: the whole image ...
    assert (masks[1, 2] > 0).sum() == 51 * 51               # ... or the whole box
    np.testing.assert_allclose(iou, [[0.2, 1.0, 0.3]] * 3)


# -- the runner -----------------------------------------------------------------------------
def test_runner_reads_the_sam2_layout(sam2_model):
    s = sam2_model.spec
    assert s.encoder_input == "image" and s.input_size == 1024 and s.stretch and not s.pad_point
    assert {e for e, _ in s.embeddings} == {"image_embed", "high_res_feats_0", "high_res_feats_1"}
    assert s.mask_input == "mask_input" and s.has_mask_input == "has_mask_input" and s.orig_size_input is None
    emb = sam2_model.embed(np.zeros((50, 80, 3), np.uint8))
    feeds = sam2_model.decoder.feeds(emb, Prompt([(10, 10)], [1]), None)
    assert feeds["point_labels"].tolist() == [[1.0]]        # no padding point: the graph adds it
    np.testing.assert_allclose(feeds["point_coords"], [[[10 * 1024 / 80, 10 * 1024 / 50]]], rtol=1e-6)  # stretched


@pytest.mark.parametrize("w,h", SIZES)
def test_clicks_and_boxes_give_the_objects(sam2_model, scene_factory, iou_fn, w, h):
    scene = scene_factory(w, h)
    emb = sam2_model.embed(scene.image)
    for obj, (x, y) in zip(scene.objects, scene.inside):
        session = PromptSession(sam2_model, emb)
        pred = session.add_point(x, y)
        assert pred.mask.shape == (h, w) and pred.score == pytest.approx(1.0)  # the best of three
        assert iou_fn(pred.mask, obj) > 0.9, (w, h)
        shapes = session.finish("thing")
        assert shapes and all(s.shape_type == POLYGON for s in shapes)
        assert iou_fn(_union(shapes, h, w), obj) > 0.85, (w, h)
        ys, xs = np.nonzero(obj)
        box = (xs.min() - 2, ys.min() - 2, xs.max() + 3, ys.max() + 3)
        assert iou_fn(sam2_model.segment(emb, Prompt(box=box)).mask, obj) > 0.9


def test_negative_click_and_mask_feedback(sam2_model, scene_factory, iou_fn):
    scene = scene_factory(640, 480)
    session = PromptSession(sam2_model, sam2_model.embed(scene.image))
    session.add_point(*scene.inside[0])
    both = session.add_point(*scene.inside[1])
    assert iou_fn(both.mask, scene.objects[0] | scene.objects[1]) > 0.9
    one = session.add_point(*scene.inside[1], positive=False)
    assert iou_fn(one.mask, scene.objects[0]) > 0.9


def test_epsilon_simplifies_relative_to_the_outline(sam2_paths, scene_factory):
    scene = scene_factory(800, 600)
    counts = []
    for eps in (0.0005, 0.02):
        model = create_model(sam2_config(sam2_paths, epsilon=eps), device="cpu")
        try:
            pred = model.segment(model.embed(scene.image), Prompt([scene.inside[0]], [1]))  # the disc
            counts.append(len(model.to_shapes(pred)[0].points))
        finally:
            model.close()
    assert counts[0] > 2 * counts[1] >= 6


@pytest.mark.parametrize("key,value", [("epsilon", 3), ("amg_points_per_side", 0), ("amg_min_area", "big"),
                                       ("padding_ratio", -1)])
def test_bad_sam2_keys_are_config_errors(sam2_paths, key, value):
    with pytest.raises(ConfigError, match=key):
        create_model(sam2_config(sam2_paths, **{key: value}), device="cpu")


def test_box_on_a_crop_around_it(sam2_paths, scene_factory, iou_fn):
    scene = scene_factory(1600, 1200)
    model = create_model(sam2_config(sam2_paths, crop_boxes=True, padding_ratio=0.3), device="cpu")
    try:
        boxes = []
        for k, obj in enumerate(scene.objects):
            ys, xs = np.nonzero(obj)
            boxes.append(rectangle(xs.min() - 4, ys.min() - 4, xs.max() + 5, ys.max() + 5, label=f"o{k}"))
        shapes = model.predict_with_annotation(scene.image, boxes).shapes
    finally:
        model.close()
    for k, obj in enumerate(scene.objects):
        mine = [s for s in shapes if s.label == f"o{k}"]
        assert mine and all(s.shape_type == POLYGON for s in mine)
        assert iou_fn(_union(mine, 1200, 1600), obj) > 0.85


# -- segment everything -----------------------------------------------------------------------
def test_segment_everything_finds_each_object_once(sam2_model, scene_factory, iou_fn):
    scene = scene_factory(640, 480, seed=3)
    img = scene.image.copy()
    img[5:12, 600:607] = (250, 250, 250)     # a 49-pixel speck, under amg_min_area (50)
    shapes = sam2_model.segment_everything(sam2_model.embed(img))
    by_group: dict[int, list] = {}
    for s in shapes:
        by_group.setdefault(s.group_id, []).append(s)
    masks = [_union(g, 480, 640) for g in by_group.values()]
    for obj in scene.objects:
        matches = [m for m in masks if iou_fn(m, obj) > 0.8]
        assert len(matches) == 1  # found, and not twice
    assert not any(m[5:12, 600:607].all() and m.sum() < 100 for m in masks)  # the speck is dropped
    assert all(s.label == "object" for s in shapes)


def test_grid_nms_and_cleaning_helpers():
    g = point_grid(2, 100, 50)
    assert g.tolist() == [[25, 12.5], [75, 12.5], [25, 37.5], [75, 37.5]]
    boxes = np.array([[0, 0, 10, 10], [1, 1, 10, 10], [20, 20, 30, 30]], float)
    assert box_nms(boxes, np.array([0.5, 0.9, 0.1]), 0.7) == [1, 2]
    m = np.zeros((40, 40), bool)
    m[5:35, 5:35] = True
    m[10:12, 10:12] = False        # a 4-pixel hole
    m[0:2, 38:40] = True           # a 4-pixel speck
    out = clean_small_regions(m, 5)
    assert out[10:12, 10:12].all() and not out[0:2, 38:40].any() and out.sum() == 900


def test_cli_predict_segments_everything_and_boxes(tmp_path, sam2_paths, scene_factory, iou_fn):
    from anylabel.cli.main import main
    from anylabel.core.label_file import new_annotation_for, read_label_file, write_label_file

    enc, dec = sam2_paths
    cfg = tmp_path / "sam2.yaml"
    cfg.write_text(yaml.safe_dump({"type": "segment_anything_2", "name": "sam2-contract", "encoder_model_path": str(enc),
                                   "decoder_model_path": str(dec), "epsilon": 0.001, "amg_points_per_side": 6,
                                   "amg_min_area": 100}))
    data = tmp_path / "data"
    data.mkdir()
    scenes = [scene_factory(480, 360, seed=i) for i in range(2)]
    for i, sc in enumerate(scenes):
        cv2.imwrite(str(data / f"im{i}.png"), sc.image[:, :, ::-1])
    ys, xs = np.nonzero(scenes[1].objects[2])
    write_label_file(data / "im1.json", new_annotation_for(
        data / "im1.png", [rectangle(xs.min() - 3, ys.min() - 3, xs.max() + 4, ys.max() + 4, label="tri")], (480, 360)))
    assert main(["predict", "--model", str(cfg), "--input", str(data), "--quiet"]) == 0
    everything = read_label_file(data / "im0.json").shapes
    assert everything and all(s.shape_type == POLYGON for s in everything)
    for obj in scenes[0].objects:
        assert max(iou_fn(shape_to_mask(s, 360, 480), obj) for s in everything) > 0.85
    # Without --replace the user's rectangle stays beside the object's polygon.
    tri = [s for s in read_label_file(data / "im1.json").shapes if s.label == "tri" and s.shape_type == POLYGON]
    assert tri
    assert iou_fn(_union(tri, 360, 480), scenes[1].objects[2]) > 0.85


def test_yolov8_sam2_one_file_form(tmp_path, sam2_paths):
    from anylabel.inference.config import load_config

    enc, dec = sam2_paths
    (tmp_path / "y8s2.yaml").write_text(
        f"type: yolov8_sam2\nname: y8s2\nencoder_model_path: {enc}\ndecoder_model_path: {dec}\n"
        f"model_path: {FIXTURES / 'shapes_det.onnx'}\nconf_threshold: 0.25\niou_threshold: 0.45\n"
        "classes: [circle, rectangle, triangle]\nepsilon: 0.002\n")
    model = create_model(load_config(tmp_path / "y8s2.yaml"), device="cpu")
    try:
        assert model.detector.config.type == "yolov8" and model.sam.config.type == "segment_anything_2"
        assert model.sam.epsilon == 0.002
    finally:
        model.close()
