"""Synthetic clips with drawn truth: objects of distinct colours moving over a grey
textured background, crossing each other and passing behind a wall."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

W, H = 320, 240
COLOURS = {"red": (220, 40, 40), "blue": (40, 60, 220), "green": (40, 200, 60)}


@dataclass
class Clip:
    frames: list[np.ndarray]               # RGB
    truth: dict[int, list[np.ndarray]]     # track id -> visible mask per frame
    full: dict[int, list[np.ndarray]]      # track id -> mask without occlusion
    labels: dict[int, str]
    centres: dict[int, list[tuple[float, float]]]

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for i, f in enumerate(self.frames):
            cv2.imwrite(str(folder / f"frame_{i + 1:04d}.png"), cv2.cvtColor(f, cv2.COLOR_RGB2BGR))
        return folder


def _background(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = rng.integers(95, 140, (H // 8, W // 8), dtype=np.uint8)
    grey = cv2.resize(base, (W, H), interpolation=cv2.INTER_LINEAR)
    grey = np.clip(grey.astype(np.int16) + rng.integers(-5, 6, grey.shape), 0, 255).astype(np.uint8)
    return np.repeat(grey[:, :, None], 3, axis=2)


def make_clip(kind: str, n: int = 24, seed: int = 0) -> Clip:
    """``moving``: a disc and a square in straight lines; ``crossing``: two discs pass each
    other (the blue one in front); ``occluded``: a disc passes fully behind a wall."""
    bg = _background(seed)
    # id -> (colour, shape, radius, start (x, y), velocity per frame)
    if kind == "moving":
        objs = {1: ("red", "disc", 22, (50, 70), (8, 3)), 2: ("green", "square", 20, (260, 180), (-6, -4))}
        wall = None
    elif kind == "crossing":
        objs = {1: ("red", "disc", 24, (50, 120), (10, 0)), 2: ("blue", "disc", 24, (270, 125), (-10, 0))}
        wall = None
    elif kind == "occluded":
        objs = {1: ("red", "disc", 20, (30, 120), (12, 0)), 2: ("green", "square", 18, (60, 50), (5, 1))}
        wall = (130, 210)   # x range of the wall, full height: the disc is hidden on 4 frames
    else:
        raise ValueError(kind)
    frames, truth, full, centres = [], {i: [] for i in objs}, {i: [] for i in objs}, {i: [] for i in objs}
    for t in range(n):
        img = bg.copy()
        masks = {}
        for i, (colour, shape, r, (x0, y0), (vx, vy)) in objs.items():
            cx, cy = x0 + vx * t, y0 + vy * t
            m = np.zeros((H, W), np.uint8)
            if shape == "disc":
                cv2.circle(m, (int(round(cx)), int(round(cy))), r, 1, -1)
            else:
                cv2.rectangle(m, (int(cx - r), int(cy - r)), (int(cx + r), int(cy + r)), 1, -1)
            masks[i] = m.astype(bool)
            centres[i].append((float(cx), float(cy)))
        visible = {i: m.copy() for i, m in masks.items()}
        for i in objs:   # painted in id order: later ids are in front
            img[masks[i]] = COLOURS[objs[i][0]]
            for j in objs:
                if j < i:
                    visible[j] &= ~masks[i]
        if wall is not None:
            wm = np.zeros((H, W), bool)
            wm[:, wall[0]:wall[1]] = True
            img[wm] = bg[wm] // 2 + 30   # a darker grey wall, in front of everything
            for i in objs:
                visible[i] &= ~wm
        frames.append(img)
        for i in objs:
            truth[i].append(visible[i])
            full[i].append(masks[i])
    return Clip(frames, truth, full, {i: objs[i][0] for i in objs}, centres)


def iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.logical_or(a, b).sum()
    return 1.0 if union == 0 else float(np.logical_and(a, b).sum() / union)
