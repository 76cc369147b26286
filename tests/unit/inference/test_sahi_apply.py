"""SAHI tiling/merging and merging predictions into existing annotations."""
from __future__ import annotations

import numpy as np

from anylabel.core.label_file import ImageAnnotation
from anylabel.core.shape import POINT, Shape, rectangle
from anylabel.inference.apply import apply_prediction, merge_shapes
from anylabel.inference.base import Prediction
from anylabel.inference.postprocess.sahi import merge_shapes as sahi_merge
from anylabel.inference.postprocess.sahi import slice_windows


def test_slice_windows_cover_the_image_with_overlap() -> None:
    wins = slice_windows(1000, 1500, 512, 512, 0.2, 0.2)
    cover = np.zeros((1000, 1500), bool)
    for x0, y0, x1, y1 in wins:
        assert x1 - x0 == 512 and y1 - y0 == 512 and x1 <= 1500 and y1 <= 1000
        cover[y0:y1, x0:x1] = True
    assert cover.all()
    xs = sorted({w[0] for w in wins})
    assert all(b - a <= 512 * 0.8 + 1 for a, b in zip(xs, xs[1:]))
    assert slice_windows(100, 100, 512, 512, 0.2, 0.2) == [(0, 0, 100, 100)]


def test_sahi_merge_drops_duplicates_across_tiles() -> None:
    shapes = [rectangle(10, 10, 50, 50, "car", score=0.9), rectangle(11, 10, 51, 50, "car", score=0.8),
              rectangle(11, 10, 51, 50, "bus", score=0.7), rectangle(200, 200, 220, 220, "car", score=0.6)]
    out = sahi_merge(shapes, "nms", 0.5, agnostic=False, max_det=100)
    assert [(s.label, s.score) for s in out] == [("car", 0.9), ("bus", 0.7), ("car", 0.6)]


def test_merge_keeps_manual_shapes_and_skips_repeats() -> None:
    manual = rectangle(0, 0, 5, 5, "manual", group_id=3)
    pred = [rectangle(10, 10, 20, 20, "person", score=0.9, group_id=0),
            Shape(POINT, np.array([[12.0, 12.0]]), label="nose", group_id=0, score=0.8)]
    ann = ImageAnnotation(shapes=[manual])
    assert apply_prediction(ann, Prediction(shapes=[s.copy() for s in pred]))
    assert ann.shapes[0] is manual and len(ann.shapes) == 3
    assert {s.group_id for s in ann.shapes[1:]} == {4}  # moved above the manual group 3
    # Running again with the same prediction changes nothing.
    assert not apply_prediction(ann, Prediction(shapes=[s.copy() for s in pred]))
    assert len(ann.shapes) == 3


def test_replace_and_flags() -> None:
    ann = ImageAnnotation(shapes=[rectangle(0, 0, 5, 5, "manual")], flags={"old": True})
    assert apply_prediction(ann, Prediction(shapes=[rectangle(1, 1, 2, 2, "x")], flags={"cat": True}), replace=True)
    assert [s.label for s in ann.shapes] == ["x"] and ann.flags == {"old": True, "cat": True}
    assert not apply_prediction(ann, Prediction(shapes=[rectangle(1, 1, 2, 2, "x")], flags={"cat": True}),
                                replace=True)
    assert merge_shapes([], [], replace=False) == []
