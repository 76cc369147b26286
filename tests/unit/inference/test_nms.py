"""NMS family: hand-checkable tables plus a brute-force reference for greedy NMS."""
from __future__ import annotations

import math

import numpy as np
import pytest

from anylabel.inference.postprocess.nms import (box_iou, box_iou_matrix, diou_nms, nms, rotated_iou, rotated_nms,
                                                soft_nms, suppress, weighted_nms)

A = [0, 0, 10, 10]
A_SHIFT = [1, 0, 11, 10]      # IoU with A = 90/110 = 0.818
B = [20, 20, 30, 30]          # disjoint


def test_box_iou_values() -> None:
    b = np.array([A, A_SHIFT, B], float)
    np.testing.assert_allclose(box_iou(b[0], b), [1.0, 90 / 110, 0.0])
    np.testing.assert_allclose(box_iou_matrix(b, b)[0], [1.0, 90 / 110, 0.0])


def reference_nms(boxes, scores, thr):
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    keep = []
    for i in order:
        if all(box_iou(boxes[i], boxes[[k]])[0] <= thr for k in keep):
            keep.append(i)
    return keep


def test_greedy_nms_matches_reference_on_random_boxes() -> None:
    rng = np.random.default_rng(0)
    xy = rng.uniform(0, 100, (300, 2))
    wh = rng.uniform(5, 40, (300, 2))
    boxes = np.concatenate([xy, xy + wh], 1)
    scores = rng.uniform(0, 1, 300)
    assert nms(boxes, scores, 0.5).tolist() == reference_nms(boxes, scores, 0.5)


def test_class_aware_vs_agnostic() -> None:
    boxes = np.array([A, A_SHIFT], float)
    scores = np.array([0.9, 0.8])
    classes = np.array([0, 1])
    assert len(suppress(boxes, scores, classes, iou_threshold=0.5)) == 2
    assert len(suppress(boxes, scores, classes, iou_threshold=0.5, agnostic=True)) == 1
    assert len(suppress(boxes, scores, np.array([0, 0]), iou_threshold=0.5)) == 1


def test_confidence_prefilter_and_max_det() -> None:
    rng = np.random.default_rng(1)
    xy = rng.uniform(0, 1000, (50, 2))
    boxes = np.concatenate([xy, xy + 5], 1)
    scores = np.linspace(0.01, 0.99, 50)
    k = suppress(boxes, scores, conf_threshold=0.5, max_det=10)
    assert len(k) == 10 and (k.scores >= 0.5).all() and k.scores[0] == pytest.approx(0.99)


def test_soft_nms_linear_and_gaussian_decay() -> None:
    boxes = np.array([A, A_SHIFT, B], float)
    scores = np.array([0.9, 0.8, 0.7])
    idx, s = soft_nms(boxes, scores, 0.5, "linear")
    assert idx.tolist() == [0, 2, 1]
    assert s[2] == pytest.approx(0.8 * (1 - 90 / 110))
    idx, s = soft_nms(boxes, scores, 0.5, "gaussian", sigma=0.5)
    assert s[list(idx).index(1)] == pytest.approx(0.8 * math.exp(-((90 / 110) ** 2) / 0.5))
    # Below the IoU threshold, linear Soft-NMS leaves the score alone.
    idx, s = soft_nms(boxes, scores, 0.9, "linear")
    assert s.tolist() == pytest.approx([0.9, 0.8, 0.7])


def test_weighted_nms_fuses_by_score() -> None:
    boxes = np.array([A, A_SHIFT, B], float)
    scores = np.array([0.75, 0.25, 0.5])
    idx, fused = weighted_nms(boxes, scores, 0.5)
    assert idx.tolist() == [0, 2]
    np.testing.assert_allclose(fused[0], [0.25, 0, 10.25, 10])
    np.testing.assert_allclose(fused[1], B)
    k = suppress(boxes, scores, np.array([0, 0, 0]), method="weighted_nms", iou_threshold=0.5)
    np.testing.assert_allclose(k.boxes[0], [0.25, 0, 10.25, 10])


def test_diou_keeps_overlapping_boxes_with_distant_centres() -> None:
    # Two wide boxes side by side: IoU 0.6, DIoU = 0.6 - 10^2 / (50^2 + 10^2) = 0.5615.
    boxes = np.array([[0, 0, 40, 10], [10, 0, 50, 10]], float)
    scores = np.array([0.9, 0.8])
    assert box_iou(boxes[0], boxes[1:])[0] == pytest.approx(0.6)
    assert len(nms(boxes, scores, 0.58)) == 1
    assert len(diou_nms(boxes, scores, 0.58)) == 2


def test_rotated_iou_and_nms() -> None:
    a = np.array([50, 50, 40, 10, 0.0])
    same_rotated_90 = np.array([50, 50, 10, 40, math.pi / 2])
    cross = np.array([50, 50, 40, 10, math.pi / 2])
    far = np.array([500, 500, 40, 10, 0.3])
    ious = rotated_iou(a, np.stack([a, same_rotated_90, cross, far]))
    np.testing.assert_allclose(ious, [1.0, 1.0, 100 / 700, 0.0], atol=1e-4)
    k = rotated_nms(np.stack([a, cross, same_rotated_90]), np.array([0.9, 0.8, 0.7]), 0.5)
    assert k.tolist() == [0, 1]
    kept = suppress(np.stack([a, same_rotated_90]), np.array([0.9, 0.8]), np.array([0, 1]), rotated=True,
                    iou_threshold=0.5)
    assert len(kept) == 2  # different classes


def test_unknown_method_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown NMS method"):
        suppress(np.array([A], float), np.array([1.0]), method="fancy")
