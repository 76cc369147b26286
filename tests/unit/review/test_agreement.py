"""Matching and metrics of anylabel.core.agreement on shapes whose overlaps are known."""
import math

import numpy as np
import pytest

from anylabel.core.agreement import EXTRA, MISSING, Agreement, MatchOptions, compare_shapes, similarity_matrix
from anylabel.core.geometry import RotatedBox, rotated_box_corners
from anylabel.core.shape import Shape, rectangle


def test_box_iou_is_exact():
    sim, ok = similarity_matrix([rectangle(0, 0, 40, 40)], [rectangle(8, 0, 48, 40), rectangle(20, 0, 60, 40)],
                                MatchOptions())
    assert sim[0].tolist() == pytest.approx([32 / 48, 20 / 60])
    assert ok[0].tolist() == [True, False]


def test_rotated_boxes_and_polygons_use_their_true_outline():
    a = Shape("rotation", rotated_box_corners(RotatedBox(50, 50, 60, 20, 0.0)))
    b = Shape("rotation", rotated_box_corners(RotatedBox(50, 50, 60, 20, math.pi / 2)))
    sim, _ = similarity_matrix([a], [b], MatchOptions())
    assert sim[0, 0] == pytest.approx(400 / 2000)  # a cross: 20 x 20 shared of 2 * 1200 - 400
    # the same rotated box as a polygon, and its axis-aligned rectangle, against it
    poly = Shape("polygon", a.points.copy())
    rect = rectangle(20, 40, 80, 60)
    sim, _ = similarity_matrix([a], [poly, rect], MatchOptions())
    assert sim[0].tolist() == pytest.approx([1.0, 1.0])


def test_circles_exact_lens():
    a = Shape("circle", np.array([[0.0, 0.0], [10.0, 0.0]]))
    b = Shape("circle", np.array([[10.0, 0.0], [20.0, 0.0]]))  # r = 10, d = 10
    sim, _ = similarity_matrix([a], [b], MatchOptions())
    inter = 2 * 100 * math.acos(0.5) - 0.5 * math.sqrt(10 * 10 * 10 * 30)
    assert sim[0, 0] == pytest.approx(inter / (2 * math.pi * 100 - inter))
    # a circle against a polygon goes through shapely (64-gon): close to the exact value
    square = rectangle(-10, -10, 10, 10)
    sim, _ = similarity_matrix([a], [square], MatchOptions())
    assert sim[0, 0] == pytest.approx(math.pi * 100 / 400, rel=0.01)


def test_points_by_distance_and_lines_as_corridors():
    p = Shape("point", np.array([[10.0, 10.0]]))
    near, far = Shape("point", np.array([[13.0, 14.0]])), Shape("point", np.array([[30.0, 10.0]]))
    sim, ok = similarity_matrix([p], [near, far], MatchOptions(point_distance=10))
    assert ok[0].tolist() == [True, False] and sim[0, 0] == pytest.approx(0.5)
    line = Shape("line", np.array([[0.0, 0.0], [100.0, 0.0]]))
    close = Shape("line", np.array([[0.0, 1.0], [100.0, 1.0]]))
    apart = Shape("line", np.array([[0.0, 6.0], [100.0, 6.0]]))
    sim, ok = similarity_matrix([line], [close, apart], MatchOptions(line_width=4))
    assert ok[0].tolist() == [True, False] and 0.5 < sim[0, 0] < 1.0
    # kinds never mix: a point on a box's corner is no match for the box
    sim, ok = similarity_matrix([rectangle(0, 0, 10, 10)], [Shape("point", np.array([[0.0, 0.0]]))], MatchOptions())
    assert not ok.any()


def test_counts_relabels_and_confusion():
    ref = [rectangle(0, 0, 40, 40, "cat"), rectangle(100, 0, 140, 40, "cat"), rectangle(200, 0, 240, 40, "dog")]
    cand = [rectangle(200, 0, 240, 40, "cat"), rectangle(2, 0, 42, 40, "cat"), rectangle(400, 0, 440, 40, "dog")]
    c = compare_shapes(ref, cand)
    assert (c.tp, c.fp, c.fn) == (1, 2, 2)
    assert [(m.ref, m.cand) for m in c.matches] == [(0, 1)]
    assert [(m.ref, m.cand) for m in c.relabelled] == [(2, 0)]
    assert c.missed == [1] and c.extra == [2]
    agg = Agreement()
    agg.add(c)
    table = agg.confusion_table(["cat", "dog"])
    m = dict(((r, col), table["matrix"][i][j]) for i, r in enumerate(table["rows"])
             for j, col in enumerate(table["columns"]))
    assert m[("cat", "cat")] == 1 and m[("dog", "cat")] == 1 and m[("cat", MISSING)] == 1
    assert m[(EXTRA, "dog")] == 1
    stats = {k: v.to_dict() for k, v in agg.classes.items()}
    assert stats["cat"] == {"tp": 1, "fp": 1, "fn": 1, "precision": 0.5, "recall": 0.5, "f1": 0.5,
                            "mean_iou": pytest.approx(38 / 42), "mean_point_distance": None}
    assert stats["dog"]["precision"] == 0.0 and stats["dog"]["recall"] == 0.0


def _crowded():
    """Greedy takes r1 for c1 (its best) and leaves c2 nothing; the optimum pairs both."""
    ref = [rectangle(0, 0, 10, 10, "a"), rectangle(3, 0, 13, 10, "a")]
    cand = [rectangle(1, 0, 11, 10, "a", score=0.9), rectangle(-2, 0, 8, 10, "a", score=0.8)]
    return ref, cand


def test_greedy_follows_cocoeval_and_optimal_finds_more():
    ref, cand = _crowded()
    g = compare_shapes(ref, cand, MatchOptions(matching="greedy"))
    o = compare_shapes(ref, cand, MatchOptions(matching="optimal"))
    assert [(m.ref, m.cand) for m in g.matches] == [(0, 0)]
    assert sorted((m.ref, m.cand) for m in o.matches) == [(0, 1), (1, 0)]


def test_greedy_goes_by_score_not_file_order():
    ref = [rectangle(0, 0, 10, 10, "a")]
    cand = [rectangle(1, 0, 11, 10, "a", score=0.2), rectangle(2, 0, 12, 10, "a", score=0.9)]
    c = compare_shapes(ref, cand)
    assert [(m.ref, m.cand) for m in c.matches] == [(0, 1)]


def test_options_are_checked():
    with pytest.raises(ValueError, match="IoU"):
        MatchOptions(iou=0)
    with pytest.raises(ValueError, match="matching"):
        MatchOptions(matching="hungarian")


def test_empty_sides():
    c = compare_shapes([], [rectangle(0, 0, 1, 1, "a")])
    assert (c.tp, c.fp, c.fn, c.f1) == (0, 1, 0, 0.0)
    assert compare_shapes([], []).f1 == 1.0


def test_a_self_crossing_polygon_still_has_an_iou():
    bow = Shape("polygon", np.array([[0.0, 0.0], [10.0, 10.0], [10.0, 0.0], [0.0, 10.0]]))  # two triangles
    sim, _ = similarity_matrix([bow], [rectangle(0, 0, 10, 10)], MatchOptions())
    assert sim[0, 0] == pytest.approx(0.5)  # 50 of the square's 100 square pixels
