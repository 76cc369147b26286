"""YOLO family decoders against contract fixtures (scripts/build_yolo_family_fixtures.py).

Each fixture is a trained shapes model re-wrapped into a family's exact input/output
conventions. Two independent checks per layout:

1. a reference written here (its own pre-processing, ``session.run``, its own decode with
   OpenCV's NMS, its own mapping back to image pixels) gives the shapes the model type gives;
2. on square images (no padding, so every family sees the very same pixels) the family
   model finds what the original Ultralytics-layout model finds.

Then YOLOX and the NMS-free layout run end to end through ``anylabel predict``.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import cv2
import numpy as np
import pytest

from anylabel.cli.main import main
from anylabel.inference import create_model
from anylabel.inference.config import config_from_dict, load_config

from _accuracy import synthetic

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "models" / "fixtures"
DET = ["circle", "rectangle", "triangle"]
OBB = ["bar", "plate"]
PHOTOS = sorted(Path("/usr/share/darknet/data").glob("*.jpg"))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    pytest.importorskip("onnx", reason="the onnx package (requirements-dev.txt) builds the contract fixtures")
    import build_yolo_family_fixtures as b

    return b.build(tmp_path_factory.mktemp("yolo_family"))


def config(built: dict[str, Path], layout: str, xal_type: str, classes: list[str], **extra):
    path = built[layout].parent / f"{layout}_{xal_type}.yaml"
    body = {"type": xal_type, "name": f"{xal_type}-fixture", "model_path": built[layout].name,
            "conf_threshold": 0.4, "iou_threshold": 0.5, "classes": classes, **extra}
    import yaml

    path.write_text(yaml.safe_dump(body))
    return load_config(path)


def images(task: str, n: int, h: int, w: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [synthetic().make_sample(rng, task, h=h, w=w)[0] for _ in range(n)]


# -- independent reference -----------------------------------------------------------------------
def ref_fit(img: np.ndarray, size: int, centre: bool, margin: int, pad: int, bgr: bool, div: float):
    h, w = img.shape[:2]
    r = min((size - margin) / h, (size - margin) / w)
    nw, nh = int(round(w * r)), int(round(h * r))
    canvas = np.full((size, size, 3), pad, np.uint8)
    top, left = ((size - nh) // 2, (size - nw) // 2) if centre else (0, 0)
    canvas[top:top + nh, left:left + nw] = cv2.resize(img, (nw, nh), interpolation=cv2.INTER_LINEAR)
    if bgr:
        canvas = canvas[:, :, ::-1]
    x = canvas.astype(np.float32).transpose(2, 0, 1)[None] / div
    return np.ascontiguousarray(x), (r, left, top)


def ref_nms(xyxy: np.ndarray, scores: np.ndarray, cls: np.ndarray, iou: float) -> np.ndarray:
    if not len(xyxy):
        return np.zeros(0, int)
    xywh = np.concatenate([xyxy[:, :2], xyxy[:, 2:] - xyxy[:, :2]], 1)
    keep = cv2.dnn.NMSBoxesBatched(xywh.tolist(), scores.tolist(), cls.tolist(), 0.0, iou)
    return np.asarray(keep, int).reshape(-1)


def to_image(xyxy: np.ndarray, lb, h: int, w: int) -> np.ndarray:
    r, left, top = lb
    out = xyxy.copy()
    out[:, [0, 2]] = ((out[:, [0, 2]] - left) / r).clip(0, w)
    out[:, [1, 3]] = ((out[:, [1, 3]] - top) / r).clip(0, h)
    return out


def reference_boxes(layout: str, path: Path, img: np.ndarray, conf: float = 0.4, iou: float = 0.5):
    """(labels, xyxy in image pixels, scores) computed without any AnyLabel code."""
    import onnxruntime as ort

    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    h, w = img.shape[:2]
    prep = {"yolov10": (True, 0, 114, False, 255.0), "yolox": (False, 0, 114, True, 1.0),
            "yolo_nas": (True, 4, 114, True, 255.0), "damo_yolo": (False, 0, 0, True, 1.0)}[layout]
    x, lb = ref_fit(img, 160, *prep)
    outs = {o.name: v for o, v in zip(sess.get_outputs(), sess.run(None, {sess.get_inputs()[0].name: x}))}
    if layout == "yolov10":
        rows = outs["output0"][0]
        rows = rows[rows[:, 4] >= conf]
        boxes, scores, cls = rows[:, :4], rows[:, 4], rows[:, 5].astype(int)
        keep = np.arange(len(rows))
    else:
        if layout == "yolox":
            p = outs["output"][0]
            steps = np.concatenate([np.full((160 // s) ** 2, s) for s in (8, 16, 32)])[:, None]
            cells = np.concatenate([np.stack(np.meshgrid(np.arange(160 // s), np.arange(160 // s)), -1).reshape(-1, 2)
                                    for s in (8, 16, 32)])
            cxcy, wh = (p[:, :2] + cells) * steps, np.exp(p[:, 2:4]) * steps
            boxes = np.concatenate([cxcy - wh / 2, cxcy + wh / 2], 1)
            all_scores = p[:, 5:] * p[:, 4:5]
        else:
            boxes, all_scores = outs["boxes"][0], outs["scores"][0]
        cls = all_scores.argmax(1)
        scores = all_scores.max(1)
        ok = scores >= conf
        boxes, scores, cls = boxes[ok], scores[ok], cls[ok]
        keep = ref_nms(boxes, scores, cls, iou)
    boxes = to_image(boxes[keep].astype(np.float64), lb, h, w)
    good = (boxes[:, 2] > boxes[:, 0]) & (boxes[:, 3] > boxes[:, 1])
    return [DET[c] for c in cls[keep][good]], boxes[good], scores[keep][good]


def shapes_as_boxes(shapes) -> tuple[list[str], np.ndarray, np.ndarray]:
    labels = [s.label for s in shapes]
    boxes = np.array([[*s.points.min(0), *s.points.max(0)] for s in shapes]).reshape(-1, 4)
    return labels, boxes, np.array([s.score for s in shapes])


def assert_same(a, b, atol: float) -> None:
    la, ba, sa = a
    lb, bb, sb = b
    oa, ob = np.lexsort((ba[:, 0], la)), np.lexsort((bb[:, 0], lb))
    assert [la[i] for i in oa] == [lb[i] for i in ob]
    np.testing.assert_allclose(ba[oa], bb[ob], atol=atol)
    np.testing.assert_allclose(sa[oa], sb[ob], atol=2e-3)


# -- 1. the reference decode agrees -----------------------------------------------------------
@pytest.mark.parametrize("layout, xal_type", [("yolov10", "yolov10"), ("yolov10", "yolo26"),
                                              ("yolov10", "doclayout_yolo"), ("yolox", "yolox"),
                                              ("yolo_nas", "yolo_nas"), ("damo_yolo", "damo_yolo")])
def test_detect_layouts_match_an_independent_decode(built, layout: str, xal_type: str) -> None:
    model = create_model(config(built, layout, xal_type, DET), device="cpu")
    found = 0
    for img in images("det", 6, 120, 200, seed=5) + images("det", 3, 200, 150, seed=6):
        ref = reference_boxes(layout, built[layout], img)
        got = shapes_as_boxes(model.predict(img))
        assert_same(got, ref, atol=0.05)
        found += len(ref[0])
    assert found >= 10  # the fixture really detects


# -- 2. same pixels in, same objects out -------------------------------------------------------
def base_model(name: str):
    return create_model(name, device="cpu")


@pytest.mark.parametrize("layout, xal_type", [("yolov10", "yolov10"), ("yolox", "yolox"), ("damo_yolo", "damo_yolo")])
def test_detect_layouts_find_what_the_original_finds(built, layout: str, xal_type: str) -> None:
    """Square 160 px images: no padding, so the wrapped network sees the original's pixels
    whatever the family's padding (YOLO-NAS always shrinks by 4 px: checked by the reference only)."""
    v8 = base_model("fixture_shapes_det")
    fam = create_model(config(built, layout, xal_type, DET, conf_threshold=0.4), device="cpu")
    total = 0
    for img in images("det", 8, 160, 160, seed=11):
        a, b = shapes_as_boxes(v8.predict(img)), shapes_as_boxes(fam.predict(img))
        assert_same(a, b, atol=0.05)
        total += len(a[0])
    assert total >= 8


def test_end2end_segmentation_pose_obb_and_v5_layouts_match_the_originals(built) -> None:
    pairs = [
        ("fixture_shapes_seg", config(built, "yolo26_seg", "yolo26_seg", DET), "seg"),
        ("fixture_shapes_seg", config(built, "yolov5_seg", "yolov5_seg", DET), "seg"),
        ("fixture_shapes_pose", config(built, "yolo26_pose", "yolo26_pose", ["arrow"],
                                       keypoints=["apex", "base_a", "base_b"]), "pose"),
        ("fixture_shapes_obb", config(built, "yolov5_obb", "yolov5_obb", OBB, stride=32), "obb"),
    ]
    for base, cfg, task in pairs:
        a_model, b_model = base_model(base), create_model(cfg, device="cpu")
        total = 0
        for img in images(task, 6, 160, 160, seed=17):
            a, b = a_model.predict(img), b_model.predict(img)
            key = (lambda s: (s.label, round(float(s.points[:, 0].mean()))))
            a, b = sorted(a, key=key), sorted(b, key=key)
            assert [s.label for s in a] == [s.label for s in b], (cfg.type, task)
            assert [s.shape_type for s in a] == [s.shape_type for s in b]
            for s, t in zip(a, b):
                if task == "obb":  # same rectangle, corners possibly listed from another one
                    tol = 0.05 if cfg.type == "yolo26_obb" else 1.0 + 0.01 * np.ptp(s.points)  # 1 degree bins
                    ps, pt = np.sort(s.points, axis=0), np.sort(t.points, axis=0)
                    np.testing.assert_allclose(ps, pt, atol=tol)
                elif task == "seg":
                    ra, rb = cv2.boundingRect(s.points.astype(np.float32)), cv2.boundingRect(t.points.astype(np.float32))
                    np.testing.assert_allclose(ra, rb, atol=1)
                else:
                    np.testing.assert_allclose(s.points, t.points, atol=0.05)
            total += len(a)
        assert total >= 5, cfg.type


def test_end2end_obb_rows_decode_as_given(built) -> None:
    """YOLO26-obb rows are taken as they are (no NMS): reference = every row above the threshold,
    centre / size / angle mapped through the letterbox; the original model's objects are among them."""
    import onnxruntime as ort

    model = create_model(config(built, "yolo26_obb", "yolo26_obb", OBB), device="cpu")
    v8 = base_model("fixture_shapes_obb")
    sess = ort.InferenceSession(str(built["yolo26_obb"]), providers=["CPUExecutionProvider"])
    total = 0
    for img in images("obb", 6, 120, 160, seed=29):
        x, (r, left, top) = ref_fit(img, 160, True, 0, 114, False, 255.0)
        rows = sess.run(None, {"images": x})[0][0]
        rows = rows[rows[:, 4] >= 0.4]
        ref = sorted((OBB[int(c)], (cx - left) / r, (cy - top) / r, w / r, h / r)
                     for cx, cy, w, h, _s, c, _a in rows)
        got = model.predict(img)
        got_t = sorted((s.label, *s.points.mean(0), np.linalg.norm(s.points[1] - s.points[0]),
                        np.linalg.norm(s.points[2] - s.points[1])) for s in got)
        assert [g[0] for g in got_t] == [f[0] for f in ref]
        np.testing.assert_allclose([g[1:] for g in got_t], [f[1:] for f in ref], atol=1e-3)
        for s in v8.predict(img):  # rotated NMS keeps a subset of what upright NMS keeps here
            assert any(t.label == s.label and np.abs(t.points.mean(0) - s.points.mean(0)).max() < 0.05 for t in got)
        total += len(got)
    assert total >= 5


def test_yolov5_obb_angles_decode_from_180_classes(built) -> None:
    """Reference for the CSL layout: angle = argmax - 90 degrees, long side first."""
    import onnxruntime as ort

    cfg = config(built, "yolov5_obb", "yolov5_obb", OBB)
    model = create_model(cfg, device="cpu")
    sess = ort.InferenceSession(str(built["yolov5_obb"]), providers=["CPUExecutionProvider"])
    img = images("obb", 1, 160, 160, seed=23)[0]
    out = sess.run(None, {"images": (img.astype(np.float32) / 255).transpose(2, 0, 1)[None]})[0][0]
    rows = out[out[:, 4] * out[:, 5:7].max(1) >= 0.4]
    best = rows[np.argmax(rows[:, 4] * rows[:, 5:7].max(1))]
    theta = math.radians(int(best[7:].argmax()) - 90)
    shapes = model.predict(img)
    top = max(shapes, key=lambda s: s.score)
    assert math.isclose(top.direction % math.pi, theta % math.pi, abs_tol=1e-6)
    long_side = np.linalg.norm(top.points[1] - top.points[0])
    assert long_side == pytest.approx(best[2], abs=1e-3) and best[2] >= best[3]


def test_yolox_p6_grid_and_wrong_grid(built) -> None:
    model = create_model(config(built, "yolox", "yolox", DET, p6=True), device="cpu")
    cells, steps = model.grid(525)  # the output has the P5 rows: p6 only decides a tie
    assert steps.max() == 32 and len(cells) == 525
    cells6, steps6 = model.grid(525 + 4)  # P6 at 160 px adds a 2x2 stride-64 level
    assert steps6.max() == 64 and tuple(cells6[-1]) == (1, 1)
    with pytest.raises(ValueError, match="neither the P5 nor the P6 grid"):
        model.grid(530)


# -- 3. end to end -------------------------------------------------------------------------------
def write_images(folder: Path, task: str, n: int, seed: int) -> None:
    for i, img in enumerate(images(task, n, 150, 210, seed)):
        cv2.imwrite(str(folder / f"syn{i}.png"), img[:, :, ::-1])


@pytest.mark.parametrize("layout, xal_type", [("yolox", "yolox"), ("yolov10", "yolo26")])
def test_predict_cli_on_a_real_photo_and_synthetic_images(built, tmp_path: Path, layout: str, xal_type: str) -> None:
    from anylabel.core.label_file import read_label_file

    cfg = config(built, layout, xal_type, DET)
    data = tmp_path / "data"
    data.mkdir()
    write_images(data, "det", 4, seed=41)
    if PHOTOS:
        (data / PHOTOS[0].name).write_bytes(PHOTOS[0].read_bytes())
    assert main(["predict", "--model", str(cfg.source), "--input", str(data), "--quiet"]) == 0
    model = create_model(cfg, device="cpu")
    for i in range(4):
        img = cv2.imread(str(data / f"syn{i}.png"))[:, :, ::-1].copy()
        written = read_label_file(data / f"syn{i}.json")
        ref = reference_boxes(layout, built[layout], img)
        assert_same(shapes_as_boxes(written.shapes), ref, atol=0.05)
        assert written.shapes and len(written.shapes) == len(model.predict(img))
    if PHOTOS:  # a real photo runs through (a shapes model may find nothing on it: then no file)
        rgb = cv2.imread(str(PHOTOS[0]))[:, :, ::-1].copy()
        found = model.predict(rgb)
        label = data / f"{PHOTOS[0].stem}.json"
        assert label.exists() == bool(found)
        h, w = rgb.shape[:2]
        for s in (read_label_file(label).shapes if found else []):
            assert s.points.min() >= 0 and s.points[:, 0].max() <= w and s.points[:, 1].max() <= h


def test_custom_yolov8_config_of_xanylabeling_docs_runs_at_320(built, tmp_path: Path) -> None:
    p = built["yolov8_dynamic"].parent / "custom_320.yaml"
    p.write_text(f"type: yolov8\nname: custom-320\ndisplay_name: Custom 320\nmodel_path: {built['yolov8_dynamic'].name}\n"
                 "input_width: 320\ninput_height: 320\nconf_threshold: 0.4\niou_threshold: 0.5\n"
                 "classes:\n  - circle\n  - rectangle\n  - triangle\n")
    model = create_model(load_config(p), device="cpu")
    assert model.input_hw == (320, 320)
    img = images("det", 1, 320, 320, seed=3)[0]
    assert model.preprocess(img)[0]["images"].shape == (1, 3, 320, 320)
    # At 320 the graph halves the image for the trained 160 px network: the same objects, boxes x2.
    small = base_model("fixture_shapes_det").predict(cv2.resize(img, (160, 160), interpolation=cv2.INTER_LINEAR))
    got = model.predict(img)
    assert sorted(s.label for s in got) == sorted(s.label for s in small) and got
    a, b = shapes_as_boxes(got), shapes_as_boxes(small)
    oa, ob = np.lexsort((a[1][:, 0], a[0])), np.lexsort((b[1][:, 0], b[0]))
    np.testing.assert_allclose(a[1][oa], b[1][ob] * 2, atol=1.0)


def test_det_track_config_tracks_without_a_tracker_option(tmp_path: Path) -> None:
    """yolov8_det_track: the config's tracker map (X-AnyLabeling's TrackTrack keys included)
    links the detections of successive frames; no --tracker needed."""
    from anylabel.core.label_file import read_label_file

    bg = synthetic()._background(np.random.default_rng(3), 160, 160)
    frames = tmp_path / "frames"
    frames.mkdir()
    for i in range(8):
        im = bg.copy()
        cv2.circle(im, (40 + 3 * i, 50), 18, (250, 30, 30), -1)
        cv2.rectangle(im, (90, 90 + 2 * i), (130, 120 + 2 * i), (20, 240, 20), -1)
        cv2.imwrite(str(frames / f"f{i:03d}.png"), im[:, :, ::-1])
    cfg = tmp_path / "track.yaml"
    cfg.write_text(f"type: yolov8_det_track\nname: t\nmodel_path: {FIXTURES / 'shapes_det.onnx'}\n"
                   "conf_threshold: 0.4\niou_threshold: 0.5\nclasses: [circle, rectangle, triangle]\n"
                   "tracker:\n  tracker_type: tracktrack\n  track_high_thresh: 0.5\n  lost_match_thr: 0.0\n"
                   "  tai_thr: 0.55\n  track_buffer: 30\n")
    assert main(["predict", "--model", str(cfg), "--input", str(frames), "--quiet"]) == 0
    ids: dict[str, set] = {}
    for i in range(1, 8):
        for s in read_label_file(frames / f"f{i:03d}.json").shapes:
            ids.setdefault(s.label, set()).add(s.group_id)
    assert set(ids) == {"circle", "rectangle"} and None not in ids["circle"]
    assert all(len(v) == 1 for v in ids.values()) and ids["circle"] != ids["rectangle"]


def test_every_alias_loads_and_names_its_decoder(tmp_path: Path) -> None:
    from anylabel.inference import registry
    from anylabel.inference.models import (yolo_detect, yolo_end2end, yolo_obb, yolo_pose, yolo_segment,
                                           yolo_two_outputs, yolov5_obb, yolox)

    expected = {
        yolo_detect.YoloV8: ["yolov8", "yolo11", "yolov9", "yolo12", "yolow", "yolov8_det_track", "yolo11_det_track",
                             "yolov8_sahi", "yolo11_sahi"],
        yolo_detect.YoloV5: ["yolov5", "yolov6", "yolov7", "gold_yolo", "yolov5_det_track", "yolov5_sahi"],
        yolo_end2end.YoloEnd2End: ["yolov10", "doclayout_yolo", "yolo26", "yolo26_det_track", "yolo26_sahi"],
        yolo_end2end.YoloEnd2EndSegment: ["yolo26_seg", "yolo26_seg_track"],
        yolo_end2end.YoloEnd2EndPose: ["yolo26_pose", "yolo26_pose_track"],
        yolo_end2end.YoloEnd2EndObb: ["yolo26_obb", "yolo26_obb_track"],
        yolo_segment.YoloSegment: ["yolov8_seg", "yolo11_seg", "yolov8_seg_track", "yolo11_seg_track"],
        yolo_segment.YoloV5Segment: ["yolov5_seg"],
        yolo_pose.YoloPose: ["yolov8_pose", "yolo11_pose", "yolov8_pose_track", "yolo11_pose_track"],
        yolo_obb.YoloObb: ["yolov8_obb", "yolo11_obb", "yolov8_obb_track", "yolo11_obb_track"],
        yolox.Yolox: ["yolox"], yolo_two_outputs.YoloNas: ["yolo_nas"], yolo_two_outputs.DamoYolo: ["damo_yolo"],
        yolov5_obb.YoloV5Obb: ["yolov5_obb"],
    }
    types = registry.model_types()
    for cls, names in expected.items():
        for n in names:
            assert types[n].cls is cls, n
            c = config_from_dict({"type": n, "name": n, "model_path": "m.onnx", "conf_threshold": 0.3,
                                  "iou_threshold": 0.5, "max_det": 300, "stride": 32}, tmp_path / f"{n}.yaml")
            assert c.type == n and "stride" in c.ignored
    for n in ("yolov8_det_track", "yolo26_pose_track", "yolo11_obb_track", "yolov8_seg_track"):
        assert types[n].capabilities.tracking


def test_tensorrt_engine_config_is_refused_with_the_reason(tmp_path: Path) -> None:
    p = tmp_path / "trt.yaml"
    p.write_text("type: yolo26\nname: trt\nmodel_path: m.engine\nengine: trt\n")
    from anylabel.inference.config import ConfigError

    with pytest.raises(ConfigError, match="TensorRT"):
        create_model(load_config(p), device="cpu")
    from anylabel.cli.cmd_models import check_file

    status, text, _ = check_file(p)
    assert status == "unsupported" and "TensorRT" in text
