"""What a user relies on: ids in group_id, stable ids through gaps, reset, label gating."""
from __future__ import annotations

import numpy as np
import pytest

from anylabel.core.shape import POINT, Shape, rectangle
from anylabel.inference.trackers import create_tracker
from anylabel.inference.trackers.kalman import KalmanFilter
from anylabel.inference.trackers.matching import iou_matrix, linear_assignment

NAMES = ["bytetrack", "ocsort", "botsort"]


def box(x, y, label="car", score=0.9, w=60, h=40):
    return rectangle(x, y, x + w, y + h, label=label, score=score)


@pytest.mark.parametrize("name", NAMES)
def test_ids_go_to_group_id_and_stay(name):
    tr = create_tracker(name)
    seen = []
    for f in range(10):
        out = tr.update([box(10 + 8 * f, 10), box(300 - 8 * f, 200, "person")])
        seen.append({s.label: s.group_id for s in out})
    assert seen[0] == {"car": 1, "person": 2}
    assert all(s == seen[0] for s in seen)


@pytest.mark.parametrize("name", NAMES)
def test_id_survives_missed_frames(name):
    tr = create_tracker(name)
    ids = []
    for f in range(30):
        shapes = [] if 10 <= f < 18 else [box(20 + 5 * f, 50)]
        ids += [s.group_id for s in tr.update(shapes)]
    assert set(ids) == {1}


@pytest.mark.parametrize("name", NAMES)
def test_reset_restarts(name):
    tr = create_tracker(name)
    tr.update([box(0, 0)])
    tr.update([box(200, 200)])  # a second object
    tr.reset()
    out = tr.update([box(400, 400)])
    assert [s.group_id for s in out] == [1]


@pytest.mark.parametrize("name", NAMES)
def test_one_frame_false_positive_gets_no_id(name):
    tr = create_tracker(name)
    tr.update([box(0, 0)])
    out = tr.update([box(4, 0), box(500, 300)])   # the second box appears once
    assert [s.group_id for s in out] == [1]
    out = tr.update([box(8, 0)])
    assert [s.group_id for s in out] == [1]


@pytest.mark.parametrize("name", NAMES)
def test_new_object_gets_next_id_after_two_frames(name):
    tr = create_tracker(name)
    tr.update([box(0, 0)])
    tr.update([box(4, 0), box(500, 300)])
    out = tr.update([box(8, 0), box(504, 300)])
    assert sorted(s.group_id for s in out) == [1, 2]


def test_min_hits_one_gives_every_box_an_id_at_once():
    tr = create_tracker("bytetrack", {"min_hits": 1})
    tr.update([box(0, 0)])
    out = tr.update([box(4, 0), box(500, 300)])
    assert sorted(s.group_id for s in out) == [1, 2]


@pytest.mark.parametrize("name", NAMES)
def test_label_change_is_not_matched(name):
    tr = create_tracker(name, {"min_hits": 1})
    tr.update([box(0, 0, "car")])
    out = tr.update([box(2, 0, "truck")])
    assert out[0].group_id == 2


def test_low_score_box_keeps_a_track_alive_in_bytetrack():
    tr = create_tracker("bytetrack")
    for f in range(5):
        tr.update([box(10 * f, 0)])
    out = tr.update([box(50, 0, score=0.3)])   # partly hidden: low score
    assert [s.group_id for s in out] == [1]
    assert not create_tracker("bytetrack").update([box(0, 0, score=0.3)])  # low score never starts a track


def test_unscored_shapes_count_as_certain_and_other_types_pass_through():
    tr = create_tracker("ocsort")
    hand = rectangle(0, 0, 50, 50, label="car")  # drawn by hand: score None
    kp = Shape(POINT, np.array([[5.0, 5.0]]), label="nose", group_id=7)
    out = tr.update([hand, kp])
    assert out[0].group_id == 1 and out[1].group_id == 7 and out[1].shape_type == POINT
    assert hand.group_id is None  # inputs are not modified


def test_rotated_boxes_and_polygons_are_tracked_by_their_bounds():
    from anylabel.core.geometry import RotatedBox, rotated_box_corners

    tr = create_tracker("bytetrack")
    for f in range(4):
        rot = Shape("rotation", rotated_box_corners(RotatedBox(100 + 5 * f, 100, 80, 30, 0.4)), label="ship", score=0.9)
        poly = Shape("polygon", np.array([[300, 300], [360, 300], [330, 350]]) + [3 * f, 0], label="blob", score=0.8)
        out = tr.update([rot, poly])
        assert [s.group_id for s in out] == [1, 2] and out[0].shape_type == "rotation"


def test_ocsort_recovers_an_object_that_stopped_while_hidden():
    # Moves right fast, disappears, and comes back where it vanished (it stopped).
    tr = create_tracker("ocsort")
    ids = []
    for f in range(8):
        ids += [s.group_id for s in tr.update([box(20 * f, 100)])]
    for _ in range(6):
        tr.update([])
    ids += [s.group_id for s in tr.update([box(140, 100)])]
    assert set(ids) == {1}


def test_kalman_learns_constant_velocity():
    kf = KalmanFilter()
    mean, cov = kf.initiate(np.array([0.0, 0.0, 20.0, 20.0]))
    for i in range(1, 20):
        mean, cov = kf.predict(mean, cov)
        mean, cov = kf.update(mean, cov, np.array([3.0 * i, -2.0 * i, 20.0, 20.0]))
    assert mean[4] == pytest.approx(3.0, abs=0.1) and mean[5] == pytest.approx(-2.0, abs=0.1)
    means, covs = kf.multi_predict(mean[None], cov[None])
    assert means[0, 0] == pytest.approx(mean[0] + mean[4])


def test_iou_and_assignment():
    a = np.array([[0, 0, 10, 10], [20, 20, 30, 30]], float)
    b = np.array([[20, 20, 30, 30], [0, 0, 10, 5]], float)
    iou = iou_matrix(a, b)
    assert iou[0, 1] == pytest.approx(0.5) and iou[1, 0] == pytest.approx(1.0) and iou[0, 0] == 0
    matches, ur, uc = linear_assignment(1 - iou, 0.4)
    assert matches == [(1, 0)] and ur == [0] and uc == [1]
    assert linear_assignment(np.zeros((0, 3)), 0.5) == ([], [], [0, 1, 2])


def test_detect_and_track_over_a_folder_spares_user_frames(tmp_path):
    """A real (if simple) detector: boxes of the bright blobs in each frame, found with OpenCV."""
    import sys
    from pathlib import Path

    import cv2

    sys.path.insert(0, str(Path(__file__).parents[2] / "core"))
    from seqfixtures import read_shapes, rect, write_labels

    from anylabel.core.label_file import read_label_file
    from anylabel.core.provenance import MACHINE, ownership
    from anylabel.inference.base import Prediction
    from anylabel.inference.trackers.folder import detect_and_track

    class BlobDetector:
        def predict_result(self, image):
            gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
            n, _, stats, _ = cv2.connectedComponentsWithStats((gray > 128).astype(np.uint8))
            return Prediction([rectangle(x, y, x + w, y + h, "blob", score=0.9)
                               for x, y, w, h, _a in stats[1:n]])

    imgs = []
    for f in range(6):
        frame = np.zeros((100, 200, 3), np.uint8)
        frame[20:40, 10 + 8 * f:30 + 8 * f] = 255
        frame[60:80, 170 - 8 * f:190 - 8 * f] = 255
        p = tmp_path / f"v_{f + 1:06d}.png"
        cv2.imwrite(str(p), frame)
        imgs.append(p)
    write_labels(imgs[3], [rect(34, 20, 54, 40, label="mine")])   # the user's frame
    user_text = imgs[3].with_suffix(".json").read_text()
    report = detect_and_track(tmp_path, BlobDetector(), create_tracker("bytetrack"))
    assert report.ok and report.protected == [imgs[3].with_suffix(".json")]
    assert imgs[3].with_suffix(".json").read_text() == user_text
    for f in (0, 1, 2, 4, 5):
        by_y = {s["points"][0][1]: s["group_id"] for s in read_shapes(imgs[f])}
        assert by_y == {20: 1, 60: 2}, f
        assert ownership(read_label_file(imgs[f].with_suffix(".json"))) == MACHINE
    again = detect_and_track(tmp_path, BlobDetector(), create_tracker("bytetrack"))
    assert again.changed == [] and again.unchanged == 5


@pytest.mark.parametrize("name", NAMES)
def test_seed_ids_are_carried_on_and_reserved_ids_skipped(name):
    """A user's id on a box becomes its track's id; a displaced track gets a fresh one."""
    tr = create_tracker(name, {"min_hits": 1})
    tr.reserve_ids({1})
    a, b = (lambda f: box(10 + 8 * f, 10)), (lambda f: box(300 - 8 * f, 200, "person"))
    assert tr.assign([a(0), b(0)]) == [2, 3]          # 1 is taken in the files
    assert tr.assign([a(1), b(1)], seeds=[3, None]) == [3, 4]   # the user says a is 3; b moves on
    assert tr.assign([a(2), b(2)]) == [3, 4]
    assert tr.assign([a(3), b(3)], seeds=[None, 9]) == [3, 9]
    assert tr.assign([a(4), b(4)]) == [3, 9]
    assert tr.assign([a(5), b(5), box(150, 100, "bus")]) == [3, 9, 5]
