"""VOC and DOTA tables and round trips."""

import numpy as np
import pytest

from anylabel.core.shape import Shape
from anylabel.formats import convert, dota, voc
from anylabel.formats.base import FormatError
from anylabel.formats.yolo import rotation_shape

from formats_helpers import poly, rect


def test_voc_uses_one_based_inclusive_pixels_and_round_trips_integer_boxes():
    text, skips = voc.dump([rect(10, 5, 20, 15, difficult=True)], (64, 48), "a.png")
    assert "<xmin>11</xmin>" in text and "<xmax>20</xmax>" in text
    assert "<ymin>6</ymin>" in text and "<ymax>15</ymax>" in text
    shapes, size, filename = voc.parse(text)
    assert size == (64, 48) and filename == "a.png" and not skips
    assert np.allclose(shapes[0].points, [[10, 5], [20, 15]]) and shapes[0].difficult


@pytest.mark.parametrize(
    "shape",
    [
        Shape("rotation", [[10, 10], [20, 14], [16, 24], [6, 20]], label="car"),
        Shape("circle", [[30, 20], [35, 20]], label="ball"),
        poly([[1, 1], [9, 2], [5, 8]], label="tri"),
    ],
)
def test_voc_writes_rotations_circles_polygons_as_their_bounding_boxes(shape):
    text, skips = voc.dump([shape], (64, 48), "a.png")
    (back,), _, _ = voc.parse(text)
    x0, y0, x1, y1 = convert.as_box(shape, (64, 48))
    assert not skips and back.label == shape.label
    assert np.allclose(back.points, [[round(x0), round(y0)], [round(x1), round(y1)]])


def test_voc_reports_lines_and_never_writes_an_empty_object():
    text, skips = voc.dump(
        [Shape("line", [[0, 0], [5, 5]], label="l"), Shape("point", [[1, 1]], label="p")], (64, 48), "a.png"
    )
    assert "<object>" not in text and len(skips) == 2


def test_voc_keeps_unicode_names():
    text, _ = voc.dump([rect(1, 1, 5, 5, label="狗 dog")], (64, 48), "é.png")
    shapes, _, name = voc.parse(text)
    assert shapes[0].label == "狗 dog" and name == "é.png"


@pytest.mark.parametrize(
    "text, problem",
    [
        ("<annotation><object><name>a</name></object>", "not valid XML"),
        ("<foo/>", "not <annotation>"),
        ("<annotation><object><name>a</name></object></annotation>", "no <bndbox>"),
        (
            "<annotation><object><name>a</name><bndbox><xmin>x</xmin></bndbox></object></annotation>",
            "not a number",
        ),
        (
            "<annotation><object><name>a</name><bndbox><xmin>nan</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax>"
            "</bndbox></object></annotation>",
            "finite",
        ),
    ],
)
def test_voc_bad_files(text, problem):
    with pytest.raises(FormatError, match=problem):
        voc.parse(text)


def test_dota_round_trip_with_difficult_and_spaces_in_class():
    s = rotation_shape(np.array([[10, 10], [30, 14], [27, 24], [7, 20]], dtype=float), "small vehicle")
    s.difficult = True
    lines, skips = dota.dump([s, rect(1, 2, 11, 12, label="plane")])
    assert lines == ["10 10 30 14 27 24 7 20 small vehicle 1", "1 2 11 2 11 12 1 12 plane 0"] and not skips
    back = dota.parse(["imagesource:GoogleEarth", "gsd:0.1", *lines])
    assert back[0].label == "small vehicle" and back[0].difficult and back[0].shape_type == "rotation"
    assert np.allclose(back[0].points, s.points) and abs(back[0].direction - s.direction) < 1e-9
    assert back[1].label == "plane" and not back[1].difficult


@pytest.mark.parametrize(
    "line, problem",
    [("1 2 3 4 5 6 7 8", "needs"), ("1 2 3 x 5 6 7 8 a 0", "numbers"), ("1 2 3 nan 5 6 7 8 a 0", "NaN")],
)
def test_dota_bad_lines(line, problem):
    with pytest.raises(FormatError, match=problem):
        dota.parse([line])


def test_voc_import_refuses_a_size_no_label_file_could_hold(tmp_path):
    from anylabel.core.label_file import read_label_file
    from anylabel.formats.import_driver import import_dataset
    from formats_helpers import make_image

    make_image(tmp_path / "imgs" / "a.png")
    make_image(tmp_path / "imgs" / "b.png")
    (tmp_path / "voc").mkdir()
    box = "<object><name>c</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object>"
    (tmp_path / "voc" / "a.xml").write_text(
        f"<annotation><size><width>1e308</width><height>48</height></size>{box}</annotation>")
    (tmp_path / "voc" / "b.xml").write_text(f"<annotation>{box}</annotation>")
    s = import_dataset("voc", tmp_path / "voc", tmp_path / "imgs")
    assert s.failures == [(str(tmp_path / "voc" / "a.xml"), s.failures[0][1])]
    assert "larger than any image" in s.failures[0][1] and not (tmp_path / "imgs" / "a.json").exists()
    assert len(read_label_file(tmp_path / "imgs" / "b.json").shapes) == 1
