"""YOLO dump/parse tables and round trips (detect, segment, obb, pose)."""

import math

import numpy as np
import pytest

from anylabel.core.shape import Shape
from anylabel.formats import convert, yolo
from anylabel.formats.base import FormatError

from formats_helpers import poly, rect

SIZE = (100, 50)
CI = {"cat": 0, "dog": 1}


def rot(points, label="cat"):
    return yolo.rotation_shape(np.array(points, dtype=float), label)


@pytest.mark.parametrize(
    "shape, expected",
    [
        (rect(10, 10, 30, 20), "0 0.2 0.3 0.2 0.2"),
        (rect(10, 10, 30, 20, label="dog"), "1 0.2 0.3 0.2 0.2"),
        (poly([[0, 0], [50, 0], [25, 50]]), "0 0.25 0.5 0.5 1"),
        (rot([[10, 10], [30, 10], [30, 20], [10, 20]]), "0 0.2 0.3 0.2 0.2"),
        (Shape("circle", [[50, 25], [60, 25]], label="cat"), "0 0.5 0.5 0.2 0.4"),
        (rect(-10, -10, 10, 10), "0 0.05 0.1 0.1 0.2"),  # clipped to the image
        (rect(90, 40, 120, 60), "0 0.95 0.9 0.1 0.2"),
    ],
)
def test_dump_detect_table(shape, expected):
    lines, skips = yolo.dump_detect([shape], SIZE, CI)
    assert lines == [expected] and skips == []


@pytest.mark.parametrize(
    "shape, reason",
    [
        (Shape("line", [[0, 0], [5, 5]], label="cat"), convert.NOT_AN_AREA),
        (Shape("linestrip", [[0, 0], [5, 5], [9, 1]], label="cat"), convert.NOT_AN_AREA),
        (Shape("point", [[1, 1]], label="cat"), convert.NOT_AN_AREA),
        (poly([[1, 1]]), convert.TOO_FEW_POINTS),
        (poly([[1, 1], [5, 5]]), convert.TOO_FEW_POINTS),
        (rect(10, 10, 10, 20), convert.ZERO_AREA),
        (rect(200, 200, 300, 300), convert.OUTSIDE),
        (rect(1, 1, 5, 5, label="bird"), convert.NOT_IN_CLASSES),
        (Shape("polygon", [[1, 1], [np.nan, 2], [3, 3]], label="cat"), convert.NOT_FINITE),
    ],
)
def test_dump_detect_skips_with_reason(shape, reason):
    lines, skips = yolo.dump_detect([shape], SIZE, CI)
    assert lines == [] and [s.reason for s in skips] == [reason]


def test_dump_segment_turns_area_shapes_into_polygons():
    lines, skips = yolo.dump_segment(
        [rect(10, 10, 30, 20), Shape("circle", [[50, 25], [60, 25]], label="dog")], SIZE, CI
    )
    assert lines[0] == "0 0.1 0.2 0.3 0.2 0.3 0.4 0.1 0.4"
    vals = [float(v) for v in lines[1].split()[1:]]
    assert lines[1].startswith("1 ") and len(vals) == 2 * 64 and skips == []
    xs, ys = np.array(vals[0::2]) * 100, np.array(vals[1::2]) * 50
    assert np.allclose(np.hypot(xs - 50, ys - 25), 10, atol=1e-3)


def test_dump_obb_rectangle_is_a_zero_degree_box_and_circle_is_skipped():
    lines, skips = yolo.dump_obb(
        [rect(10, 10, 30, 20), Shape("circle", [[5, 5], [6, 5]], label="cat")], SIZE, CI
    )
    assert lines == ["0 0.1 0.2 0.3 0.2 0.3 0.4 0.1 0.4"]
    assert [s.reason for s in skips] == [convert.NOT_ROTATED]


@pytest.mark.parametrize(
    "line, problem",
    [
        ("0 0.5 0.5 0.2", "5 values"),
        ("x 0.5 0.5 0.2 0.2", "numbers"),
        ("0 nan 0.5 0.2 0.2", "NaN"),
        ("1.5 0.5 0.5 0.2 0.2", "whole number"),
        ("-1 0.5 0.5 0.2 0.2", "whole number"),
    ],
)
def test_parse_detect_rejects_bad_lines_with_line_number(line, problem):
    with pytest.raises(FormatError, match=problem) as err:
        yolo.parse_detect(["", line], SIZE, str)
    assert "line 2" in str(err.value)


def test_parse_segment_rejects_two_point_polygon():
    with pytest.raises(FormatError, match="at least 3 points"):
        yolo.parse_segment(["0 0.1 0.1 0.2 0.2 0.3"], SIZE, str)


def _same(a: Shape, b: Shape) -> bool:
    return a.shape_type == b.shape_type and a.label == b.label and np.allclose(a.points, b.points, atol=1e-3)


@pytest.mark.parametrize(
    "dump, parse, shapes",
    [
        (yolo.dump_detect, yolo.parse_detect, [rect(10, 10, 30, 20), rect(0, 0, 100, 50, label="dog")]),
        (
            yolo.dump_segment,
            yolo.parse_segment,
            [poly([[10, 10], [40, 12], [30, 45], [12, 30]], label="dog")],
        ),
        (yolo.dump_obb, yolo.parse_obb, [rot([[10, 10], [30, 14], [27, 24], [7, 20]])]),
    ],
)
def test_round_trip(dump, parse, shapes):
    names = {v: k for k, v in CI.items()}
    lines, skips = dump(shapes, SIZE, CI)
    back = parse(lines, SIZE, names.__getitem__)
    assert not skips and len(back) == len(shapes)
    assert all(_same(a, b) for a, b in zip(shapes, back))


def test_obb_round_trip_keeps_direction():
    s = rot([[10, 10], [30, 14], [27, 24], [7, 20]])
    back = yolo.parse_obb(yolo.dump_obb([s], SIZE, CI)[0], SIZE, lambda i: "cat")[0]
    assert back.shape_type == "rotation" and math.isclose(back.direction, s.direction, abs_tol=1e-4)


POSE = {"person": ["nose", "left_eye", "right_eye"], "hand": ["thumb"]}


def test_dump_pose_orders_keypoints_pads_missing_and_marks_occluded():
    box = rect(10, 10, 50, 40, label="person", group_id=1)
    nose = Shape("point", [[20, 15]], label="nose", group_id=1)
    right = Shape("point", [[30, 15]], label="right_eye", group_id=1, difficult=True)
    stray = Shape("point", [[1, 1]], label="nose")  # no group: cannot be linked
    lines, skips = yolo.dump_pose([right, box, nose, stray], SIZE, {"person": 0, "hand": 1}, POSE)
    assert lines == ["0 0.3 0.5 0.4 0.6 0.2 0.3 2 0 0 0 0.3 0.3 1"]
    assert [s.reason for s in skips] == [yolo.NO_BOX_FOR_KEYPOINT]


def test_pose_pads_every_row_to_the_longest_class():
    lines, _ = yolo.dump_pose([rect(0, 0, 10, 10, label="hand")], SIZE, {"person": 0, "hand": 1}, POSE)
    assert lines == ["1 0.05 0.1 0.1 0.2 0 0 0 0 0 0 0 0 0"]


def test_pose_round_trip_links_by_group_id():
    shapes = [
        rect(10, 10, 50, 40, label="person", group_id=4),
        Shape("point", [[20, 15]], label="nose", group_id=4),
        Shape("point", [[30, 15]], label="right_eye", group_id=4, difficult=True),
    ]
    lines, _ = yolo.dump_pose(shapes, SIZE, {"person": 0, "hand": 1}, POSE)
    back = yolo.parse_pose(lines, SIZE, ["person", "hand"].__getitem__, POSE)
    assert [s.shape_type for s in back] == ["rectangle", "point", "point"]
    assert len({s.group_id for s in back}) == 1
    assert [s.label for s in back[1:]] == ["nose", "right_eye"]
    assert [s.difficult for s in back[1:]] == [False, True]
    assert np.allclose(back[2].points, [[30, 15]])
