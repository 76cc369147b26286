"""Accuracy measures for the fixture-model tests: AP at IoU 0.5 with any overlap function."""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np



def synthetic():
    """scripts/synthetic_shapes.py (the generator the demo models were trained on)."""
    import synthetic_shapes

    return synthetic_shapes


def average_precision(tp: np.ndarray, scores: np.ndarray, n_gt: int) -> float:
    """Area under the interpolated precision/recall curve (all points)."""
    if n_gt == 0:
        return float("nan")
    if len(tp) == 0:
        return 0.0
    order = np.argsort(-scores)
    tp = tp[order].astype(float)
    ctp, cfp = np.cumsum(tp), np.cumsum(1 - tp)
    recall = ctp / n_gt
    precision = ctp / np.maximum(ctp + cfp, 1e-9)
    mrec = np.concatenate([[0], recall, [1]])
    mpre = np.concatenate([[1], precision, [0]])
    mpre = np.maximum.accumulate(mpre[::-1])[::-1]
    idx = np.flatnonzero(mrec[1:] != mrec[:-1])
    return float(np.sum((mrec[idx + 1] - mrec[idx]) * mpre[idx + 1]))


def map50(samples: Sequence[tuple[list, list]], n_classes: int, overlap: Callable, thr: float = 0.5) -> float:
    """``samples``: per image (predictions [(cls, score, geom)], ground truth [(cls, geom)])."""
    aps = []
    for c in range(n_classes):
        tps, scores, n_gt = [], [], 0
        for preds, gts in samples:
            g = [geom for cls, geom in gts if cls == c]
            n_gt += len(g)
            used = [False] * len(g)
            for _, score, geom in sorted([p for p in preds if p[0] == c], key=lambda p: -p[1]):
                best, bj = 0.0, -1
                for j, gg in enumerate(g):
                    if not used[j]:
                        o = overlap(geom, gg)
                        if o > best:
                            best, bj = o, j
                hit = best >= thr
                if hit:
                    used[bj] = True
                tps.append(hit)
                scores.append(score)
        ap = average_precision(np.array(tps), np.array(scores), n_gt)
        if not np.isnan(ap):
            aps.append(ap)
    return float(np.mean(aps))


def box_overlap(a, b) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def polygon_overlap(a: np.ndarray, b: np.ndarray) -> float:
    from shapely.geometry import Polygon

    pa, pb = Polygon(a).buffer(0), Polygon(b).buffer(0)
    union = pa.union(pb).area
    return pa.intersection(pb).area / union if union else 0.0
