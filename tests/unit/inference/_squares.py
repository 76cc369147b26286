"""Synthetic scenes for the contract fixtures: one pure-colour square per class (red, green,
blue) on noise or on a photo, with the squares' boxes as ground truth."""
from __future__ import annotations

import numpy as np

CLASSES = ["red", "green", "blue"]
COLOURS = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]


def scene(h: int = 300, w: int = 500, seed: int = 0, base: np.ndarray | None = None):
    """Noise (or a photo) with one square per class; returns the image and {class: xyxy}."""
    rng = np.random.default_rng(seed)
    img = base.copy() if base is not None else rng.integers(60, 200, (h, w, 3), dtype=np.uint8)
    h, w = img.shape[:2]
    truth = {}
    for k, colour in enumerate(COLOURS):
        for _ in range(100):
            s = int(rng.integers(min(h, w) // 8, min(h, w) // 3))
            x, y = int(rng.integers(0, w - s)), int(rng.integers(0, h - s))
            box = np.array([x, y, x + s, y + s], float)
            if all(iou(box, b) == 0 for b in truth.values()):
                break
        img[y:y + s, x:x + s] = colour
        truth[CLASSES[k]] = box
    return img, truth


def iou(a: np.ndarray, b: np.ndarray) -> float:
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)
