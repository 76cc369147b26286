"""Cost matrices and the linear assignment (``lap``) that all trackers share."""
from __future__ import annotations

import lap
import numpy as np


def iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of every box in ``a`` (N, 4 xyxy) with every box in ``b`` (M, 4)."""
    a = np.asarray(a, dtype=np.float64).reshape(-1, 4)
    b = np.asarray(b, dtype=np.float64).reshape(-1, 4)
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)))
    x1 = np.maximum(a[:, None, 0], b[None, :, 0])
    y1 = np.maximum(a[:, None, 1], b[None, :, 1])
    x2 = np.minimum(a[:, None, 2], b[None, :, 2])
    y2 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a[:, None] + area_b[None, :] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)


def label_mask(track_labels: list[str], det_labels: list[str]) -> np.ndarray:
    """True where a track and a detection carry different labels (the pair is forbidden)."""
    if not track_labels or not det_labels:
        return np.zeros((len(track_labels), len(det_labels)), dtype=bool)
    t = np.array(track_labels, dtype=object)[:, None]
    d = np.array(det_labels, dtype=object)[None, :]
    return t != d


def linear_assignment(cost: np.ndarray, thresh: float) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Minimum-cost matching; pairs costing more than ``thresh`` are not matched.

    Returns (matches as (row, col), unmatched rows, unmatched cols).
    """
    rows, cols = cost.shape if cost.ndim == 2 else (0, 0)
    if cost.size == 0:
        return [], list(range(rows)), list(range(cols))
    safe = np.where(np.isfinite(cost), cost, thresh + 1e6)
    _, x, _ = lap.lapjv(safe, extend_cost=True, cost_limit=thresh)
    matches = [(i, int(j)) for i, j in enumerate(x) if j >= 0 and safe[i, j] <= thresh]
    used_r = {i for i, _ in matches}
    used_c = {j for _, j in matches}
    return matches, [i for i in range(rows) if i not in used_r], [j for j in range(cols) if j not in used_c]


def cosine_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """1 - cosine similarity of L2-normalised feature rows, clipped to [0, 2]."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)))
    return np.clip(1.0 - np.asarray(a) @ np.asarray(b).T, 0.0, 2.0)
