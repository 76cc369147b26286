"""Synthetic images of simple shapes on textured backgrounds, with exact ground truth.

Used to train the tiny fixture models (scripts/train_fixture_models.py) and, with a
different seed, as held-out images on which the tests measure their accuracy. Only
numpy + OpenCV, so both the training venv and the test venv can import it.

Tasks:
- ``det`` / ``seg``: classes circle, rectangle (rotated), triangle; boxes + polygons.
- ``obb``: classes bar (long, thin) and plate (near-square), rotated rectangles.
- ``pose``: class arrow (an isosceles triangle) with 3 keypoints: apex, then the two base
  corners counter-clockwise (in image coordinates, y down) from the apex.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

CLASSES = {
    "det": ["circle", "rectangle", "triangle"],
    "seg": ["circle", "rectangle", "triangle"],
    "obb": ["bar", "plate"],
    "pose": ["arrow"],
}
KEYPOINTS = ["apex", "base_a", "base_b"]


@dataclass
class Obj:
    cls: int
    polygon: np.ndarray  # (N, 2) float, image pixels
    keypoints: np.ndarray | None = None  # (K, 2)
    extra: dict = field(default_factory=dict)

    @property
    def box(self) -> np.ndarray:
        return np.concatenate([self.polygon.min(axis=0), self.polygon.max(axis=0)])


def _background(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """Smooth colour gradient + blurred noise + a few faint lines: texture, not flat colour."""
    base = rng.uniform(40, 200, size=3)
    gx = np.linspace(0, 1, w)[None, :, None] * rng.uniform(-50, 50, size=3)
    gy = np.linspace(0, 1, h)[:, None, None] * rng.uniform(-50, 50, size=3)
    img = base + gx + gy
    noise = rng.normal(0, 1, size=(h // 4 + 1, w // 4 + 1, 3)).astype(np.float32)
    noise = cv2.resize(noise, (w, h), interpolation=cv2.INTER_CUBIC) * rng.uniform(5, 20)
    img = np.clip(img + noise + rng.normal(0, 4, size=(h, w, 3)), 0, 255).astype(np.uint8)
    for _ in range(rng.integers(0, 4)):
        p1 = tuple(int(v) for v in rng.integers(0, [w, h]))
        p2 = tuple(int(v) for v in rng.integers(0, [w, h]))
        col = tuple(int(c) for c in np.clip(img[p1[1], p1[0]].astype(int) + rng.integers(-40, 40, 3), 0, 255))
        cv2.line(img, p1, p2, col, int(rng.integers(1, 3)), cv2.LINE_AA)
    return img


def _contrast_colour(rng: np.random.Generator, bg: np.ndarray) -> tuple[int, int, int]:
    mean = bg.reshape(-1, 3).mean(axis=0)
    for _ in range(20):
        c = rng.integers(0, 256, size=3)
        if np.abs(c - mean).sum() > 150:
            return tuple(int(v) for v in c)
    return tuple(int(v) for v in (255 - mean))


def _rot(points: np.ndarray, angle: float, centre: np.ndarray) -> np.ndarray:
    ca, sa = math.cos(angle), math.sin(angle)
    r = np.array([[ca, -sa], [sa, ca]])
    return points @ r.T + centre


def _make_obj(rng: np.random.Generator, task: str, cls: int, centre: np.ndarray, size: float) -> Obj:
    angle = rng.uniform(0, 2 * math.pi)
    if task in ("det", "seg"):
        if cls == 0:  # circle
            t = np.linspace(0, 2 * math.pi, 48, endpoint=False)
            pts = np.stack([np.cos(t), np.sin(t)], axis=1) * size / 2 + centre
        elif cls == 1:  # rectangle
            w, h = size, size * rng.uniform(0.5, 1.0)
            pts = _rot(np.array([[-w, -h], [w, -h], [w, h], [-w, h]]) / 2, angle, centre)
        else:  # triangle (equilateral-ish)
            t = np.array([0, 2 * math.pi / 3, 4 * math.pi / 3]) + angle
            pts = np.stack([np.cos(t), np.sin(t)], axis=1) * size * 0.6 + centre
        return Obj(cls, pts)
    if task == "obb":
        if cls == 0:  # bar
            w, h = size * 1.2, size * 0.3
        else:  # plate
            w, h = size * 0.8, size * 0.65
        pts = _rot(np.array([[-w, -h], [w, -h], [w, h], [-w, h]]) / 2, angle, centre)
        return Obj(cls, pts)
    # pose: isosceles triangle, apex along +x before rotation
    apex = np.array([size * 0.6, 0.0])
    b1 = np.array([-size * 0.4, size * 0.3])
    b2 = np.array([-size * 0.4, -size * 0.3])
    pts = _rot(np.array([apex, b1, b2]), angle, centre)
    # order base corners so that (apex -> base_a -> base_b) is counter-clockwise on screen
    a, b = pts[1] - pts[0], pts[2] - pts[0]
    cross = a[0] * b[1] - a[1] * b[0]
    if cross > 0:  # y-down: positive cross = clockwise on screen
        pts = pts[[0, 2, 1]]
    return Obj(cls, pts, keypoints=pts.copy())


def make_sample(rng: np.random.Generator, task: str, h: int = 160, w: int = 160,
                max_objects: int = 4, min_size: float = 18, max_size: float = 50) -> tuple[np.ndarray, list[Obj]]:
    """One RGB image and its objects (non-overlapping placement)."""
    img = _background(rng, h, w)
    objs: list[Obj] = []
    n = int(rng.integers(1, max_objects + 1))
    ncls = len(CLASSES[task])
    for _ in range(n * 10):
        if len(objs) >= n:
            break
        size = float(rng.uniform(min_size, max_size))
        margin = size * 0.7
        centre = rng.uniform([margin, margin], [w - margin, h - margin])
        if any(np.hypot(*(centre - o.polygon.mean(axis=0))) < (size + o.extra["size"]) * 0.75 for o in objs):
            continue
        obj = _make_obj(rng, task, int(rng.integers(0, ncls)), centre, size)
        obj.extra["size"] = size
        colour = _contrast_colour(rng, img)
        cv2.fillPoly(img, [np.round(obj.polygon * 16).astype(np.int32)], colour, cv2.LINE_AA, shift=4)
        objs.append(obj)
    return img, objs


def yolo_label_lines(objs: list[Obj], task: str, h: int, w: int) -> list[str]:
    """Ultralytics label lines (normalised) for one image."""
    lines = []
    scale = np.array([w, h], dtype=np.float64)
    for o in objs:
        if task == "det":
            x1, y1, x2, y2 = o.box
            vals = [(x1 + x2) / 2 / w, (y1 + y2) / 2 / h, (x2 - x1) / w, (y2 - y1) / h]
        elif task in ("seg", "obb"):
            vals = list((np.clip(o.polygon, 0, scale) / scale).reshape(-1))
        else:
            x1, y1, x2, y2 = o.box
            vals = [(x1 + x2) / 2 / w, (y1 + y2) / 2 / h, (x2 - x1) / w, (y2 - y1) / h]
            for kx, ky in o.keypoints:  # type: ignore[union-attr]
                vals += [kx / w, ky / h, 2]
        lines.append(f"{o.cls} " + " ".join(f"{v:.6f}" if isinstance(v, float) else str(v) for v in vals))
    return lines
