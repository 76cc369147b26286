"""The committed fixture models (scripts/train_fixture_models.py), run through AnyLabel's own
YOLOv8 model types on held-out synthetic images: real accuracy, not just "something came out"."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest

from anylabel.core.geometry import bounding_box
from anylabel.core.shape import POINT
from anylabel.inference import create_model
from anylabel.inference.config import shipped_config_dir

from _accuracy import box_overlap, map50, polygon_overlap, synthetic

HELD_OUT_SEED = 4242  # training used seeds 1000-1003 and 2000-2003
N_IMAGES = 60


@lru_cache(maxsize=None)
def held_out(task: str):
    syn = synthetic()
    rng = np.random.default_rng(HELD_OUT_SEED)
    return [syn.make_sample(rng, task, 160, 160) for _ in range(N_IMAGES)]


def model(task: str):
    cfg = shipped_config_dir() / f"fixture_shapes_{task}.yaml"
    if not cfg.exists():  # the trainer writes the config together with the model
        pytest.skip(f"{cfg.name} not built (python scripts/train_fixture_models.py --tasks {task})")
    return create_model(cfg, device="cpu")


def run(task: str):
    m = model(task)
    names = synthetic().CLASSES[task]
    return m, names, [(m.predict(img), objs) for img, objs in held_out(task)]


def test_detect_map50() -> None:
    m, names, results = run("det")
    samples = [([(names.index(s.label), s.score, bounding_box(s)) for s in shapes],
                [(o.cls, tuple(o.box)) for o in objs]) for shapes, objs in results]
    score = map50(samples, len(names), box_overlap)
    print(f"det mAP50 = {score:.3f}")
    assert score > 0.83
    assert all(s.shape_type == "rectangle" for shapes, _ in results for s in shapes)


def test_segment_mask_map50() -> None:
    m, names, results = run("seg")
    samples = [([(names.index(s.label), s.score, s.points) for s in shapes if s.shape_type == "polygon"],
                [(o.cls, o.polygon) for o in objs]) for shapes, objs in results]
    score = map50(samples, len(names), polygon_overlap)
    print(f"seg mask mAP50 = {score:.3f}")
    assert score > 0.9


def test_obb_map50() -> None:
    m, names, results = run("obb")
    for shapes, _ in results:
        for s in shapes:
            assert s.shape_type == "rotation" and len(s.points) == 4
            e = s.points[1] - s.points[0]
            diff = (np.arctan2(e[1], e[0]) - s.direction + np.pi) % (2 * np.pi) - np.pi
            assert abs(diff) < 1e-6
    samples = [([(names.index(s.label), s.score, s.points) for s in shapes],
                [(o.cls, o.polygon) for o in objs]) for shapes, objs in results]
    score = map50(samples, len(names), polygon_overlap)
    print(f"obb mAP50 = {score:.3f}")
    assert score > 0.9


def test_pose_boxes_and_keypoints() -> None:
    m, names, results = run("pose")
    kp_names = synthetic().KEYPOINTS
    samples = []
    hits = total = 0
    for shapes, objs in results:
        boxes = [s for s in shapes if s.shape_type == "rectangle"]
        samples.append(([(0, s.score, bounding_box(s)) for s in boxes], [(0, tuple(o.box)) for o in objs]))
        for o in objs:  # PCK: keypoints of the best-matching box within 20 % of the box size
            best = max(boxes, key=lambda s: box_overlap(bounding_box(s), o.box), default=None)
            size = max(o.box[2] - o.box[0], o.box[3] - o.box[1])
            for j, name in enumerate(kp_names):
                total += 1
                if best is None or box_overlap(bounding_box(best), o.box) < 0.5:
                    continue
                pts = [s for s in shapes if s.shape_type == POINT and s.group_id == best.group_id and s.label == name]
                if pts and np.hypot(*(pts[0].points[0] - o.keypoints[j])) < 0.2 * size:
                    hits += 1
    box_map = map50(samples, 1, box_overlap)
    pck = hits / total
    print(f"pose box mAP50 = {box_map:.3f}, PCK@0.2 = {pck:.3f}")
    assert box_map > 0.9
    # The tiny model places keypoints roughly (our decoding matches Ultralytics' own output
    # for the same weights); measured 0.62.
    assert pck > 0.55


def test_classifier_sets_image_flags() -> None:
    m = model("cls")
    names = synthetic().CLASSES["det"]
    rng = np.random.default_rng(HELD_OUT_SEED)
    correct = 0
    n = 60
    for _ in range(n):
        img, objs = synthetic().make_sample(rng, "det", 64, 64, max_objects=1, min_size=20, max_size=40)
        pred = m.predict_result(img)
        assert set(pred.flags) == set(names) and sum(pred.flags.values()) <= 1 and pred.shapes == []
        correct += pred.flags.get(names[objs[0].cls], False)
    print(f"cls accuracy (top-1 above conf) = {correct / n:.3f}")
    assert correct / n > 0.8


@pytest.mark.parametrize("method", ["soft_nms_linear", "soft_nms_gaussian", "weighted_nms", "diou_nms"])
def test_every_nms_method_on_the_detector(method: str) -> None:
    m = model("det")
    m.set_options(nms=method)
    names = synthetic().CLASSES["det"]
    samples = [([(names.index(s.label), s.score, bounding_box(s)) for s in m.predict(img)],
                [(o.cls, tuple(o.box)) for o in objs]) for img, objs in held_out("det")[:30]]
    score = map50(samples, len(names), box_overlap)
    print(f"det {method} mAP50 = {score:.3f}")
    assert score > 0.8
