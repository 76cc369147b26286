"""The label-file encoder's quick path (``_dumps_with_array_points``) writes the bytes of the
general path (``dumps_indented(annotation_to_dict(ann))``), and leaves to it what it cannot."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from anylabel.core.errors import LabelFileError
from anylabel.core.label_file import (
    _dumps_with_array_points,
    annotation_to_dict,
    dumps,
    dumps_indented,
    encode,
    new_annotation_for,
    write_label_file,
)
from anylabel.core.shape import Shape


def general(ann) -> str:
    return dumps_indented(annotation_to_dict(ann)) + "\n"


def random_shapes(rng: np.random.Generator, n: int) -> list[Shape]:
    special = [0.0, -0.0, 1.0, 5e-324, 1e-5, 1e-7, 1e15, 1e16, 1e20, 0.1, 1 / 3, 123456789012345678.0]
    shapes = []
    for k in range(n):
        kind = ["rectangle", "polygon", "rotation", "circle", "point", "linestrip"][k % 6]
        count = {"rectangle": 2, "rotation": 4, "circle": 2, "point": 1}.get(kind, int(rng.integers(2, 9)))
        pts = rng.uniform(-5000, 5000, (count, 2)) * rng.choice([1e-6, 1.0, 1e3])
        pts.flat[0] = special[k % len(special)]
        shapes.append(Shape(
            kind, pts, label=["a", "猫 \"q\"\t\\", ""][k % 3], group_id=[None, 3, 2**40][k % 3],
            score=[None, 0.25, 1e-7][k % 3], difficult=bool(k % 2), description=["", "x\ny", None][k % 3],
            flags={"f": True} if k % 4 == 0 else {}, attributes={"w": [1.5, {"z": None}]} if k % 5 == 0 else {},
            direction=0.125 * k,
        ))
    return shapes


def test_quick_path_writes_the_general_paths_bytes_on_random_files():
    rng = np.random.default_rng(7)
    for i in range(300):
        ann = new_annotation_for("im.jpg", random_shapes(rng, int(rng.integers(0, 25))), size=(1920, 1080))
        ann.flags = {"checked_by": True} if i % 2 else {}
        quick = _dumps_with_array_points(ann)
        assert quick is not None
        assert quick.decode("utf-8") == general(ann) == dumps(ann)
        assert encode(ann) == quick == encode(ann, points_finite=True)


def test_points_that_are_views_or_integers_give_the_same_bytes():
    base = np.arange(40, dtype=np.float64).reshape(10, 4) * 1.5
    view = Shape("polygon", base[:, ::2], label="v")  # not C-contiguous
    ann = new_annotation_for("im.jpg", [view], size=(10, 10))
    ann.shapes[0].points = base[:, 1::2]
    assert dumps(ann) == general(ann)
    ann.shapes[0].points = np.arange(6).reshape(3, 2)  # int64: the general path
    assert _dumps_with_array_points(ann) is None and dumps(ann) == general(ann)


@pytest.mark.parametrize("spoil", ["extra", "oriented", "numpy_scalar", "big_int", "nan_score", "inf_direction"])
def test_what_the_quick_path_leaves_is_encoded_as_before(spoil):
    shape = Shape("rotation", [[0, 0], [4, 0], [4, 2], [0, 2]], label="r", direction=0.5)
    if spoil == "extra":
        shape.extra = {"text": "ocr", "mask": "x"}
    elif spoil == "oriented":
        shape.saved_as = "oriented_rectangle"
    elif spoil == "numpy_scalar":
        shape.attributes = {"v": np.float32(1.5)}
    elif spoil == "big_int":
        shape.attributes = {"id": 10**20}
    elif spoil == "nan_score":
        shape.score = math.nan
    else:
        shape.direction = math.inf
    ann = new_annotation_for("im.jpg", [shape], size=(8, 8))
    try:
        expected: object = general(ann)
    except (TypeError, ValueError) as exc:
        expected = type(exc)
    try:
        got: object = dumps(ann)
    except (TypeError, ValueError) as exc:
        got = type(exc)
    assert got == expected
    try:
        got_bytes: object = encode(ann)
    except (TypeError, ValueError) as exc:
        got_bytes = type(exc)
    assert got_bytes == (expected.encode("utf-8") if isinstance(expected, str) else expected)
    if spoil == "big_int":
        assert json.loads(got)["shapes"][0]["attributes"]["id"] == 10**20


def test_non_finite_points_are_refused_naming_the_shape(tmp_path):
    good = Shape("polygon", [[0, 0], [1, 0], [1, 1]], label="ok")
    bad = Shape("polygon", [[0, 0], [1, math.inf], [1, 1]], label="bad")
    ann = new_annotation_for(tmp_path / "im.jpg", [good, bad], size=(8, 8))
    with pytest.raises(LabelFileError, match=r"shape 1 \('bad'\) has NaN or infinite"):
        write_label_file(tmp_path / "im.json", ann)
    # Finite values whose sum overflows are saved.
    huge = Shape("polygon", [[1e308, 1e308], [1e308, 0], [0, 1e308]], label="huge")
    ann = new_annotation_for(tmp_path / "im.jpg", [huge], size=(8, 8))
    write_label_file(tmp_path / "im.json", ann)
    assert json.loads((tmp_path / "im.json").read_text())["shapes"][0]["points"][0] == [1e308, 1e308]
