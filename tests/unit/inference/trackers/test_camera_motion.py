"""Camera motion compensation: a shaking, panning camera over a textured scene."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from anylabel.core.shape import rectangle
from anylabel.inference.trackers import create_tracker
from anylabel.inference.trackers.gmc import CameraMotion, apply_to_states

W, H = 640, 480


def shaky_scene(tracker, frames: int = 40) -> tuple[int, int]:
    """Six objects that barely move in the world, filmed by a camera that pans and shakes
    by +-35 px per frame (more than their width). Returns (id changes, objects not reported)."""
    rng = np.random.default_rng(0)
    world = cv2.GaussianBlur(rng.integers(0, 255, (1000, 1400, 3), dtype=np.uint8), (7, 7), 0)
    objects = [(300 + i * 60.0, 300 + (i % 3) * 50.0, 1.0 if i % 2 else -1.0) for i in range(6)]
    textures = [cv2.GaussianBlur(rng.integers(0, 255, (40, 30, 3), dtype=np.uint8), (3, 3), 0) for _ in objects]
    first: dict[int, int] = {}
    changes = unreported = 0
    cx, cy = 100.0, 100.0
    for f in range(frames):
        cx += 12 + (35 if f % 2 else -35)
        cy += 20 if f % 3 == 0 else -10
        frame = world[int(cy):int(cy) + H, int(cx):int(cx) + W].copy()
        shapes, who = [], []
        for k, (x, y, vx) in enumerate(objects):
            ix, iy = int(x + vx * f + 12 * f - cx), int(y - cy + 100)
            frame[iy:iy + 40, ix:ix + 30] = textures[k]
            shapes.append(rectangle(ix, iy, ix + 30, iy + 40, "o", score=0.9))
            who.append(k)
        for k, tid in zip(who, tracker.assign(shapes, frame)):
            if tid is None:
                unreported += 1
            elif first.setdefault(k, tid) != tid:
                changes += 1
                first[k] = tid
    return changes, unreported


@pytest.mark.parametrize("name", ["bytetrack", "ocsort"])
def test_compensation_keeps_every_object_tracked(name):
    assert shaky_scene(create_tracker(name))[1] > 50          # without it, half the frames are lost
    assert shaky_scene(create_tracker(name, {"gmc_method": "sparseOptFlow"})) == (0, 0)


def test_estimated_shift_and_state_transform():
    rng = np.random.default_rng(1)
    img = cv2.GaussianBlur(rng.integers(0, 255, (300, 400, 3), dtype=np.uint8), (5, 5), 0)
    cam = CameraMotion()
    assert np.allclose(cam.estimate(img), np.eye(2, 3))       # first frame: no motion known
    shifted = np.roll(img, (7, -12), axis=(0, 1))               # content moves 12 px left, 7 down
    m = cam.estimate(shifted)
    assert m[:, 2] == pytest.approx([-12, 7], abs=1.0) and np.allclose(m[:, :2], np.eye(2), atol=0.02)
    means = np.array([[100.0, 50.0, 20.0, 10.0, 1.0, 0.0, 0.0, 0.0]])
    moved, covs = apply_to_states(m, means, np.eye(8)[None])
    assert moved[0, :2] == pytest.approx([88, 57], abs=1.0) and moved[0, 2:4] == pytest.approx([20, 10], abs=0.5)
    with pytest.raises(ValueError, match="frame"):
        create_tracker("bytetrack", {"gmc_method": "sparseOptFlow"}).update([rectangle(0, 0, 5, 5)], None)
