"""DETR family (anylabel/inference/models/detr.py) on contract fixtures built at test time by
scripts/build_detr_family_fixtures.py: graphs with each export's tensors whose outputs are
computed from the image (one pure-colour square per class is found with ONNX ops).

Each layout is checked twice: the raw outputs are decoded here, from the export's
documented convention, and compared with the squares drawn; then the model type runs the
same fixture end to end (in Python and through ``anylabel predict``) and its shapes are
compared with the squares in image pixels.
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort
import pytest
import yaml

from anylabel.cli.main import main
from anylabel.core.geometry import polygon_to_mask
from anylabel.core.label_file import read_label_file
from anylabel.inference import create_model
from anylabel.inference.config import config_from_dict, load_config
from anylabel.inference.registry import get_model_type

pytest.importorskip("onnx", reason="building the DETR contract fixtures needs the onnx package (requirements-dev.txt)")
import build_detr_family_fixtures as fx  # noqa: E402  (scripts/ is on sys.path, see tests/conftest.py)
from _squares import CLASSES, scene  # noqa: E402

XAL_CONFIGS = Path("/work/xal-configs/anylabeling/configs/auto_labeling")

#: model type -> (fixture file, extra config keys)
TYPES = {
    "rtdetrv2": ("detr_postprocessed.onnx", {}),
    "dfine": ("detr_postprocessed.onnx", {}),
    "deimv2": ("detr_postprocessed.onnx", {}),
    "rio_detr": ("detr_rotated.onnx", {}),
    "rtdetr": ("detr_query_table_paddle.onnx", {}),
    "u_rtdetr": ("detr_query_table_ultralytics.onnx", {}),
    "rfdetr": ("detr_rfdetr.onnx", {"num_select": 300, "input_width": 224, "input_height": 224}),
    "rfdetr_seg": ("detr_rfdetr_seg.onnx", {"num_select": 300}),
    "dfine_seg": ("detr_dfine_seg.onnx", {"iou_threshold": 0.7, "mask_threshold": 0.5}),
}


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("detr_fixtures")
    fx.write_all(out)
    return out


def make_config(mtype: str, fixtures: Path, **extra):
    model, keys = TYPES[mtype]
    data = {"type": mtype, "name": f"{mtype}_fixture", "model_path": str(fixtures / model),
            "conf_threshold": 0.5, "classes": CLASSES, **keys, **extra}
    if mtype.startswith("rfdetr"):  # logit column = class id (1, 3, 5), as RF-DETR's COCO ids
        data["classes"] = {i: c for i, c in zip(fx.RF_IDS, CLASSES)}
    return config_from_dict(data, fixtures / f"{mtype}.yaml")


# -- raw outputs, decoded here from each export's convention --------------------------------

def _stretch(img: np.ndarray, hw: tuple[int, int]) -> np.ndarray:
    r = cv2.resize(img, (hw[1], hw[0]), interpolation=cv2.INTER_LINEAR)
    return r.transpose(2, 0, 1)[None].astype(np.float32) / 255


def _in_frame(truth: dict, sx: float, sy: float, dx: float = 0, dy: float = 0) -> dict:
    return {k: b * [sx, sy, sx, sy] + [dx, dy, dx, dy] for k, b in truth.items()}


def _assert_found(found: dict, truth: dict, tol: float) -> None:
    assert set(found) == set(truth)
    for k in truth:
        np.testing.assert_allclose(found[k], truth[k], atol=tol, err_msg=k)


def test_postprocessed_layout_raw(fixtures: Path) -> None:
    img, truth = scene()
    sess = ort.InferenceSession(str(fixtures / "detr_postprocessed.onnx"))
    labels, boxes, scores = sess.run(["labels", "boxes", "scores"], {
        "images": _stretch(img, (320, 320)), "orig_target_sizes": np.array([[500, 300]], np.int64)})
    assert labels.dtype == np.int64 and boxes.shape == (1, 300, 4) and scores.shape == (1, 300)
    keep = scores[0] > 0.5
    found = {CLASSES[c]: b for c, b in zip(labels[0][keep], boxes[0][keep])}  # already image pixels
    _assert_found(found, truth, 500 / 320 + 1)


def test_rotated_layout_raw(fixtures: Path) -> None:
    img, truth = scene(seed=1)
    r = 256 / 500  # aspect kept, padded right and below
    canvas = np.zeros((256, 256, 3), np.uint8)
    canvas[:int(300 * r), :256] = cv2.resize(img, (256, int(300 * r)))
    sess = ort.InferenceSession(str(fixtures / "detr_rotated.onnx"))
    labels, boxes, scores = sess.run(None, {"images": canvas.transpose(2, 0, 1)[None].astype(np.float32) / 255,
                                            "orig_target_sizes": np.array([[300, 500]], np.int64)})
    keep = scores[0] > 0.5
    assert boxes.shape == (1, 300, 5) and np.all(boxes[0][keep][:, 4] == 0)
    found = {CLASSES[c]: np.r_[b[:2] - b[2:4] / 2, b[:2] + b[2:4] / 2] for c, b in zip(labels[0][keep], boxes[0][keep])}
    _assert_found(found, truth, 1 / r + 1)


@pytest.mark.parametrize("name,logits", [("detr_query_table_paddle.onnx", True),
                                         ("detr_query_table_ultralytics.onnx", False)])
def test_query_table_layout_raw(fixtures: Path, name: str, logits: bool) -> None:
    img, truth = scene(seed=2)
    sess = ort.InferenceSession(str(fixtures / name))
    (rows,) = sess.run(None, {sess.get_inputs()[0].name: _stretch(img, (320, 320))})
    assert rows.shape == (1, 300, 4 + 3)
    cls = rows[0, :, 4:]
    assert (cls.min() < 0) == logits
    prob = 1 / (1 + np.exp(-cls)) if logits else cls
    keep = prob.max(1) > 0.5
    found = {}
    for (cx, cy, w, h), c in zip(rows[0][keep, :4], prob[keep].argmax(1)):
        found[CLASSES[c]] = np.array([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]) * [500, 300, 500, 300]
    _assert_found(found, truth, 500 / 320 + 1)


def test_rfdetr_layout_raw(fixtures: Path) -> None:
    img, truth = scene(seed=3)
    blob = (_stretch(img, (224, 224)) - np.array(fx.IMAGENET_MEAN, np.float32).reshape(1, 3, 1, 1)) \
        / np.array(fx.IMAGENET_STD, np.float32).reshape(1, 3, 1, 1)
    sess = ort.InferenceSession(str(fixtures / "detr_rfdetr_seg.onnx"))
    dets, logits, masks = sess.run(None, {"input": blob.astype(np.float32)})
    assert logits.shape == (1, 200, fx.RF_COLUMNS) and masks.shape == (1, 200, 56, 56)
    q, col = np.nonzero(logits[0] > 0)
    found = {CLASSES[fx.RF_IDS.index(c)]: np.r_[dets[0, i, :2] - dets[0, i, 2:] / 2, dets[0, i, :2] + dets[0, i, 2:] / 2]
             * [500, 300, 500, 300] for i, c in zip(q, col)}
    _assert_found(found, truth, 500 / 224 + 1)
    for i, c in zip(q, col):  # mask logits > 0 cover the square (quarter resolution)
        b = truth[CLASSES[fx.RF_IDS.index(c)]] * np.array([224 / 500 / 4, 224 / 300 / 4] * 2)
        inside = masks[0, i, int(b[1]) + 1:int(b[3]) - 1, int(b[0]) + 1:int(b[2]) - 1]
        assert inside.size and np.all(inside > 0)


def test_dfine_seg_layout_raw_has_duplicates_for_nms(fixtures: Path) -> None:
    img, truth = scene(seed=4)
    sess = ort.InferenceSession(str(fixtures / "detr_dfine_seg.onnx"))
    labels, boxes, scores, masks = sess.run(None, {"input": _stretch(img, (320, 320))})
    keep = scores[0] > 0.5
    assert keep.sum() == 6  # every object twice (0.9 and 0.72)
    best = {CLASSES[c]: b for c, b, s in zip(labels[0][keep], boxes[0][keep], scores[0][keep]) if s > 0.8}
    _assert_found(best, _in_frame(truth, 320 / 500, 320 / 300), 1.01)
    assert masks.shape == (1, 300, 80, 80) and 0 <= masks.min() and masks.max() <= 1


# -- the model types, end to end ------------------------------------------------------------

def _boxes_of(shapes) -> dict:
    out = {}
    for s in shapes:
        p = s.points
        out[s.label] = np.r_[p.min(0), p.max(0)]
    return out


@pytest.mark.parametrize("mtype", sorted(TYPES))
def test_model_type_finds_the_squares(fixtures: Path, mtype: str) -> None:
    model = create_model(make_config(mtype, fixtures), device="cpu")
    for seed, (h, w) in enumerate([(300, 500), (480, 270), (200, 200)]):
        img, truth = scene(h, w, seed=10 + seed)
        shapes = model.predict(img)
        assert len(shapes) == 3, (mtype, [(s.label, s.shape_type) for s in shapes])
        kind = {"rio_detr": "rotation", "rfdetr_seg": "polygon", "dfine_seg": "polygon"}.get(mtype, "rectangle")
        assert {s.shape_type for s in shapes} == {kind}
        assert all(0.5 <= s.score <= 1.0 for s in shapes)  # 0.9, or sigmoid(8) from logits
        in_hw = model.input_hw
        tol = max(w / in_hw[1], h / in_hw[0]) * (4.5 if mtype in ("rfdetr_seg", "dfine_seg") else 1.5) + 1
        _assert_found(_boxes_of(shapes), truth, tol)
        if kind == "polygon":
            for s in shapes:
                drawn = polygon_to_mask(s.points, h, w)
                b = truth[s.label].astype(int)
                square = np.zeros((h, w), bool)
                square[b[1]:b[3], b[0]:b[2]] = True
                assert (drawn & square).sum() / (drawn | square).sum() > 0.8


def test_show_boxes_and_rectangle_output_for_seg(fixtures: Path) -> None:
    img, truth = scene(seed=5)
    model = create_model(make_config("dfine_seg", fixtures, show_boxes=True), device="cpu")
    shapes = model.predict(img)
    assert sorted(s.shape_type for s in shapes) == ["polygon"] * 3 + ["rectangle"] * 3
    assert all(s.group_id is not None for s in shapes)
    model.set_options(output_type="rectangle", show_boxes=False)
    boxes = model.predict(img)
    assert [s.shape_type for s in boxes] == ["rectangle"] * 3
    _assert_found(_boxes_of(boxes), truth, 500 / 320 + 1)


def test_dfine_seg_nms_removes_the_shifted_duplicates(fixtures: Path) -> None:
    img, _ = scene(seed=6)
    model = create_model(make_config("dfine_seg", fixtures, iou_threshold=0.99), device="cpu")
    assert len(model.predict(img)) == 6  # an IoU threshold above their overlap keeps both copies
    model.set_options(iou_threshold=0.7)
    assert len(model.predict(img)) == 3


def test_conf_threshold_and_class_filter(fixtures: Path) -> None:
    img, _ = scene(seed=7)
    model = create_model(make_config("rtdetrv2", fixtures, conf_threshold=0.95), device="cpu")
    assert model.predict(img) == []
    model.set_options(conf_threshold=0.5, filter_classes=["green"])
    assert [s.label for s in model.predict(img)] == ["green"]


def test_rfdetr_num_select_caps_candidates(fixtures: Path) -> None:
    img, _ = scene(seed=8)
    model = create_model(make_config("rfdetr", fixtures, num_select=2), device="cpu")
    assert len(model.predict(img)) == 2


def test_rfdetr_class_ids_with_gaps_keep_their_names(tmp_path: Path) -> None:
    cfg = config_from_dict({"type": "rfdetr", "name": "x", "classes": {1: "person", 3: "car"}}, tmp_path / "a.yaml")
    assert cfg.classes == ["0", "person", "2", "car"]
    with pytest.raises(Exception, match="indices must be"):
        config_from_dict({"type": "rfdetr", "name": "x", "classes": {10 ** 9: "a"}}, tmp_path / "a.yaml")


def test_dynamic_input_uses_config_size(fixtures: Path) -> None:
    model = create_model(make_config("rfdetr", fixtures), device="cpu")
    assert model.input_hw == (224, 224)  # the export's axes are symbolic: from input_width/height


def test_real_photo(fixtures: Path, darknet_photo: Path) -> None:
    photo = cv2.imread(str(darknet_photo))[:, :, ::-1]
    img, truth = scene(seed=9, base=photo)
    for mtype in ("dfine", "rtdetrv2", "rio_detr", "rfdetr"):
        model = create_model(make_config(mtype, fixtures), device="cpu")
        shapes = model.predict(img)
        tol = max(img.shape[1] / model.input_hw[1], img.shape[0] / model.input_hw[0]) * 1.5 + 1
        _assert_found(_boxes_of(shapes), truth, tol)


def test_anylabel_predict_on_synthetic_and_real_images(fixtures: Path, darknet_photo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "images"
    folder.mkdir()
    truths = {}
    photo = cv2.imread(str(darknet_photo))[:, :, ::-1]
    for i, base in enumerate([None, None, photo]):
        img, truths[f"im{i}"] = scene(seed=20 + i, base=base)
        cv2.imwrite(str(folder / f"im{i}.png"), img[:, :, ::-1])
    for mtype in ("dfine", "rio_detr", "rfdetr_seg"):
        model, keys = TYPES[mtype]
        cfg = tmp_path / f"{mtype}.yaml"
        make = make_config(mtype, fixtures)
        data = {"type": mtype, "name": mtype, "model_path": str(fixtures / model), "conf_threshold": 0.5,
                "classes": {i: c for i, c in enumerate(make.classes)}, **keys}
        cfg.write_text(yaml.safe_dump(data))
        assert main(["predict", "--model", str(cfg), "--input", str(folder), "--replace", "--quiet"]) == 0
        for stem, truth in truths.items():
            ann = read_label_file(folder / f"{stem}.json")
            h, w = ann.image_height, ann.image_width
            _assert_found(_boxes_of(ann.shapes), truth, max(w, h) / 224 * 4.5 + 1)


# -- every alias loads a config of its type --------------------------------------------------

@pytest.mark.parametrize("mtype", sorted(TYPES))
def test_every_type_and_alias_is_registered_once(mtype: str) -> None:
    entry = get_model_type(mtype)
    assert entry.module == "anylabel.inference.models.detr"


XAL_DETR = sorted(p for p in XAL_CONFIGS.glob("*.yaml")
                  if (yaml.safe_load(p.read_text()) or {}).get("type") in TYPES) if XAL_CONFIGS.is_dir() else []


@pytest.mark.skipif(not XAL_DETR, reason=f"X-AnyLabeling's configs are not extracted at {XAL_CONFIGS}")
@pytest.mark.parametrize("path", XAL_DETR, ids=lambda p: p.name)
def test_x_anylabeling_detr_configs_load(path: Path) -> None:
    cfg = load_config(path)
    assert cfg.type in TYPES and cfg.classes


@pytest.mark.parametrize("mtype,padding,sizes", [
    ("rtdetrv2", None, [500, 300]),      # stretched; orig_target_sizes = image (w, h)
    ("dfine", "centre", [320, 320]),     # aspect kept, centred on black; sizes = input (w, h)
    ("deimv2", "centre", [320, 320]),
    ("rio_detr", "corner", [300, 500]),  # aspect kept, padded right/below; sizes = image (h, w)
    ("dfine_seg", None, None),           # stretched, one input
    ("rtdetr", None, None),
])
def test_input_fitting_and_sizes_feed(fixtures: Path, mtype: str, padding: str | None, sizes) -> None:
    img = np.full((300, 500, 3), 255, np.uint8)
    model = create_model(make_config(mtype, fixtures), device="cpu")
    feeds, _ = model.preprocess(img)
    blob = next(v for v in feeds.values() if v.ndim == 4)[0]
    s = blob.shape[1]
    rows_white = np.flatnonzero(blob[0].max(1) > 0.99)
    if padding is None:
        assert blob.min() > 0.99  # stretched over the whole input, RGB / 255
    elif padding == "centre":
        pad = (s - int(300 * s / 500)) // 2
        assert rows_white[0] == pad and blob[:, :pad].max() == 0 and blob[:, -pad:].max() == 0
    else:
        assert rows_white[0] == 0 and rows_white[-1] == int(300 * s / 500) - 1 and blob[:, -1].max() == 0
    other = [v for v in feeds.values() if v.ndim == 2]
    assert (other[0].tolist() == [sizes]) if sizes else not other
    if sizes:
        assert other[0].dtype == np.int64


def test_rfdetr_input_is_imagenet_normalised(fixtures: Path) -> None:
    model = create_model(make_config("rfdetr", fixtures), device="cpu")
    feeds, _ = model.preprocess(np.full((100, 80, 3), 255, np.uint8))
    expected = (1 - np.array(fx.IMAGENET_MEAN)) / np.array(fx.IMAGENET_STD)
    np.testing.assert_allclose(feeds["input"][0, :, 5, 5], expected, rtol=1e-5)
