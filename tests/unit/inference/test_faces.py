"""Face detectors (anylabel/inference/models/faces.py) on contract fixtures built by
scripts/build_face_fixtures.py: each pure-colour square is a face whose five landmarks sit
at known places in its box."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort
import pytest
import yaml

from anylabel.cli.main import main
from anylabel.core.label_file import read_label_file
from anylabel.inference import create_model
from anylabel.inference.config import config_from_dict, load_config
from _squares import scene

pytest.importorskip("onnx", reason="building the face fixtures needs the onnx package (requirements-dev.txt)")
import build_face_fixtures as fx  # noqa: E402

KP = ["left_eye", "right_eye", "nose_tip", "left_mouth_corner", "right_mouth_corner"]
XAL_CONFIGS = Path("/work/xal-configs/anylabeling/configs/auto_labeling")
FILES = {"scrfd": "scrfd.onnx", "yolov6_face": "yolov6_face.onnx"}


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("face_fixtures")
    fx.write_all(out)
    return out


def make(fixtures: Path, mtype: str, **extra):
    return create_model(config_from_dict({"type": mtype, "name": mtype, "model_path": str(fixtures / FILES[mtype]),
                                          "conf_threshold": 0.5, "iou_threshold": 0.45, "classes": {"face": KP},
                                          **extra}, fixtures / "f.yaml"), device="cpu")


def landmarks_of(box: np.ndarray) -> np.ndarray:
    x1, y1, x2, y2 = box
    return np.array([[x1 + fx_ * (x2 - x1), y1 + fy_ * (y2 - y1)] for fx_, fy_ in fx.LANDMARKS])


def test_scrfd_raw_layout(fixtures: Path) -> None:
    img, truth = scene(seed=1)
    r = 320 / 500  # aspect kept, top-left
    canvas = np.zeros((320, 320, 3), np.uint8)
    canvas[:int(300 * r)] = cv2.resize(img, (320, int(300 * r)))
    sess = ort.InferenceSession(str(fixtures / "scrfd.onnx"))
    assert [o.name for o in sess.get_outputs()] == [f"{k}_{s}" for k in ("score", "bbox", "kps") for s in (8, 16, 32)]
    outs = sess.run(None, {"input.1": ((canvas.astype(np.float32) - 127.5) / 128).transpose(2, 0, 1)[None]})
    s = 8
    score, dist = outs[0][0, :, 0], outs[3][0] * s
    side = 320 // s
    found = []
    for n in np.flatnonzero(score > 0.5):
        ax, ay = (n // 2) % side * s, (n // 2) // side * s  # two anchors per cell, x fastest
        found.append(np.array([ax - dist[n, 0], ay - dist[n, 1], ax + dist[n, 2], ay + dist[n, 3]]) / r)
    assert len(found) == 6  # 3 faces x 2 anchors
    for b in truth.values():
        assert min(np.abs(f - b).max() for f in found) < 1 / r + 1


def test_yolov6_face_raw_layout(fixtures: Path) -> None:
    img, truth = scene(seed=2, h=320, w=320)
    sess = ort.InferenceSession(str(fixtures / "yolov6_face.onnx"))
    (rows,) = sess.run(None, {"images": img.transpose(2, 0, 1)[None].astype(np.float32) / 255})
    assert rows.shape == (1, fx.YOLO_ROWS, 16)
    best = rows[0][rows[0][:, 14] > 0.8]
    assert len(best) == 3
    for r in best:
        box = np.r_[r[:2] - r[2:4] / 2, r[:2] + r[2:4] / 2]
        match = min(truth.values(), key=lambda b: np.abs(b - box).max())
        np.testing.assert_allclose(box, match, atol=1.01)
        np.testing.assert_allclose(r[4:14].reshape(5, 2), landmarks_of(box), atol=1e-3)


@pytest.mark.parametrize("mtype", sorted(FILES))
def test_boxes_and_grouped_landmarks(fixtures: Path, mtype: str) -> None:
    model = make(fixtures, mtype)
    for seed, (h, w) in enumerate([(300, 500), (480, 270)]):
        img, truth = scene(h, w, seed=30 + seed)
        shapes = model.predict(img)
        boxes = [s for s in shapes if s.shape_type == "rectangle"]
        assert len(boxes) == 3 and {s.label for s in boxes} == {"face"}  # duplicates suppressed
        tol = max(w, h) / 320 * 1.5 + 1
        for b in boxes:
            box = np.r_[b.points[0], b.points[1]]
            match = min(truth.values(), key=lambda t: np.abs(t - box).max())
            np.testing.assert_allclose(box, match, atol=tol)
            points = [s for s in shapes if s.shape_type == "point" and s.group_id == b.group_id]
            assert [p.label for p in points] == KP
            np.testing.assert_allclose(np.concatenate([p.points for p in points]), landmarks_of(match), atol=tol)
        assert len({b.group_id for b in boxes}) == 3


def test_anylabel_predict_on_a_photo(fixtures: Path, tmp_path: Path, darknet_photo: Path) -> None:
    photo = cv2.imread(str(darknet_photo))[:, :, ::-1]
    img, truth = scene(seed=40, base=photo)
    folder = tmp_path / "images"
    folder.mkdir()
    cv2.imwrite(str(folder / "photo.png"), img[:, :, ::-1])
    for mtype in FILES:
        cfg = tmp_path / f"{mtype}.yaml"
        cfg.write_text(yaml.safe_dump({"type": mtype, "name": mtype, "model_path": str(fixtures / FILES[mtype]),
                                       "conf_threshold": 0.5, "classes": {"face": KP}}))
        assert main(["predict", "--model", str(cfg), "--input", str(folder), "--replace", "--quiet"]) == 0
        shapes = read_label_file(folder / "photo.json").shapes
        boxes = {f"f{i}": np.r_[s.points[0], s.points[1]] for i, s in enumerate(x for x in shapes if x.shape_type == "rectangle")}
        assert len(boxes) == 3 and sum(s.shape_type == "point" for s in shapes) == 15
        tol = max(img.shape[:2]) / 320 * 1.5 + 1
        for t in truth.values():
            assert min(np.abs(b - t).max() for b in boxes.values()) < tol


XAL_FACES = sorted(p for p in XAL_CONFIGS.glob("*.yaml") if p.name.startswith(("scrfd", "yolov6lite"))) \
    if XAL_CONFIGS.is_dir() else []


@pytest.mark.skipif(not XAL_FACES, reason=f"X-AnyLabeling's configs are not extracted at {XAL_CONFIGS}")
@pytest.mark.parametrize("path", XAL_FACES, ids=lambda p: p.name)
def test_x_anylabeling_face_configs_load(path: Path) -> None:
    cfg = load_config(path)
    assert cfg.classes == ["face"] and len(cfg.keypoints) == 5
