"""PPOCR: KIE ids and links survive import and export; extreme coordinates never crash."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from anylabel.core import Shape, read_label_file
from anylabel.formats import ppocr
from anylabel.formats.driver import export_dataset
from anylabel.formats.import_driver import import_dataset

from formats_helpers import make_dataset, make_image, rect

XAL = Path("/work/.mirror/CVHub520+X-AnyLabeling/repo")
XAL_KIE = "assets/ppocr/ppocr-kie/ppocr_kie.json"

KIE_LINE = (
    "imgs/a.png\t" + json.dumps([
        {"transcription": "Name:", "label": "question", "points": [[2, 2], [20, 2], [20, 10], [2, 10]],
         "difficult": False, "id": 7, "linking": [[7, 13]]},
        {"transcription": "Ann", "label": "answer", "points": [[24, 2], [40, 2], [40, 10], [24, 10]],
         "difficult": False, "id": 13, "linking": [[7, 13]]},
        {"transcription": "title", "label": "header", "points": [[2, 20], [40, 20], [40, 30], [2, 30]],
         "difficult": False, "id": 1, "linking": []},
    ], ensure_ascii=False)
)


def test_kie_ids_and_links_are_imported_and_exported_again(tmp_path):
    images = tmp_path / "imgs"
    make_image(images / "a.png")
    (tmp_path / "kie.txt").write_text(KIE_LINE + "\n", encoding="utf-8")
    s = import_dataset("ppocr", tmp_path / "kie.txt", images)
    assert s.ok, s.lines()
    shapes = read_label_file(images / "a.json").shapes
    assert [(x.group_id, x.kie_linking) for x in shapes] == [(7, [[7, 13]]), (13, [[7, 13]]), (1, [])]
    s = export_dataset("ppocr", images, tmp_path / "out")
    assert s.ok, s.lines()
    again = (tmp_path / "out" / "Label.txt").read_text(encoding="utf-8").strip().split("\t", 1)[1]
    assert json.loads(again) == json.loads(KIE_LINE.split("\t", 1)[1])


@pytest.mark.parametrize(
    "box, problem",
    [
        ({"id": [7]}, "'id' must be an integer"),
        ({"linking": 5}, "'linking' must be a list"),
        ({"difficult": "false"}, "'difficult' must be true or false"),
        ({"transcription": {"a": 1}}, "'transcription' must be text"),
        ({"points": [[1, 2], [3, 4], "56"]}, "'points' must be [x, y] number pairs"),
    ],
)
def test_badly_typed_kie_boxes_are_named(tmp_path, box, problem):
    images = tmp_path / "imgs"
    make_image(images / "a.png")
    make_image(images / "b.png")
    entry = {"transcription": "x", "points": [[2, 2], [20, 2], [20, 10], [2, 10]], **box}
    (tmp_path / "kie.txt").write_text(
        f"imgs/a.png\t{json.dumps([entry])}\n" + KIE_LINE.replace("a.png", "b.png") + "\n", encoding="utf-8"
    )
    s = import_dataset("ppocr", tmp_path / "kie.txt", images)
    assert s.failures == [(str(tmp_path / "kie.txt"), f"line 1: box 0: {s.failures[0][1].split('box 0: ')[1]}")]
    assert problem in s.failures[0][1]
    assert len(read_label_file(images / "b.json").shapes) == 3


def test_kie_lines_nested_too_deep_or_with_a_lone_surrogate_are_named(tmp_path):
    images = tmp_path / "imgs"
    make_image(images / "a.png")
    (tmp_path / "kie.txt").write_text(
        "imgs/a.png\t" + "[" * 3000 + "]" * 3000 + '\nimgs/a.png\t[{"transcription": "\\ud800", "points": []}]\n',
        encoding="utf-8",
    )
    s = import_dataset("ppocr", tmp_path / "kie.txt", images)
    problems = [p for _, p in s.failures]
    assert "line 1: not a label file: lists or objects nest" in problems[0]
    assert problems[1].startswith("line 2: a text holds \\ud800")


@pytest.mark.skipif(not XAL.is_dir(), reason="X-AnyLabeling's repository is not on this machine")
def test_x_anylabeling_kie_sample_keeps_all_its_links(tmp_path):
    text = subprocess.run(["git", "-C", str(XAL), "show", f"HEAD:{XAL_KIE}"], capture_output=True, check=True).stdout
    line = text.decode("utf-8").strip()
    boxes = json.loads(line.split("\t", 1)[1])
    linked = sum(1 for b in boxes if b["linking"])
    assert linked == 58
    images = tmp_path / "images"
    make_image(images / line.split("\t")[0].rsplit("/", 1)[-1], (2500, 3500))
    (tmp_path / "kie.json").write_text(line + "\n", encoding="utf-8")
    assert import_dataset("ppocr", tmp_path / "kie.json", images).ok
    shapes = read_label_file(next(images.glob("*.json"))).shapes
    assert sum(1 for s in shapes if s.kie_linking) == 58
    assert [s.kie_linking for s in shapes] == [b["linking"] for b in boxes]
    s = export_dataset("ppocr", images, tmp_path / "out", options=None)
    out = json.loads((tmp_path / "out" / "Label.txt").read_text(encoding="utf-8").split("\t", 1)[1])
    assert [(b["id"], b["linking"], b["label"]) for b in out] == [(b["id"], b["linking"], b["label"]) for b in boxes]


@pytest.mark.parametrize("value", [1e308, -1e308, 10**25, -(10**25), 5e8])
def test_extreme_coordinates_never_crash_the_export(tmp_path, value):
    src = make_dataset(tmp_path / "src", {"a.png": [rect(2, 3, 20, 30, label="text", description="ok")]})
    data = json.loads((src / "a.json").read_text())
    for points in ([[10, 10], [50, value]], [[10, 10], [value, 12], [40, 40]]):
        data["shapes"].append({"label": "text", "points": points, "shape_type": "polygon" if len(points) == 3 else "rectangle"})
    (src / "a.json").write_text(json.dumps(data))
    for fmt in ("ppocr", "dota", "yolo-obb", "yolo-seg", "voc", "coco", "yolo"):
        s = export_dataset(fmt, src, tmp_path / fmt)
        assert s.ok and s.images == 1, (fmt, s.lines())
    lines = (tmp_path / "ppocr" / "Label.txt").read_text().splitlines()
    boxes = json.loads(lines[0].split("\t")[1])
    assert all(0 <= x <= 64 and 0 <= y <= 48 for b in boxes for x, y in b["points"])


def test_boxes_outside_the_image_are_reported_not_cropped():
    entries, skips = ppocr.dump([rect(100, 100, 120, 110, label="text"), rect(-5, 2, 10, 9, label="text")], (64, 48))
    assert [s.reason for s in skips] == ["entirely outside the image"]
    assert entries[0]["points"][0] == [0.0, 2.0]
