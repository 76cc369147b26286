"""Wrongly typed values in a label file: one LabelFileError naming the file and the key,
never a TypeError/RecursionError later and never a silently wrong value."""
from __future__ import annotations

import json

import pytest

from anylabel.core import LabelFileError, read_label_file, write_label_file
from anylabel.core.label_values import MAX_IMAGE_SIDE


def _shape(**kw):
    d = {"label": "cat", "points": [[1, 2], [30, 40]], "shape_type": "rectangle"}
    d.update(kw)
    return d


def _write(tmp_path, data, name="x.json"):
    p = tmp_path / name
    p.write_text(json.dumps(data, allow_nan=True), encoding="utf-8")
    return p


BAD_SHAPES = [
    ({"kie_linking": 5}, "'kie_linking' must be a list"),
    ({"kie_linking": [[1, "2"]]}, "integer pairs"),
    ({"kie_linking": [1, 2]}, "integer pairs"),
    ({"difficult": "false"}, "'difficult' must be true or false, got 'false'"),
    ({"difficult": 2}, "'difficult' must be true or false"),
    ({"label": ["cat"]}, "'label' must be a string"),
    ({"label": {"a": 1}}, "'label' must be a string"),
    ({"description": 5}, "'description' must be a string"),
    ({"score": "high"}, "'score' must be a number"),
    ({"score": True}, "'score' must be a number"),
    ({"flags": [1]}, "'flags' must be a JSON object"),
    ({"attributes": "x"}, "'attributes' must be a JSON object"),
    ({"group_id": [1]}, "'group_id' must be an integer"),
    ({"direction": True, "shape_type": "rotation", "points": [[0, 0], [4, 0], [4, 2], [0, 2]]}, "'direction'"),
]


@pytest.mark.parametrize("change, message", BAD_SHAPES, ids=[m for _, m in BAD_SHAPES])
def test_a_wrongly_typed_shape_value_is_one_clear_error(tmp_path, change, message):
    p = _write(tmp_path, {"shapes": [_shape(), _shape(**change)]})
    with pytest.raises(LabelFileError) as info:
        read_label_file(p)
    assert info.value.path == str(p)
    assert message in info.value.problem and "shape 1" in info.value.problem


BAD_TOP = [
    ({"imageWidth": True}, "'imageWidth' must be a whole number of pixels, got True"),
    ({"imageHeight": 12.5}, "'imageHeight' must be a whole number"),
    ({"imageWidth": -3}, "between 0 and"),
    ({"imageWidth": MAX_IMAGE_SIDE + 1}, "between 0 and"),
    ({"imageWidth": 1e308}, "between 0 and"),
    ({"imagePath": ["a.jpg"]}, "'imagePath' must be a string"),
    ({"imageData": 5}, "'imageData' must be a string"),
    ({"checked": "yes"}, "'checked' must be true or false"),
    ({"flags": [1]}, "'flags' must be a JSON object"),
    ({"shapes": 5}, "'shapes' is not a list"),
]


@pytest.mark.parametrize("change, message", BAD_TOP, ids=[m for _, m in BAD_TOP])
def test_a_wrongly_typed_file_value_is_one_clear_error(tmp_path, change, message):
    data = {"shapes": [_shape()], "imageWidth": 100, "imageHeight": 80}
    data.update(change)
    with pytest.raises(LabelFileError, match="x.json: .*" + message.replace("(", r"\(")):
        read_label_file(_write(tmp_path, data))


def test_values_other_tools_write_are_still_read(tmp_path):
    data = {
        "shapes": [
            _shape(difficult=1, label=7, score=1, kie_linking=[[1, 2]], flags=None, attributes=None),
            _shape(difficult=0, score="0.5", description=None),
        ],
        "imageWidth": 640.0,
        "imageHeight": "480",
        "checked": 1,
        "version": 5,
    }
    ann = read_label_file(_write(tmp_path, data))
    a, b = ann.shapes
    assert (a.difficult, a.label, a.score, a.kie_linking) == (True, "7", 1.0, [[1, 2]])
    assert (b.difficult, b.score, b.description) == (False, 0.5, None)
    assert (ann.image_width, ann.image_height, ann.checked, ann.version) == (640, 480, True, "5")


def test_deep_nesting_is_refused_when_read_not_when_saved(tmp_path):
    p = tmp_path / "deep.json"
    p.write_text('{"shapes": [], "x": %s}' % ("[" * 2000 + "]" * 2000))
    with pytest.raises(LabelFileError, match="nest more than 100 levels"):
        read_label_file(p)
    # Deep enough for the fast parser (under its 1024 levels), too deep to save again.
    p.write_text('{"shapes": [%s]}' % json.dumps(_shape(attributes={"a": json.loads("[" * 300 + "]" * 300)})))
    with pytest.raises(LabelFileError, match="shape 0.*'attributes' nest more than 100 levels"):
        read_label_file(p)


def test_a_lone_surrogate_is_refused_with_the_character_named(tmp_path):
    p = tmp_path / "s.json"
    p.write_text('{"shapes": [{"label": "a\\ud800", "points": [[1, 2]], "shape_type": "point"}]}')
    with pytest.raises(LabelFileError, match=r"s.json: a text holds \\ud800"):
        read_label_file(p)


def test_what_is_read_can_always_be_saved_again(tmp_path):
    data = {"shapes": [_shape(attributes={"a": json.loads("[" * 90 + "]" * 90)}, score=0.25)], "k": 2**70}
    ann = read_label_file(_write(tmp_path, data))
    write_label_file(tmp_path / "again.json", ann)
    assert read_label_file(tmp_path / "again.json").extra["k"] == 2**70


def test_a_lone_surrogate_made_in_memory_is_named_as_such_when_saved(tmp_path):
    from anylabel.core import Shape
    from anylabel.core.label_file import ImageAnnotation

    ann = ImageAnnotation(shapes=[Shape("point", [[1, 2]], label="a\udc00")], image_path="a.jpg")
    with pytest.raises(LabelFileError, match=r"a text holds \\udc00.*not saved"):
        write_label_file(tmp_path / "a.json", ann)
    assert not (tmp_path / "a.json").exists()
