"""Appearance keeps ids where motion alone swaps them (real MobileNetV2 embedder)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from anylabel.core.image_io import read_image_rgb
from anylabel.core.shape import rectangle
from anylabel.inference.trackers import create_tracker
from anylabel.inference.trackers.appearance import Embedder

W, H = 800, 360


def _bounce(tracker, textures, speed=14.0, gap=40.0) -> int:
    """Two textured objects approach, overlap and bounce back; returns id changes per object."""
    ca, cb, va, vb = 150.0, 650.0, speed, -speed
    first: dict[int, int] = {}
    changes = 0
    while 60 <= ca and cb <= W - 60:
        if cb - ca <= gap and va > 0:
            va, vb = -speed, speed
        frame = np.full((H, W, 3), 120, np.uint8)
        shapes = []
        for k, c in enumerate((ca, cb)):
            x1 = int(round(c - 50))
            frame[110:250, x1:x1 + 100] = textures[k]
            shapes.append(rectangle(x1, 110, x1 + 100, 250, label="object", score=0.9))
        for k, tid in enumerate(tracker.assign(shapes, frame)):
            if tid is not None:
                if first.setdefault(k, tid) != tid:
                    changes += 1
                    first[k] = tid
        ca, cb = ca + va, cb + vb
    return changes


@pytest.fixture
def textures(darknet_photo):
    return [cv2.resize(read_image_rgb(darknet_photo.parent / f"{n}.jpg"), (100, 140)) for n in ("dog", "horses")]


def test_motion_alone_swaps_appearance_does_not(shared_models, textures):
    model = shared_models / "mobilenetv2_embedder.onnx"
    if not model.exists():
        pytest.skip(f"{model} is absent")
    assert _bounce(create_tracker("bytetrack"), textures) > 0   # the trap is real
    assert _bounce(create_tracker("ocsort"), textures) > 0
    tracker = create_tracker("botsort", {"reid_model": str(model), "proximity_thresh": 0.8})
    assert tracker.needs_frames
    assert _bounce(tracker, textures) == 0


def test_embedder_features(shared_models, textures):
    emb = Embedder(shared_models / "mobilenetv2_embedder.onnx")
    frame = np.concatenate(textures, axis=1)
    f = emb.embed(frame, np.array([[0, 0, 100, 140], [100, 0, 200, 140], [2, 0, 102, 140]], float))
    assert f.shape == (3, 1280)
    assert np.allclose(np.linalg.norm(f, axis=1), 1.0, atol=1e-5)
    assert f[0] @ f[2] > f[0] @ f[1]   # a shifted crop of the dog is closer to the dog than the horses


def test_appearance_tracker_needs_frames(shared_models):
    tr = create_tracker("botsort", {"reid_model": str(shared_models / "mobilenetv2_embedder.onnx")})
    with pytest.raises(ValueError, match="frame"):
        tr.update([rectangle(0, 0, 10, 10, score=0.9)], None)


def _wall(tracker, textures) -> int:
    """Three textured walkers pass behind a wall (x 350..470: not seen, not detected) and slow
    down there, so the motion prediction runs ahead of them; returns id changes."""
    xs, speeds, slow = [60.0, 100.0, 140.0], [7.0, 6.0, 8.0], [0.5, 0.6, 0.4]
    first: dict[int, int] = {}
    changes = 0
    for _ in range(90):
        frame = np.full((400, 800, 3), 110, np.uint8)
        shapes, who = [], []
        for k in range(3):
            x, y = xs[k], 40 + k * 120
            if not 350 <= x <= 470 and int(x) + 30 < 800:
                xi = int(x)
                frame[y:y + 80, xi - 30:xi + 30] = textures[k]
                shapes.append(rectangle(xi - 30, y, xi + 30, y + 80, "walker", score=0.9))
                who.append(k)
            xs[k] += speeds[k] * (slow[k] if 350 <= x <= 470 else 1.0)
        for k, tid in zip(who, tracker.assign(shapes, frame)):
            if tid is not None and first.setdefault(k, tid) != tid:
                changes += 1
                first[k] = tid
    return changes


def test_lost_tracks_are_recognised_after_hiding(shared_models, darknet_photo):
    textures = [cv2.resize(read_image_rgb(darknet_photo.parent / f"{n}.jpg"), (60, 80))
                for n in ("dog", "horses", "eagle")]
    cfg = {"track_buffer": 60}
    assert _wall(create_tracker("bytetrack", cfg), textures) == 3     # every walker comes out as new
    assert _wall(create_tracker("ocsort", cfg), textures) == 3
    # 128 x 64 crops: a quarter of the default cost, enough for these textures.
    reid = {"reid_model": str(shared_models / "mobilenetv2_embedder.onnx"), "reid_input_height": 128,
            "reid_input_width": 64}
    assert _wall(create_tracker("botsort", {**cfg, **reid}), textures) == 0
    assert _wall(create_tracker("botsort", {**cfg, **reid, "reid_lost": False}), textures) == 3
