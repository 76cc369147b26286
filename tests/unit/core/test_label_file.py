"""Label files: peer files load with nothing lost, ours are written in the common form, bad files fail loudly."""
from __future__ import annotations

import json
import math
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from anylabel.core import LabelFileError, Shape, read_label_file, write_label_file
from anylabel.core.label_file import annotation_to_dict, new_annotation_for, relative_image_path

PEERS = Path(__file__).resolve().parents[2] / "data" / "peers"


def _roundtrip(tmp_path: Path, name: str) -> tuple[dict, dict]:
    src = PEERS / name
    before = json.loads(src.read_text(encoding="utf-8"))
    ann = read_label_file(src)
    out = tmp_path / name
    write_label_file(out, ann)
    after = json.loads(out.read_text(encoding="utf-8"))
    return before, after


def test_labelme7_file_loads_every_shape_type():
    ann = read_label_file(PEERS / "labelme7.json")
    types = [s.shape_type for s in ann.shapes]
    assert types == ["rectangle", "polygon", "circle", "line", "point", "linestrip", "rotation", "mask"]
    ship = ann.shapes[6]
    assert ship.saved_as == "oriented_rectangle"
    assert ship.direction == pytest.approx(math.atan2(50, 50))
    assert ann.shapes[1].flags == {"occluded": True}
    assert ann.shapes[7].extra["mask"].startswith("iVBOR")
    assert (ann.image_width, ann.image_height) == (768, 576)


def test_labelme7_roundtrip_keeps_every_key_and_value(tmp_path):
    before, after = _roundtrip(tmp_path, "labelme7.json")
    assert after["imagePath"] == before["imagePath"]
    assert after["flags"] == before["flags"]
    for b, a in zip(before["shapes"], after["shapes"]):
        for key, value in b.items():
            if key == "points":
                np.testing.assert_allclose(a["points"], value)
            else:
                assert a[key] == value, key
    # LabelMe 7's own type stays its own type.
    assert after["shapes"][6]["shape_type"] == "oriented_rectangle"


def test_anylabeling_text_key_becomes_description_and_is_kept(tmp_path):
    ann = read_label_file(PEERS / "anylabeling.json")
    assert ann.shapes[0].description == "你好 world"
    assert ann.image_path == "..\\images\\frame 01.jpg"
    ann.shapes[0].description = "edited"
    write_label_file(tmp_path / "a.json", ann)
    d = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert d["shapes"][0]["text"] == "edited"  # AnyLabeling still sees the edit
    assert d["shapes"][0]["description"] == "edited"


def test_xanylabeling_roundtrip_rectangle_becomes_two_points_and_rest_is_kept(tmp_path):
    before, after = _roundtrip(tmp_path, "xanylabeling.json")
    assert after["checked"] is True
    assert after["description"] == "image-level note" and after["tags"] == ["day", "urban"]
    assert list(after)[:8] == ["version", "flags", "checked", "shapes", "imagePath", "imageData",
                               "imageHeight", "imageWidth"]
    rect = after["shapes"][0]
    assert rect["points"] == [[10.0, 20.0], [110.0, 220.0]]
    assert rect["attributes"] == {"color": "red"} and rect["score"] == 0.91 and rect["group_id"] == 1
    rot = after["shapes"][1]
    assert rot["shape_type"] == "rotation" and rot["direction"] == 0.0 and rot["difficult"] is True
    assert after["shapes"][2]["kie_linking"] == [[1, 2]]
    assert after["shapes"][3]["cuboid3d"] == {"depth": 3} and len(after["shapes"][3]["points"]) == 8
    assert "direction" not in rect


@pytest.mark.parametrize("content, problem", [
    ('{"shapes": [', "not valid JSON"),
    ("", "empty"),
    ("[1, 2]", "top level"),
    ('{"shapes": [{"label": "a", "points": [[NaN, 1], [2, 3]], "shape_type": "rectangle"}]}', "NaN"),
    ('{"shapes": [{"label": "a", "points": [[1, 1]], "shape_type": "rectangle"}]}', "rectangle needs 2 or 4"),
    ('{"shapes": [{"label": "a", "points": "x", "shape_type": "polygon"}]}', "points"),
    ('{"shapes": [{"label": "a", "points": [[1, 2]], "shape_type": "polygon", "group_id": "abc"}]}', "group_id"),
    ('{"shapes": 3}', "'shapes' is not a list"),
])
def test_bad_files_raise_an_error_naming_file_and_problem_and_are_untouched(tmp_path, content, problem):
    p = tmp_path / "bad file ü.json"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(LabelFileError) as err:
        read_label_file(p)
    assert str(p) in str(err.value)
    assert problem in str(err.value)
    assert p.read_text(encoding="utf-8") == content


def test_bom_whitespace_and_what_strict_parsers_refuse_still_read_as_before(tmp_path):
    # The fast parser refuses some JSON the standard one accepts; those files must read the
    # same, and bad bytes must still be reported with their position.
    shape = '{"label": "a\\ud83d\\ude00b", "points": [[1, 2], [3, 4]], "shape_type": "rectangle"}'
    p = tmp_path / "x.json"
    p.write_bytes(b"\xef\xbb\xbf  " + ('{"shapes": [%s], "big": 123456789012345678901234567890}' % shape).encode())
    ann = read_label_file(p)
    assert ann.shapes[0].label == "a\U0001f600b" and ann.extra["big"] == 123456789012345678901234567890
    p.write_bytes(b"\xef\xbb\xbf \n\t")
    with pytest.raises(LabelFileError, match="empty"):
        read_label_file(p)
    p.write_bytes(b'{"shapes": [], "x": "\xff"}')
    with pytest.raises(LabelFileError, match=r"not UTF-8 text .* at byte 21"):
        read_label_file(p)
    p.write_bytes(b'{\n  "shapes": [\n    }')
    with pytest.raises(LabelFileError, match=r"not valid JSON .* line 3, column 5"):
        read_label_file(p)


def test_one_point_polygon_is_kept_not_dropped(tmp_path):
    p = tmp_path / "one.json"
    p.write_text('{"shapes": [{"label": "dot", "points": [[3, 4]], "shape_type": "polygon"}]}')
    ann = read_label_file(p)
    assert len(ann.shapes) == 1 and ann.shapes[0].points.shape == (1, 2)


def test_unicode_labels_and_paths_with_spaces(tmp_path):
    folder = tmp_path / "données été" / "sub dir"
    folder.mkdir(parents=True)
    img = folder / "фото 1.png"
    from PIL import Image

    Image.new("RGB", (64, 32)).save(img)
    ann = new_annotation_for(img, [Shape("polygon", [[1, 1], [5, 1], [5, 5]], label="猫 cat")])
    assert (ann.image_width, ann.image_height) == (64, 32)
    out = folder / "фото 1.json"
    write_label_file(out, ann)
    again = read_label_file(out)
    assert again.shapes[0].label == "猫 cat"
    assert again.image_path == "фото 1.png"
    assert "猫 cat" in out.read_text(encoding="utf-8")  # written as UTF-8, not \u escapes


def test_write_is_atomic_and_failed_write_keeps_old_file(tmp_path):
    p = tmp_path / "x.json"
    ann = new_annotation_for("x.png", [Shape("point", [[1, 2]], label="a")], size=(10, 10))
    write_label_file(p, ann)
    old = p.read_text()
    ann.shapes.append(Shape("point", [[math.nan, 2]], label="b"))
    with pytest.raises(LabelFileError, match="NaN"):
        write_label_file(p, ann)
    assert p.read_text() == old
    assert [f.name for f in tmp_path.iterdir()] == ["x.json"]  # no temp file left behind


def test_image_data_null_by_default_and_relative_image_path(tmp_path):
    ann = new_annotation_for(tmp_path / "a" / "img.jpg", size=(5, 6))
    d = annotation_to_dict(ann)
    assert d["imageData"] is None and d["imagePath"] == "img.jpg"
    assert relative_image_path(tmp_path / "labels" / "img.json", tmp_path / "images" / "img.jpg") == "../images/img.jpg"


def test_copied_peer_file_is_never_modified_by_reading(tmp_path):
    for name in ("labelme7.json", "anylabeling.json", "xanylabeling.json"):
        shutil.copy(PEERS / name, tmp_path / name)
        before = (tmp_path / name).read_bytes()
        read_label_file(tmp_path / name)
        assert (tmp_path / name).read_bytes() == before


def test_image_name_that_is_not_utf8_gives_a_label_file_error_not_a_crash(tmp_path):
    import os

    bad = os.fsdecode(b"\xffbad.png")  # surrogate-escaped, as Linux hands such names to Python
    ann = new_annotation_for(tmp_path / bad, [Shape("point", [[1, 2]], label="a")], size=(4, 4))
    with pytest.raises(LabelFileError, match="not valid UTF-8"):
        write_label_file(tmp_path / "x.json", ann)
    assert not (tmp_path / "x.json").exists()


def test_fast_writer_gives_the_standard_encoders_bytes_and_its_errors():
    from anylabel.core.label_file import dumps, dumps_indented

    shapes = [
        Shape("rectangle", [[1.5, 2.25], [300.125, 400.0]], label="猫 \"cat\"\t\\ \x01 \u2028 😀",
              group_id=3, attributes={"k": [1, {"x": None, "y": True}], "e": {}, "l": []}),
        Shape("rotation", [[10, 10], [20, 14], [16, 24], [6, 20]], label="car", direction=0.3805),
        Shape("polygon", [[0.1, 0.2], [1234.5678901234, 2], [3, 1e3]], label="p", score=0.91),
        Shape("point", [[-0.0, 7]], label="dot", description="line1\nline2"),
    ]
    ann = new_annotation_for("x.png", shapes, size=(640, 480))
    ann.flags = {"a": True}
    d = annotation_to_dict(ann)
    standard = json.dumps(d, ensure_ascii=False, indent=2, allow_nan=False)
    assert dumps_indented(d) == standard and dumps(ann) == standard + "\n"
    # Same values, other spelling, only for very small or very large floats.
    tiny = {"score": 1e-05, "big": 1e16}
    assert json.loads(dumps_indented(tiny)) == tiny
    # What the fast path cannot write goes to the standard encoder, errors included.
    assert json.loads(dumps_indented({"id": 10**20})) == {"id": 10**20}
    assert dumps_indented({1: "a"}) == json.dumps({1: "a"}, indent=2)
    with pytest.raises(ValueError):
        dumps_indented({"attributes": {"w": [1.0, math.nan]}})
    with pytest.raises(TypeError):
        dumps_indented({"v": np.float32(1.5)})
    assert dumps_indented({"v": np.float64(1.5)}) == json.dumps({"v": 1.5}, indent=2)


def test_integers_beyond_64_bits_and_huge_sizes(tmp_path):
    p = tmp_path / "big.json"
    p.write_text(
        '{"shapes": [{"label": "a", "points": [[1, 2]], "shape_type": "point", "group_id": 18014398509481985}],'
        ' "track": 98765432109876543210, "neg": -9223372036854775809, "ts": 1700000000123456789}',
        encoding="utf-8",
    )
    ann = read_label_file(p)
    assert ann.extra == {"track": 98765432109876543210, "neg": -9223372036854775809, "ts": 1700000000123456789}
    assert ann.shapes[0].group_id == 2**54 + 1  # not rounded through a float
    write_label_file(p, ann)
    assert '"track": 98765432109876543210' in p.read_text(encoding="utf-8")
    p.write_text('{"shapes": [], "imageWidth": 1e400, "imageHeight": 10}', encoding="utf-8")
    with pytest.raises(LabelFileError, match="imageWidth"):
        read_label_file(p)
    p.write_text("\u00a0\u3000\n", encoding="utf-8")
    with pytest.raises(LabelFileError, match="empty"):
        read_label_file(p)


def test_long_fractions_keep_the_fast_parser_and_long_integers_do_not(tmp_path, monkeypatch):
    import anylabel.core.label_file as lf

    long_ints = (b'{"v": [1, 98765432109876543210]}', b"12345678901234567890", b'{"v":-9223372036854775809}')
    expected = [json.loads(t) for t in long_ints]
    calls = []
    decoder = json.JSONDecoder()
    monkeypatch.setattr(lf.json, "loads", lambda text: calls.append(1) or decoder.decode(text))
    small = b'{"v": [0.0028339283970946205, -0.00012345678901234567]}'
    assert lf.parse_json_bytes(small, "s.json") == {"v": [0.0028339283970946205, -0.00012345678901234567]}
    assert calls == []
    assert [lf.parse_json_bytes(t, "b.json") for t in long_ints] == expected
    assert len(calls) == 3


@pytest.mark.parametrize("label, image", [
    ("d/img.json", "d/img.jpg"), ("img.json", "img.jpg"), ("/a/b/x y.json", "/a/b/x y.png"),
    ("d/../d/img.json", "d/img.jpg"), ("d/img.json", "d/../d/img.jpg"), ("d/sub/img.json", "d/img.jpg"),
    ("./img.json", "img.jpg"), ("d/a\\b.json", "d/a\\b.jpg"),
])
def test_relative_image_path_beside_the_label_file_is_what_relpath_gives(label, image):
    expected = os.path.relpath(os.path.abspath(image), os.path.dirname(os.path.abspath(label))).replace(os.sep, "/")
    assert relative_image_path(label, image) == expected
    assert relative_image_path(Path(label), Path(image)) == expected
