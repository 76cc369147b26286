from __future__ import annotations

import math

import numpy as np
import pytest

from anylabel.core import Shape
from anylabel.core import geometry as g


def test_rectangle_is_normalised_to_top_left_bottom_right():
    s = Shape("rectangle", [[50, 40], [10, 80]])
    np.testing.assert_array_equal(s.points, [[10, 40], [50, 80]])


def test_shape_copy_is_deep_and_equal():
    s = Shape("polygon", [[0, 0], [4, 0], [4, 3]], label="a", attributes={"k": [1]}, extra={"x": {"y": 1}})
    c = s.copy()
    assert c == s
    c.points[0, 0] = 9
    c.attributes["k"].append(2)
    assert s.points[0, 0] == 0 and s.attributes["k"] == [1]
    assert c != s


@pytest.mark.parametrize("shape, expected_area, bbox", [
    (Shape("rectangle", [[0, 0], [4, 3]]), 12.0, (0, 0, 4, 3)),
    (Shape("polygon", [[0, 0], [4, 0], [4, 3]]), 6.0, (0, 0, 4, 3)),
    (Shape("circle", [[10, 10], [13, 14]]), math.pi * 25, (5, 5, 15, 15)),
    (Shape("line", [[0, 0], [3, 4]]), 0.0, (0, 0, 3, 4)),
    (Shape("point", [[2, 3]]), 0.0, (2, 3, 2, 3)),
    (Shape("rotation", g.rotated_box_corners(g.RotatedBox(50, 50, 20, 10, math.radians(30)))), 200.0, None),
])
def test_area_and_bounding_box(shape, expected_area, bbox):
    assert g.area(shape) == pytest.approx(expected_area)
    if bbox is not None:
        assert g.bounding_box(shape) == pytest.approx(bbox)


@pytest.mark.parametrize("deg", [0, 15, 90, 179.9, 200, 359])
def test_rotated_box_roundtrip(deg):
    box = g.RotatedBox(100.0, 60.0, 40.0, 12.0, math.radians(deg))
    corners = g.rotated_box_corners(box)
    back = g.rotated_box_from_corners(corners)
    assert (back.cx, back.cy, back.w, back.h) == pytest.approx((100, 60, 40, 12))
    assert back.angle == pytest.approx(math.radians(deg) % (2 * math.pi))
    assert 0 <= back.angle < 2 * math.pi


def test_rotate_corners_keeps_size_and_centre():
    c = g.rotated_box_corners(g.RotatedBox(10, 10, 8, 4, 0.0))
    r = g.rotate_corners(c, math.radians(1))
    b = g.rotated_box_from_corners(r)
    assert (b.cx, b.cy, b.w, b.h) == pytest.approx((10, 10, 8, 4))
    assert b.degrees == pytest.approx(1.0)
    r = g.rotate_corners(c, -math.radians(0.1))
    assert g.rotated_box_from_corners(r).degrees == pytest.approx(359.9)


def test_polygon_mask_roundtrip():
    square = np.array([[10, 10], [30, 10], [30, 20], [10, 20]], dtype=float)
    mask = g.polygon_to_mask(square, 40, 50)
    assert mask.sum() == 20 * 10
    assert mask[10, 10] and mask[19, 29] and not mask[20, 10] and not mask[10, 30]
    polys = g.mask_to_polygons(mask, tolerance=0.5)
    assert len(polys) == 1
    back = g.polygon_to_mask(polys[0], 40, 50)
    inter = (back & mask).sum()
    union = (back | mask).sum()
    assert inter / union > 0.95


def test_mask_to_polygons_finds_each_part_and_optional_holes():
    m = np.zeros((60, 60), bool)
    m[5:25, 5:25] = True
    m[30:55, 30:55] = True
    m[38:45, 38:45] = False  # a hole
    assert len(g.mask_to_polygons(m)) == 2
    assert len(g.mask_to_polygons(m, with_holes=True)) == 3


def test_hit_tests():
    poly = Shape("polygon", [[0, 0], [10, 0], [10, 10], [0, 10]])
    assert g.contains_point(poly, 5, 5)
    assert not g.contains_point(poly, 12, 5)
    assert g.contains_point(poly, 12, 5, tolerance=2.5)
    assert g.distance_to_edge(poly, 5, 3) == pytest.approx(3)
    line = Shape("line", [[0, 0], [10, 0]])
    assert g.contains_point(line, 5, 1, tolerance=1.5) and not g.contains_point(line, 5, 3, tolerance=1.5)
    circle = Shape("circle", [[0, 0], [5, 0]])
    assert g.contains_point(circle, 3, 3) and not g.contains_point(circle, 4, 4)
    assert g.distance_to_edge(circle, 0, 0) == pytest.approx(5)
    assert g.nearest_vertex(poly, 9, 9) == (2, pytest.approx(math.sqrt(2)))
    assert g.nearest_edge(poly, 5, 9)[0] == 2
    point = Shape("point", [[3, 4]])
    assert g.distance_to_edge(point, 0, 0) == pytest.approx(5)


def test_validate_rejects_nan_and_wrong_counts():
    with pytest.raises(ValueError, match="NaN"):
        Shape("polygon", [[0, math.nan], [1, 1], [2, 2]]).validate()
    with pytest.raises(ValueError, match="needs 2 points"):
        Shape("line", [[0, 0]]).validate()
    Shape("polygon", [[0, 0]]).validate()  # degenerate but well formed


def test_mask_outline_follows_pixel_edges_for_thin_and_blobby_regions():
    import cv2

    line = np.zeros((10, 12), bool)
    line[2, 1:8] = True  # one pixel high: both ends must keep their square corners
    (poly,) = g.mask_to_polygons(line, tolerance=0)
    assert (g.polygon_to_mask(poly, 10, 12) == line).all()
    assert g.mask_to_polygons(np.pad(np.ones((1, 1), bool), 3), tolerance=0)[0].tolist() == [
        [3, 3], [4, 3], [4, 4], [3, 4]]
    rng = np.random.default_rng(0)
    blobs = cv2.morphologyEx((rng.random((120, 160)) > 0.5).astype(np.uint8), cv2.MORPH_OPEN,
                             np.ones((3, 3), np.uint8)).astype(bool)
    back = np.zeros_like(blobs)
    for p in g.mask_to_polygons(blobs, tolerance=0):
        back |= g.polygon_to_mask(p, *blobs.shape)
    assert (back & blobs).sum() / (back | blobs).sum() > 0.97
