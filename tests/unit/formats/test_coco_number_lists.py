"""COCO number lists: the quick check (one C-level sum) accepts and refuses what the long
one does, with its messages."""
from __future__ import annotations

import pytest

from anylabel.formats.base import FormatError
from anylabel.formats.coco_import import _num_list, parse_annotation


@pytest.mark.parametrize("raw, expected", [
    ([1, 2.5, True], [1.0, 2.5, 1.0]),
    (["1.5", 2], [1.5, 2.0]),  # text that reads as a number, as before
    ([1e308, 1e308], [1e308, 1e308]),  # finite values whose sum overflows
    ([], []),
])
def test_accepted_lists(raw, expected):
    got = _num_list(raw, "annotation 1", "bbox")
    assert got == expected and all(type(v) is float for v in got)


@pytest.mark.parametrize("raw, message", [
    ([1, None], "must be a list of numbers"),
    ([1, "x"], "must be a list of numbers"),
    ([[1, 2]], "must be a list of numbers"),
    ("1,2", "must be a list of numbers"),
    ([1, float("nan")], "contains NaN or infinite"),
    ([float("inf"), float("-inf")], "contains NaN or infinite"),
    ([10**400, 1], "must be a list of numbers"),  # was an OverflowError out of the import
])
def test_refused_lists_name_the_annotation(raw, message):
    with pytest.raises(FormatError, match=f"annotation 1: 'bbox' {message}"):
        _num_list(raw, "annotation 1", "bbox")


def test_an_integer_beyond_any_float_in_a_polygon_is_a_format_error():
    ann = {"id": 7, "segmentation": [[0, 0, 10**400, 0, 5, 5]], "bbox": [0, 0, 1, 1]}
    with pytest.raises(FormatError, match="annotation 7: 'segmentation' must be a list of numbers"):
        parse_annotation(ann, "cat", None, 1)


def test_boxes_are_recognised_from_the_values_as_read():
    box = {"id": 1, "segmentation": [[1.5, 2, 9, 2, 9, 7, 1.5, 7]], "bbox": [1.5, 2, 7.5, 5]}
    (shape,) = parse_annotation(box, "cat", None, 1)
    assert shape.shape_type == "rectangle" and shape.points.tolist() == [[1.5, 2.0], [9.0, 7.0]]
    skew = {"id": 2, "segmentation": [[1, 2, 9, 3, 9, 7, 1, 7]], "bbox": [1, 2, 8, 5]}
    (shape,) = parse_annotation(skew, "cat", None, 1)
    assert shape.shape_type == "polygon" and len(shape.points) == 4
