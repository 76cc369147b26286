"""Non-maximum suppression family, shared by every detector (numpy, vectorised per step).

Boxes are (N, 4) ``x1, y1, x2, y2``; rotated boxes are (N, 5) ``cx, cy, w, h, angle``
(radians). ``suppress`` is the one entry point models call: it applies the confidence
pre-filter, the chosen method (``nms``, ``soft_nms_linear``, ``soft_nms_gaussian``,
``weighted_nms``, ``diou_nms``), class-aware or agnostic grouping and ``max_det``.

Class-aware suppression shifts each class's boxes by a large per-class offset so that
boxes of different classes never overlap; one pass then handles every class.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ...core.i18n import tr


@dataclass
class Kept:
    """Survivors: ``index`` into the input arrays, their (maybe fused) boxes and (maybe decayed) scores."""

    index: np.ndarray
    boxes: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.index)


def box_iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """IoU of one box (4,) against many (M, 4)."""
    xx1 = np.maximum(box[0], boxes[:, 0])
    yy1 = np.maximum(box[1], boxes[:, 1])
    xx2 = np.minimum(box[2], boxes[:, 2])
    yy2 = np.minimum(box[3], boxes[:, 3])
    inter = np.clip(xx2 - xx1, 0, None) * np.clip(yy2 - yy1, 0, None)
    a = (box[2] - box[0]) * (box[3] - box[1])
    b = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return inter / np.maximum(a + b - inter, 1e-9)


def box_iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairwise IoU (N, M)."""
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])
    wh = np.clip(rb - lt, 0, None)
    inter = wh[..., 0] * wh[..., 1]
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / np.maximum(area_a[:, None] + area_b[None, :] - inter, 1e-9)


def box_diou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Distance-IoU: IoU minus squared centre distance over squared enclosing diagonal."""
    iou = box_iou(box, boxes)
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    ccx, ccy = (boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2
    ex1 = np.minimum(box[0], boxes[:, 0])
    ey1 = np.minimum(box[1], boxes[:, 1])
    ex2 = np.maximum(box[2], boxes[:, 2])
    ey2 = np.maximum(box[3], boxes[:, 3])
    diag = (ex2 - ex1) ** 2 + (ey2 - ey1) ** 2
    return iou - ((cx - ccx) ** 2 + (cy - ccy) ** 2) / np.maximum(diag, 1e-9)


def _greedy(boxes: np.ndarray, scores: np.ndarray, thr: float, overlap=box_iou, max_det: int | None = None) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    keep: list[int] = []
    while order.size and (max_det is None or len(keep) < max_det):
        i = int(order[0])
        keep.append(i)
        if order.size == 1:
            break
        rest = order[1:]
        order = rest[overlap(boxes[i], boxes[rest]) <= thr]
    return np.asarray(keep, dtype=np.int64)


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float, max_det: int | None = None) -> np.ndarray:
    """Greedy NMS; indices of the kept boxes, best first."""
    return _greedy(boxes, scores, iou_threshold, box_iou, max_det)


def diou_nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float, max_det: int | None = None) -> np.ndarray:
    """Greedy NMS with DIoU: keeps overlapping boxes whose centres are apart (crowds)."""
    return _greedy(boxes, scores, iou_threshold, box_diou, max_det)


def soft_nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float, method: str = "linear",
             sigma: float = 0.5, score_threshold: float = 0.001,
             max_det: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Soft-NMS (Bodla et al. 2017): overlapping boxes lose score instead of being removed.

    ``linear``: score *= 1 - IoU when IoU > threshold; ``gaussian``: score *= exp(-IoU^2 / sigma).
    Returns (indices, decayed scores), best first.
    """
    s = scores.astype(np.float64).copy()
    alive = np.flatnonzero(s > score_threshold)
    keep: list[int] = []
    kept_scores: list[float] = []
    while alive.size and (max_det is None or len(keep) < max_det):
        j = int(np.argmax(s[alive]))
        i = int(alive[j])
        keep.append(i)
        kept_scores.append(float(s[i]))
        alive = np.delete(alive, j)
        if not alive.size:
            break
        iou = box_iou(boxes[i], boxes[alive])
        if method == "gaussian":
            s[alive] *= np.exp(-(iou ** 2) / sigma)
        else:
            s[alive] *= np.where(iou > iou_threshold, 1.0 - iou, 1.0)
        alive = alive[s[alive] > score_threshold]
    return np.asarray(keep, dtype=np.int64), np.asarray(kept_scores)


def weighted_nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float,
                 max_det: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Weighted NMS: each kept box becomes the score-weighted mean of the boxes it suppresses.

    Returns (indices of the representative boxes, fused boxes), best first.
    """
    order = np.argsort(-scores, kind="stable")
    keep: list[int] = []
    fused: list[np.ndarray] = []
    while order.size and (max_det is None or len(keep) < max_det):
        i = int(order[0])
        iou = box_iou(boxes[i], boxes[order])
        members = order[iou > iou_threshold]
        members = members if members.size else order[:1]
        w = scores[members][:, None]
        fused.append((boxes[members] * w).sum(axis=0) / max(float(w.sum()), 1e-9))
        keep.append(i)
        order = order[iou <= iou_threshold]
    return np.asarray(keep, dtype=np.int64), np.asarray(fused, dtype=np.float64).reshape(-1, 4)


def rotated_iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Exact IoU of one rotated box (5,) against many (M, 5) (OpenCV polygon intersection).

    Pairs whose circumscribed circles do not touch are skipped without the polygon maths.
    """
    out = np.zeros(len(boxes))
    r0 = np.hypot(box[2], box[3]) / 2
    r = np.hypot(boxes[:, 2], boxes[:, 3]) / 2
    near = np.hypot(boxes[:, 0] - box[0], boxes[:, 1] - box[1]) < r0 + r
    a0 = box[2] * box[3]
    rect0 = ((float(box[0]), float(box[1])), (float(box[2]), float(box[3])), float(np.degrees(box[4])))
    for k in np.flatnonzero(near):
        b = boxes[k]
        rect = ((float(b[0]), float(b[1])), (float(b[2]), float(b[3])), float(np.degrees(b[4])))
        kind, pts = cv2.rotatedRectangleIntersection(rect0, rect)
        if kind == cv2.INTERSECT_NONE or pts is None:
            continue
        inter = cv2.contourArea(cv2.convexHull(pts))
        out[k] = inter / max(a0 + b[2] * b[3] - inter, 1e-9)
    return out


def rotated_nms(rboxes: np.ndarray, scores: np.ndarray, iou_threshold: float, max_det: int | None = None) -> np.ndarray:
    """Greedy NMS for rotated boxes (N, 5) using their exact polygon IoU."""
    return _greedy(rboxes, scores, iou_threshold, rotated_iou, max_det)


def _class_offsets(boxes: np.ndarray, class_ids: np.ndarray | None, agnostic: bool) -> np.ndarray:
    if agnostic or class_ids is None or boxes.size == 0:
        return np.zeros((len(boxes), 1))
    span = float(np.abs(boxes[:, :4]).max()) * 2 + 1.0
    return class_ids.astype(np.float64)[:, None] * span


def suppress(boxes: np.ndarray, scores: np.ndarray, class_ids: np.ndarray | None = None, *,
             method: str = "nms", iou_threshold: float = 0.45, conf_threshold: float = 0.0,
             agnostic: bool = False, max_det: int = 300, sigma: float = 0.5, rotated: bool = False) -> Kept:
    """Pre-filter by confidence, suppress overlaps with ``method``, cap at ``max_det``.

    With ``rotated`` the boxes are (N, 5) rotated boxes and plain greedy NMS on exact
    rotated IoU is used (the other methods assume axis-aligned boxes).
    """
    boxes = np.asarray(boxes, dtype=np.float64)
    scores = np.asarray(scores, dtype=np.float64)
    idx = np.flatnonzero(scores >= conf_threshold)
    b, s = boxes[idx], scores[idx]
    c = None if class_ids is None else np.asarray(class_ids)[idx]
    if rotated:
        if not agnostic and c is not None and len(b):
            shift = np.zeros_like(b)
            span = float(np.abs(b[:, :2]).max() + b[:, 2:4].max()) * 2 + 1.0
            shift[:, 0] = c * span
            k = rotated_nms(b + shift, s, iou_threshold, max_det)
        else:
            k = rotated_nms(b, s, iou_threshold, max_det)
        return Kept(idx[k], b[k], s[k])
    off = _class_offsets(b, c, agnostic)
    shifted = b + off
    if method == "nms":
        k = nms(shifted, s, iou_threshold, max_det)
        return Kept(idx[k], b[k], s[k])
    if method == "diou_nms":
        k = diou_nms(shifted, s, iou_threshold, max_det)
        return Kept(idx[k], b[k], s[k])
    if method in ("soft_nms_linear", "soft_nms_gaussian"):
        k, new_scores = soft_nms(shifted, s, iou_threshold, method.rsplit("_", 1)[1], sigma,
                                 score_threshold=max(conf_threshold, 1e-3), max_det=max_det)
        return Kept(idx[k], b[k], new_scores)
    if method == "weighted_nms":
        k, fused = weighted_nms(shifted, s, iou_threshold, max_det)
        return Kept(idx[k], fused - off[k], s[k])
    raise ValueError(tr("unknown NMS method {0!r}").format(method))
