"""A shape kind registered in the test (an axis-aligned ellipse, which AnyLabel does not
have) flows through label files, geometry and the exporters with no other edit: what
docs/extending.md promises for a new drawing tool. Before it is registered, the same
``shape_type`` is another tool's unknown type, kept as it came; the differences are the
table's doing."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from anylabel.core import shape_kinds
from anylabel.core.errors import LabelFileError
from anylabel.core.geometry import area, bounding_box, contains_point, distance_to_edge, is_area_shape, outline, shape_to_mask
from anylabel.core.label_file import new_annotation_for, read_label_file, write_label_file
from anylabel.core.shape import Shape
from anylabel.core.shape_kinds import AREA_EXPORTS, ShapeKind
from anylabel.formats import convert, dota, voc, yolo
from anylabel.formats.base import Skip

ELLIPSE = "test_ellipse"  # a name no real file uses, so a leftover registration cannot matter


def _radii(s: Shape) -> tuple[float, float, float, float]:
    """Centre, then a corner of its box: (cx, cy, rx, ry)."""
    (cx, cy), (px, py) = s.points[:2]
    return float(cx), float(cy), abs(float(px - cx)), abs(float(py - cy))


def _ellipse_outline(s: Shape, segments: int = 64) -> np.ndarray:
    cx, cy, rx, ry = _radii(s)
    t = np.linspace(0.0, 2.0 * math.pi, segments, endpoint=False)
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)


def _ellipse_bbox(s: Shape) -> tuple[float, float, float, float]:
    cx, cy, rx, ry = _radii(s)
    return cx - rx, cy - ry, cx + rx, cy + ry


def _ellipse_contains(s: Shape, x: float, y: float, tolerance: float) -> bool:
    cx, cy, rx, ry = _radii(s)
    return ((x - cx) / (rx + tolerance)) ** 2 + ((y - cy) / (ry + tolerance)) ** 2 <= 1.0


# Only what an ellipse must say about itself: no area or distance hook (the defaults
# work from the outline), no load hook (the default checks the point count).
KIND = ShapeKind(ELLIPSE, closed=True, points=2, exports=AREA_EXPORTS, outline=_ellipse_outline,
                 sampled_outline=True, bbox=_ellipse_bbox, contains=_ellipse_contains,
                 degenerate=shape_kinds.flat)


@pytest.fixture
def ellipse_kind():
    shape_kinds.register(KIND)
    yield KIND
    shape_kinds.unregister(ELLIPSE)


def _ellipse(label: str = "egg") -> Shape:
    return Shape(ELLIPSE, np.array([[40.0, 30.0], [60.0, 40.0]]), label=label)  # rx 20, ry 10


def test_an_unregistered_type_is_a_vertex_list_and_registering_makes_it_an_ellipse(ellipse_kind):
    shape_kinds.unregister(ELLIPSE)
    s = _ellipse()
    assert bounding_box(s) == (40.0, 30.0, 60.0, 40.0)  # its two points' extent
    assert not is_area_shape(s) and area(s) == 0.0
    assert isinstance(convert.as_box(s), Skip)  # fewer than 3 vertices: no area
    shape_kinds.register(KIND)
    assert bounding_box(s) == (20.0, 20.0, 60.0, 40.0)
    assert is_area_shape(s)
    assert ELLIPSE in shape_kinds.drawable() and shape_kinds.is_drawable(ELLIPSE)


def test_geometry_of_a_registered_kind(ellipse_kind):
    s = _ellipse()
    assert area(s) == pytest.approx(math.pi * 20 * 10, rel=0.01)  # the outline's polygon area
    assert contains_point(s, 40, 30) and contains_point(s, 59, 30)
    assert not contains_point(s, 57, 38)  # inside the box, outside the ellipse
    assert distance_to_edge(s, 40, 30) == pytest.approx(10.0, abs=0.05)  # to the nearest outline edge
    assert len(outline(s, 32)) == 32
    mask = shape_to_mask(s, 60, 80)
    assert mask.sum() == pytest.approx(math.pi * 20 * 10, rel=0.03)
    assert not mask[38, 57] and mask[30, 40]
    s.validate()
    with pytest.raises(ValueError, match="needs 2 points"):
        Shape(ELLIPSE, np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).validate()
    assert KIND.degenerate(np.array([[5.0, 5.0], [9.0, 5.0]]))  # no height: a stray drag


def test_label_file_round_trip_is_byte_identical(ellipse_kind, tmp_path):
    path = tmp_path / "a.json"
    shapes = [_ellipse(), Shape("rectangle", np.array([[1.0, 2.0], [5.0, 6.0]]), label="box")]
    write_label_file(path, new_annotation_for(tmp_path / "a.png", shapes, (80, 60)))
    first = path.read_bytes()
    entry = json.loads(first)["shapes"][0]
    assert entry["shape_type"] == ELLIPSE and entry["points"] == [[40.0, 30.0], [60.0, 40.0]]
    assert "direction" not in entry  # only kinds with a direction_of write one
    back = read_label_file(path)
    assert back.shapes[0] == shapes[0] and back.shapes[1] == shapes[1]
    write_label_file(path, back)
    assert path.read_bytes() == first


def test_label_file_point_count_is_checked_for_a_registered_kind_only(ellipse_kind, tmp_path):
    path = tmp_path / "bad.json"
    ann = new_annotation_for(tmp_path / "bad.png", [], (80, 60))
    write_label_file(path, ann)
    data = json.loads(path.read_text())
    data["shapes"] = [{"label": "egg", "points": [[1, 2], [3, 4], [5, 6]], "shape_type": ELLIPSE}]
    path.write_text(json.dumps(data))
    with pytest.raises(LabelFileError, match=f"bad.json.*a {ELLIPSE} needs 2 points, got 3"):
        read_label_file(path)
    shape_kinds.unregister(ELLIPSE)
    assert read_label_file(path).shapes[0].shape_type == ELLIPSE  # another tool's type: kept as-is


def test_exporters_carry_the_forms_its_record_names(ellipse_kind):
    s = _ellipse()
    assert convert.as_box(s, (80, 60)) == (20.0, 20.0, 60.0, 40.0)
    poly = convert.as_polygon(s, (80, 60))
    assert not isinstance(poly, Skip) and len(poly) == 64
    assert isinstance(convert.as_rotated(s), Skip)  # ROTATED is not in its exports
    text, skips = voc.dump([s], (80, 60), "a.png")
    assert not skips and "<xmin>21</xmin>" in text and "<xmax>60</xmax>" in text
    lines, skips = yolo.dump_segment([s], (80, 60), {"egg": 0})
    assert not skips and len(lines[0].split()) == 1 + 2 * 64
    lines, skips = dota.dump([s])
    assert lines == [] and skips[0].reason == convert.NOT_ROTATED
