"""SAM mask -> polygon shapes: the kept parts are found on a crop of the mask and traced
there, so these check that the shapes land where the parts are, that the choice among
equal parts does not depend on the crop, and that simplification never crosses itself."""
from __future__ import annotations

import cv2
import numpy as np
import shapely

from anylabel.core.geometry import mask_to_polygons
from anylabel.inference.sam.mask_output import mask_to_shapes


def _outline(part: np.ndarray) -> list[list[float]]:
    """The outline of a part traced on its own (the expected polygon)."""
    (poly,) = mask_to_polygons(part, tolerance=0.0)
    return poly.tolist()


def _notched_boxes(h: int, w: int, offset: tuple[int, int]) -> list[np.ndarray]:
    """Three separate parts, shifted by ``offset`` (x, y)."""
    ox, oy = offset
    parts = []
    for x0, y0, x1, y1, notch in ((3, 5, 40, 31, (10, 20, 5, 12)), (60, 2, 71, 50, None),
                                  (20, 40, 50, 59, (30, 40, 50, 55))):
        p = np.zeros((h, w), bool)
        p[oy + y0:oy + y1, ox + x0:ox + x1] = True
        if notch:
            nx0, nx1, ny0, ny1 = notch
            p[oy + ny0:oy + ny1, ox + nx0:ox + nx1] = False  # a notch in from the edge
        parts.append(p)
    return parts


def test_parts_far_from_the_mask_origin_are_outlined_where_they_are():
    # Odd offsets, so the crop's even alignment and the shift back are both exercised.
    for offset in ((0, 0), (101, 57), (188, 237)):
        parts = _notched_boxes(300, 400, offset)
        for speck in (False, True):  # every part kept / a speck dropped
            m = np.logical_or.reduce(parts)
            m[offset[1] + 62, offset[0] + 5] = speck
            shapes = mask_to_shapes(m, "polygon", "obj", tolerance=0.0, group_id=3)
            assert sorted(s.points.tolist() for s in shapes) == sorted(_outline(p) for p in parts)
            assert all(s.group_id == 3 for s in shapes)


def test_parts_with_overlapping_boxes_are_kept_apart():
    # Two interleaved combs: each one's bounding box covers the other, and a speck is
    # dropped, so the kept parts are picked out of the labels over a shared region.
    h, w = 40, 64
    a = np.zeros((h, w), bool)
    b = np.zeros((h, w), bool)
    a[10, 5:57] = True
    b[10 + h - 15, 5:59] = True
    for x in range(5, 57, 8):
        a[10:10 + h - 17, x:x + 2] = True      # teeth down from the top bar
        b[12:10 + h - 14, x + 4:x + 6] = True  # teeth up from the bottom bar
    m = a | b
    m[2, 2] = True
    shapes = mask_to_shapes(m, "polygon", tolerance=0.0)
    assert sorted(s.points.tolist() for s in shapes) == sorted([_outline(a), _outline(b)])


def test_equal_parts_beyond_max_parts_are_chosen_as_on_the_whole_mask():
    # A and B have the same size; only one may be kept. OpenCV numbers parts by 2 x 2
    # blocks, so on the whole mask A (row 3, left) comes before B (row 2, right), but on a
    # crop starting at row 1 (the speck C) B would come first.
    m = np.zeros((12, 20), bool)
    m[1, 15] = True     # C: dropped (under half of the largest part)
    m[3, 0:3] = True    # A
    m[2, 9:12] = True   # B
    _, labels = cv2.connectedComponents(m.view(np.uint8), connectivity=8)
    assert labels[3, 0] < labels[2, 9]  # the premise: A is numbered first on the whole mask
    (shape,) = mask_to_shapes(m, "polygon", tolerance=0.0, min_part_fraction=0.5, max_parts=1)
    assert shape.points.min(axis=0).tolist() == [0, 3] and shape.points.max(axis=0).tolist() == [3, 4]


def test_simplified_outlines_never_cross_themselves():
    m = np.random.default_rng(12).random((24, 24)) < 0.6
    # The premise: plain Douglas-Peucker makes at least one of these outlines cross itself.
    crossing = 0
    for p in mask_to_polygons(m, tolerance=0.0):
        if len(p) > 4:
            a = cv2.approxPolyDP(p.astype(np.float32).reshape(-1, 1, 2), 2.0, True).reshape(-1, 2)
            crossing += len(a) >= 3 and not shapely.Polygon(a).is_valid
    assert crossing
    shapes = mask_to_shapes(m, "polygon", tolerance=2.0, min_part_fraction=0.0, max_parts=1000)
    assert len(shapes) == len(mask_to_polygons(m, tolerance=0.0))
    assert all(shapely.Polygon(s.points).is_valid for s in shapes)
