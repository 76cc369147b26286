"""Keyframe interpolation of boxes and rotated boxes over a folder of frames."""
from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from seqfixtures import make_frames, read_shapes, rect, write_labels  # noqa: E402

from anylabel.core.geometry import RotatedBox, rotated_box_corners, rotated_box_from_corners  # noqa: E402
from anylabel.core.interpolation import interpolate_folder, interpolate_shape, lerp_angle  # noqa: E402
from anylabel.core.label_file import read_label_file  # noqa: E402
from anylabel.core.provenance import MACHINE, USER, ownership  # noqa: E402
from anylabel.core.shape import Shape, rectangle  # noqa: E402


@pytest.mark.parametrize("a0,a1,t,want", [
    (350, 10, 0.5, 0), (10, 350, 0.5, 0), (0, 90, 0.5, 45), (170, 190, 0.25, 175), (0, 180, 0.5, 90),
])
def test_angle_takes_the_short_way(a0, a1, t, want):
    got = math.degrees(lerp_angle(math.radians(a0), math.radians(a1), t))
    assert math.isclose(got % 360, want % 360, abs_tol=1e-6) or math.isclose(abs(got - want), 360, abs_tol=1e-6)


def test_rectangle_midpoint():
    m = interpolate_shape(rectangle(0, 0, 10, 10, "a", score=0.9), rectangle(20, 10, 40, 30, "a"), 0.5)
    assert np.allclose(m.points, [[10, 5], [25, 20]]) and m.label == "a" and m.score is None


def test_rotated_box_interpolates_centre_size_angle():
    a = Shape("rotation", rotated_box_corners(RotatedBox(100, 100, 40, 20, math.radians(350))), label="s")
    b = Shape("rotation", rotated_box_corners(RotatedBox(200, 150, 80, 40, math.radians(30))), label="s")
    m = interpolate_shape(a, b, 0.25)
    box = rotated_box_from_corners(m.points)
    assert (box.cx, box.cy, box.w, box.h) == pytest.approx((125, 112.5, 50, 25))
    assert math.degrees(box.angle) == pytest.approx(0.0, abs=1e-6) or math.degrees(box.angle) == pytest.approx(360)
    assert m.direction == pytest.approx(box.angle)


def test_mixed_types_are_refused():
    a = rectangle(0, 0, 1, 1)
    with pytest.raises(ValueError):
        interpolate_shape(a, Shape("polygon", np.array([[0, 0], [1, 0], [1, 1]])), 0.5)


def test_folder_fills_gaps_and_spares_user_frames(tmp_path):
    imgs = make_frames(tmp_path, 7)
    write_labels(imgs[0], [rect(0, 0, 10, 10, gid=1), rect(100, 0, 110, 10, label="p", gid=2)])
    write_labels(imgs[3], [rect(99, 99, 101, 101, label="mine")])           # the user's frame: no id 1
    write_labels(imgs[6], [rect(60, 30, 70, 40, gid=1)])
    report = interpolate_folder(tmp_path)
    assert report.ok and len(report.protected) == 1
    got = {i: read_shapes(img) for i, img in enumerate(imgs)}
    assert got[3] == [rect(99, 99, 101, 101, label="mine")] or got[3][0]["label"] == "mine"
    assert len(got[3]) == 1
    for i in (1, 2, 4, 5):
        (s,) = got[i]
        assert s["group_id"] == 1 and s["label"] == "car"
        assert np.allclose(s["points"], [[10 * i, 5 * i], [10 + 10 * i, 10 + 5 * i]])
        assert ownership(read_label_file(imgs[i].with_suffix(".json"))) == MACHINE
    # Track 2 has a single keyframe: nothing to interpolate.
    assert all(s["group_id"] != 2 for i in (1, 2, 4, 5) for s in got[i])


def test_rerun_after_moving_a_keyframe_refreshes_and_is_idempotent(tmp_path):
    imgs = make_frames(tmp_path, 5)
    write_labels(imgs[0], [rect(0, 0, 10, 10, gid=1)])
    write_labels(imgs[4], [rect(40, 0, 50, 10, gid=1)])
    interpolate_folder(tmp_path)
    stamp = imgs[2].with_suffix(".json").stat().st_mtime_ns
    again = interpolate_folder(tmp_path)
    assert again.changed == [] and again.unchanged == 3
    assert imgs[2].with_suffix(".json").stat().st_mtime_ns == stamp
    write_labels(imgs[4], [rect(80, 0, 90, 10, gid=1)])   # the user moves the last keyframe
    interpolate_folder(tmp_path)
    assert np.allclose(read_shapes(imgs[2])[0]["points"], [[40, 0], [50, 10]])


def test_a_user_correction_becomes_a_keyframe(tmp_path):
    imgs = make_frames(tmp_path, 5)
    write_labels(imgs[0], [rect(0, 0, 10, 10, gid=1)])
    write_labels(imgs[4], [rect(40, 0, 50, 10, gid=1)])
    interpolate_folder(tmp_path)
    p = imgs[2].with_suffix(".json")
    ann = read_label_file(p)
    ann.shapes[0].points = ann.shapes[0].points + [0, 50]   # corrected by hand
    from anylabel.core.label_file import write_label_file
    write_label_file(p, ann)
    assert ownership(read_label_file(p)) == USER
    interpolate_folder(tmp_path)
    assert np.allclose(read_shapes(imgs[1])[0]["points"], [[10, 25], [20, 35]])   # between frame 0 and the correction
    assert np.allclose(read_shapes(imgs[2])[0]["points"], [[20, 50], [30, 60]])   # the correction itself stays


def test_bad_file_is_named_and_others_go_on(tmp_path):
    imgs = make_frames(tmp_path, 5)
    write_labels(imgs[0], [rect(0, 0, 10, 10, gid=1)])
    imgs[2].with_suffix(".json").write_text("{not json")
    write_labels(imgs[4], [rect(40, 0, 50, 10, gid=1)])
    report = interpolate_folder(tmp_path)
    assert len(report.errors) == 1 and imgs[2].stem in report.errors[0]
    assert imgs[2].with_suffix(".json").read_text() == "{not json"
    assert read_shapes(imgs[1]) and read_shapes(imgs[3])
