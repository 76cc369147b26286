"""Review state in the label file: X-AnyLabeling's ``checked`` plus a ``review`` record."""
import json
from datetime import datetime, timezone

import pytest

from anylabel.core.label_file import ImageAnnotation, read_label_file, write_label_file
from anylabel.core.review import (
    ACCEPTED,
    REJECTED,
    UNCHECKED,
    review_comment,
    review_state,
    set_review_state,
    set_shape_comment,
    shape_comment,
)
from anylabel.core.shape import rectangle


def _save_load(tmp_path, ann):
    path = tmp_path / "a.json"
    write_label_file(path, ann)
    return read_label_file(path), json.loads(path.read_text())


@pytest.mark.parametrize("state,checked", [(UNCHECKED, False), (ACCEPTED, True), (REJECTED, False)])
def test_each_state_survives_save_and_load(tmp_path, state, checked):
    ann = ImageAnnotation(shapes=[rectangle(0, 0, 5, 5, "cat")], image_path="a.png")
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    set_review_state(ann, state, reviewer="qa", comment="box too loose" if state == REJECTED else None, when=when)
    back, raw = _save_load(tmp_path, ann)
    assert review_state(back) == state
    assert raw["checked"] is checked  # a boolean, as X-AnyLabeling reads and writes it
    if state == REJECTED:
        assert raw["review"] == {"state": "rejected", "at": "2026-01-02T03:04:05+00:00", "by": "qa",
                                 "comment": "box too loose"}
        assert review_comment(back) == "box too loose"
    if state == UNCHECKED:
        assert "review" not in raw


def test_checked_wins_over_a_stale_record():
    ann = ImageAnnotation()
    set_review_state(ann, REJECTED)
    ann.checked = True  # ticked in X-AnyLabeling after the rejection
    assert review_state(ann) == ACCEPTED
    ann = ImageAnnotation()
    set_review_state(ann, ACCEPTED)
    ann.checked = False  # unticked there
    assert review_state(ann) == UNCHECKED
    assert review_state(None) == UNCHECKED
    with pytest.raises(ValueError, match="review state"):
        set_review_state(ann, "approved")


def test_shape_comments_round_trip_and_clear(tmp_path):
    s = rectangle(0, 0, 5, 5, "cat")
    set_shape_comment(s, "tail not included")
    back, raw = _save_load(tmp_path, ImageAnnotation(shapes=[s]))
    assert shape_comment(back.shapes[0]) == "tail not included"
    assert raw["shapes"][0]["review_comment"] == "tail not included"
    set_shape_comment(back.shapes[0], "")
    back2, raw2 = _save_load(tmp_path, back)
    assert shape_comment(back2.shapes[0]) == "" and "review_comment" not in raw2["shapes"][0]
