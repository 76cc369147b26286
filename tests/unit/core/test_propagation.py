"""Propagation of hand-drawn objects through frames (optical flow / template matching)."""
from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from seqfixtures import read_shapes, rect, write_labels  # noqa: E402

from anylabel.core.label_file import read_label_file, write_label_file  # noqa: E402
from anylabel.core.propagation import estimate_motion, propagate  # noqa: E402
from anylabel.core.provenance import MACHINE, ownership  # noqa: E402

N = 12
MOVES = [(20, 30, 8, 3), (300, 150, -6, -2)]   # x0, y0, vx, vy of two 80x60 textured objects


def truth(f: int) -> list[tuple[int, int, int, int]]:
    return [(int(x0 + vx * f), int(y0 + vy * f), int(x0 + vx * f) + 80, int(y0 + vy * f) + 60)
            for x0, y0, vx, vy in MOVES]


@pytest.fixture
def video(tmp_path):
    rng = np.random.default_rng(0)
    textures = [rng.integers(0, 255, (60, 80, 3), dtype=np.uint8) for _ in MOVES]
    textures = [cv2.GaussianBlur(t, (5, 5), 0) for t in textures]
    bg = (rng.random((240, 400, 3)) * 30 + 80).astype(np.uint8)
    imgs = []
    for f in range(N):
        frame = bg.copy()
        for (x1, y1, x2, y2), tex in zip(truth(f), textures):
            frame[y1:y2, x1:x2] = tex
        p = tmp_path / f"v_{f + 1:06d}.png"
        cv2.imwrite(str(p), frame)
        imgs.append(p)
    return tmp_path, imgs


def iou(a, b) -> float:
    ax1, ay1, ax2, ay2 = a
    bx1, by1, bx2, by2 = b
    iw, ih = max(0, min(ax2, bx2) - max(ax1, bx1)), max(0, min(ay2, by2) - max(ay1, by1))
    inter = iw * ih
    return inter / ((ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter)


def boxes_of(img):
    return {s["group_id"]: (*s["points"][0], *s["points"][1]) for s in read_shapes(img) if s["shape_type"] == "rectangle"}


def seed_frame(img, f, **kw):
    a, b = truth(f)
    return write_labels(img, [rect(*a, label="a", **kw), rect(*b, label="b", **kw)])


def test_forward_follows_both_objects_and_gives_them_ids(video):
    folder, imgs = video
    seed_frame(imgs[0], 0)
    report = propagate(folder, 0)
    assert report.ok and report.source_ids_assigned and len(report.changed) == N
    assert {s["group_id"] for s in read_shapes(imgs[0])} == {1, 2}
    for f in range(1, N):
        got = boxes_of(imgs[f])
        assert iou(got[1], truth(f)[0]) > 0.9 and iou(got[2], truth(f)[1]) > 0.9, f
        assert ownership(read_label_file(imgs[f].with_suffix(".json"))) == MACHINE


def test_backward_and_range(video):
    folder, imgs = video
    seed_frame(imgs[N - 1], N - 1, gid=None)
    propagate(folder, N - 1, direction="backward", start=4)
    assert read_shapes(imgs[3]) is None
    for f in range(4, N - 1):
        got = boxes_of(imgs[f])
        assert iou(got[1], truth(f)[0]) > 0.9, f


def test_user_frames_are_never_overwritten_and_steer_what_follows(video):
    folder, imgs = video
    seed_frame(imgs[0], 0)
    propagate(folder, 0, end=5)
    # the user corrects frame 5 (position 5): object 1 moved 6 px down by hand
    p = imgs[5].with_suffix(".json")
    ann = read_label_file(p)
    for s in ann.shapes:
        if s.group_id == 1:
            s.points = s.points + [0, 6]
    write_label_file(p, ann)
    user_text = p.read_text()
    report = propagate(folder, 0)
    assert p.read_text() == user_text and report.protected == [p]
    got = boxes_of(imgs[8])
    x1, y1, _, _ = truth(8)[0]
    assert abs(got[1][1] - (y1 + 6)) < 1.5     # the correction carries on
    assert abs(got[2][1] - truth(8)[1][1]) < 1.5


def test_machine_frames_keep_other_objects(video):
    folder, imgs = video
    seed_frame(imgs[0], 0, gid=None)
    propagate(folder, 0, end=3, track_ids=None)
    # a third object on a machine frame (from another run) survives a re-propagation of ids 1, 2
    p = imgs[2].with_suffix(".json")
    ann = read_label_file(p)
    from anylabel.core.provenance import mark_generated
    from anylabel.core.shape import rectangle
    ann.shapes.append(rectangle(0, 200, 10, 210, "c", group_id=7))
    mark_generated(ann, "tracker")
    write_label_file(p, ann)
    propagate(folder, 0, end=3)
    assert {s["group_id"] for s in read_shapes(imgs[2])} == {1, 2, 7}


def test_object_that_vanishes_stops(tmp_path):
    rng = np.random.default_rng(1)
    tex = cv2.GaussianBlur(rng.integers(0, 255, (60, 80, 3), dtype=np.uint8), (5, 5), 0)
    imgs = []
    for f in range(5):
        frame = np.full((200, 300, 3), 90, np.uint8)
        if f < 2:
            frame[50:110, 40 + 5 * f:120 + 5 * f] = tex
        p = tmp_path / f"v_{f + 1:06d}.png"
        cv2.imwrite(str(p), frame)
        imgs.append(p)
    write_labels(imgs[0], [rect(40, 50, 120, 110, gid=1)])
    report = propagate(tmp_path, 0)
    assert read_shapes(imgs[1]) and report.reached == {1: 1}
    assert all(read_shapes(img) is None for img in imgs[2:])


def test_rotated_boxes_and_points_move(video):
    from anylabel.core.geometry import RotatedBox, rotated_box_corners, rotated_box_from_corners

    folder, imgs = video
    x1, y1, x2, y2 = truth(0)[0]
    corners = rotated_box_corners(RotatedBox((x1 + x2) / 2, (y1 + y2) / 2, 50, 30, 0.3))
    write_labels(imgs[0], [{"label": "r", "points": corners.tolist(), "shape_type": "rotation", "direction": 0.3,
                            "group_id": 4},
                           {"label": "kp", "points": [[(x1 + x2) / 2, (y1 + y2) / 2]], "shape_type": "point",
                            "group_id": 5}])
    propagate(folder, 0, end=4)
    shapes = {s["group_id"]: s for s in read_shapes(imgs[4])}
    box = rotated_box_from_corners(np.array(shapes[4]["points"]))
    tx1, ty1, tx2, ty2 = truth(4)[0]
    assert abs(box.cx - (tx1 + tx2) / 2) < 1.5 and abs(box.cy - (ty1 + ty2) / 2) < 1.5
    assert box.angle == pytest.approx(0.3, abs=0.02) and shapes[4]["direction"] == pytest.approx(box.angle)
    assert np.allclose(shapes[5]["points"][0], [(tx1 + tx2) / 2, (ty1 + ty2) / 2], atol=1.5)


def test_source_without_shapes_and_bad_files(video):
    folder, imgs = video
    assert propagate(folder, 0).errors   # no label file on the source
    seed_frame(imgs[0], 0, gid=3)
    imgs[2].with_suffix(".json").write_text("garbage")
    report = propagate(folder, 0)
    assert any("v_000003.json" in e for e in report.errors)
    assert imgs[2].with_suffix(".json").read_text() == "garbage"
    assert read_shapes(imgs[5])   # it went on past the bad file


def test_estimate_motion_on_flat_patch_is_none():
    flat = np.full((100, 100), 128, np.uint8)
    assert estimate_motion(flat, flat, (10, 10, 50, 50)) is None
    with pytest.raises(ValueError):
        propagate(".", 0, direction="sideways")
