"""Keypoint names derived from the labels when no pose config is given."""
from __future__ import annotations

from anylabel.core import Shape
from anylabel.formats.pose_keypoints import keypoint_names_by_class, merge_keypoint_names


def _box(label, gid):
    return Shape("rectangle", [[0, 0], [10, 10]], label=label, group_id=gid)


def _pt(label, gid):
    return Shape("point", [[1, 1]], label=label, group_id=gid)


def test_names_per_class_in_the_order_first_met():
    images = [
        [_box("person", 1), _pt("nose", 1), _pt("l_eye", 1), _box("car", 2), _pt("wheel", 2)],
        [_pt("r_eye", 5), _box("person", 5), _pt("nose", 5), _pt("l_eye", 5)],
        [_box("person", 1), _pt("tail", 9), _pt("", 1)],  # a point without a box, an unlabelled point
        [_box("dog", 3)],  # a box with no points names nothing
    ]
    assert keypoint_names_by_class(images) == {"person": ["nose", "l_eye", "r_eye"], "car": ["wheel"]}


def test_a_group_belongs_to_its_first_box_and_lines_are_not_boxes():
    shapes = [Shape("line", [[0, 0], [5, 5]], label="rope", group_id=1), _box("a", 1), _box("b", 1), _pt("k", 1)]
    assert keypoint_names_by_class([shapes]) == {"a": ["k"]}


def test_chunks_merged_in_order_equal_one_pass():
    images = [[_box("p", 1), _pt(n, 1)] for n in ("x", "y", "x", "z", "w", "y")]
    parts = [keypoint_names_by_class(images[i : i + 2]) for i in range(0, 6, 2)]
    assert merge_keypoint_names(parts) == keypoint_names_by_class(images) == {"p": ["x", "y", "z", "w"]}
