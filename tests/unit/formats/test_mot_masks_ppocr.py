"""MOT (judged by py-motmetrics), masks and PPOCR."""

import json

import cv2
import motmetrics as mm
import numpy as np
import pytest

from anylabel.core.label_file import read_label_file
from anylabel.core.shape import Shape
from anylabel.formats import masks, mot, ppocr
from anylabel.formats.driver import export_dataset
from anylabel.formats.import_driver import import_dataset

from formats_helpers import make_dataset, make_image, poly, rect


def _video(tmp_path, name="walk", frames=4, start=0):
    per = {}
    for f in range(frames):
        per[f"{name}_{start + f:04d}.png"] = [
            rect(5 + 3 * f, 5, 20 + 3 * f, 30, label="person", group_id=11),
            rect(40, 10 + 2 * f, 55, 25 + 2 * f, label="car", group_id=4, difficult=f == 2),
            Shape("point", [[1, 1]], label="person", group_id=11),
        ]
    return make_dataset(tmp_path / "frames", per, size=(80, 60))


@pytest.mark.parametrize(
    "stem, video",
    [("walk_0001", "walk"), ("my-clip-12", "my-clip"), ("a_b_003", "a_b"), ("frame", "fallback")],
)
def test_video_name_from_frame_name(stem, video):
    assert mot.video_of(stem, "fallback") == video


def test_mot_export_is_read_by_motmetrics_and_scores_perfectly(tmp_path):
    src = _video(tmp_path, start=0)  # file numbers from 0; MOT frames still start at 1
    s = export_dataset("mot", src, tmp_path / "mot")
    assert s.ok, s.lines()
    gt_path = tmp_path / "mot" / "walk" / "gt" / "gt.txt"
    rows = gt_path.read_text().splitlines()
    assert rows[0] == "1,4,40,10,15,15,1,1,1" and rows[1] == "1,11,5,5,15,25,1,2,1"
    assert "3,4,40,14,15,15,0,1,1" in rows  # difficult -> conf 0
    ini = (tmp_path / "mot" / "walk" / "seqinfo.ini").read_text()
    assert "seqLength=4" in ini and "imWidth=80" in ini and "imExt=.png" in ini
    gt = mm.io.loadtxt(str(gt_path), fmt="mot15-2D", min_confidence=-1)
    assert sorted(gt.index.get_level_values("Id").unique()) == [4, 11]
    acc = mm.MOTAccumulator(auto_id=True)
    for _frame, rows in gt.groupby(level="FrameId"):
        ids = rows.index.get_level_values("Id").tolist()
        boxes = rows[["X", "Y", "Width", "Height"]].to_numpy()
        acc.update(ids, ids, _iou_distance(boxes, boxes))
    summary = mm.metrics.create().compute(acc, metrics=["mota", "num_switches", "idf1"])
    assert summary["mota"].iloc[0] == pytest.approx(1.0) and summary["num_switches"].iloc[0] == 0
    assert summary["idf1"].iloc[0] == pytest.approx(1.0)


def _iou_distance(a, b, max_d=0.5):
    """1 - IoU of xywh boxes, NaN beyond ``max_d`` (motmetrics' own helper needs NumPy < 2)."""
    ax0, ay0, ax1, ay1 = a[:, 0:1], a[:, 1:2], a[:, 0:1] + a[:, 2:3], a[:, 1:2] + a[:, 3:4]
    bx0, by0, bx1, by1 = b[:, 0], b[:, 1], b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]
    iw = np.clip(np.minimum(ax1, bx1) - np.maximum(ax0, bx0), 0, None)
    ih = np.clip(np.minimum(ay1, by1) - np.maximum(ay0, by0), 0, None)
    inter = iw * ih
    union = (a[:, 2:3] * a[:, 3:4]) + (b[:, 2] * b[:, 3]) - inter
    d = 1 - inter / union
    d[d > max_d] = np.nan
    return d


def test_mot_round_trip_keeps_track_ids_difficult_and_classes(tmp_path):
    src = _video(tmp_path)
    export_dataset("mot", src, tmp_path / "mot")
    target = tmp_path / "target"
    for p in src.glob("*.png"):
        make_image(target / p.name, (80, 60))
    s = import_dataset(
        "mot", tmp_path / "mot" / "walk" / "gt" / "gt.txt", target, tmp_path / "mot" / "classes.txt"
    )
    assert s.ok and s.files_written == 4, s.lines()
    ann = read_label_file(target / "walk_0002.json")
    by_id = {x.group_id: x for x in ann.shapes}
    assert by_id[11].label == "person" and by_id[4].label == "car" and by_id[4].difficult
    assert np.allclose(by_id[11].points, [[11, 5], [26, 30]])


def test_mot_boxes_without_track_id_get_new_ids_and_a_note(tmp_path):
    src = make_dataset(tmp_path / "f", {"v_1.png": [rect(1, 1, 5, 5), rect(6, 6, 9, 9, group_id=3)]})
    s = export_dataset("mot", src, tmp_path / "o")
    assert any("no group_id" in n for n in s.notes)
    rows = (tmp_path / "o" / "v" / "gt" / "gt.txt").read_text().splitlines()
    assert [r.split(",")[1] for r in rows] == ["3", "4"]


def test_mot_bad_rows_are_named_by_line(tmp_path):
    make_image(tmp_path / "i" / "v_1.png")
    gt = tmp_path / "gt.txt"
    gt.write_text("1,1,1,1,5,5,1,1,1\n1,2,x,1,5,5\n9,1,1,1,5,5,1,1,1\n1,3,nan,1,5,5,1,1,1\n")
    s = import_dataset("mot", gt, tmp_path / "i")
    problems = " | ".join(p for _, p in s.failures)
    assert (
        "line 2: not numbers" in problems and "line 4: NaN" in problems and "frame 9 has no image" in problems
    )
    assert len(read_label_file(tmp_path / "i" / "v_1.json").shapes) == 1


def test_mask_values_overlap_order_and_background():
    values = masks.class_values(["cat", "dog"])
    assert values == {"cat": 1, "dog": 2}
    assert masks.class_values(["_background_", "cat"]) == {"cat": 1}
    shapes = [
        rect(0, 0, 6, 4, label="cat"),
        rect(2, 0, 4, 4, label="dog"),
        Shape("line", [[0, 0], [3, 3]], label="cat"),
    ]
    m, skips = masks.dump(shapes, (8, 4), values)
    assert m.dtype == np.uint8 and m.tolist()[0] == [1, 1, 2, 2, 1, 1, 0, 0]
    assert len(skips) == 1
    m2, _ = masks.dump(shapes[1::-1], (8, 4), values)  # reversed order: the cat now covers the dog
    assert m2.tolist()[0] == [1, 1, 1, 1, 1, 1, 0, 0]


def test_mask_export_files_and_import_round_trip(tmp_path):
    circle = Shape("circle", [[30, 30], [38, 30]], label="ball")
    src = make_dataset(
        tmp_path / "d",
        {"a.png": [rect(2, 2, 20, 12, label="狗"), circle, poly([[40, 5], [60, 5], [50, 25]], label="狗")]},
    )
    s = export_dataset("mask", src, tmp_path / "m")
    assert s.ok, s.lines()
    gray = cv2.imread(str(tmp_path / "m" / "masks" / "a.png"), cv2.IMREAD_UNCHANGED)
    colour = cv2.imread(str(tmp_path / "m" / "colour" / "a.png"))
    mapping = json.loads((tmp_path / "m" / "mapping.json").read_text(encoding="utf-8"))
    assert gray.shape == (48, 64) and colour.shape == (48, 64, 3)
    assert mapping["classes"]["狗"]["index"] == 2 and "overlap" in mapping
    assert int((gray == 2).sum()) == 18 * 10 + 200  # rectangle + triangle area
    assert abs(int((gray == 1).sum()) - np.pi * 64) < 8
    assert tuple(colour[5, 5][::-1]) == tuple(mapping["classes"]["狗"]["color"])
    target = tmp_path / "t"
    make_image(target / "a.png")
    s = import_dataset("mask", tmp_path / "m", target)
    assert s.ok, s.lines()
    shapes = read_label_file(target / "a.json").shapes
    assert sorted(x.label for x in shapes) == ["ball", "狗", "狗"]


def test_ppocr_writes_four_points_for_any_polygon_and_never_crashes(tmp_path):
    three = poly([[10, 10], [40, 12], [20, 30]], label="text", description="三角")
    entries, skips = ppocr.dump(
        [
            three,
            rect(1, 1, 9, 5, description="ab", difficult=True),
            Shape("line", [[0, 0], [1, 1]], label="text"),
            poly([[1, 1]], label="text"),
        ]
    )
    assert [len(e["points"]) for e in entries] == [4, 4] and len(skips) == 2
    assert entries[0]["transcription"] == "三角" and entries[1]["difficult"] and "label" in entries[1]


def test_ppocr_export_import_round_trip(tmp_path):
    src = make_dataset(
        tmp_path / "d",
        {
            "a.png": [
                rect(4, 4, 40, 16, label="text", description="Hello"),
                Shape("rotation", [[10, 20], [50, 24], [49, 34], [9, 30]], label="text", description="wörld"),
            ]
        },
    )
    s = export_dataset("ppocr", src, tmp_path / "p")
    assert s.ok, s.lines()
    line = (tmp_path / "p" / "Label.txt").read_text(encoding="utf-8").strip()
    assert line.startswith("d/a.png\t")
    rec = (tmp_path / "p" / "rec_gt.txt").read_text(encoding="utf-8").splitlines()
    assert rec == ["crop_img/a_crop_0.jpg\tHello", "crop_img/a_crop_1.jpg\twörld"]
    assert cv2.imread(str(tmp_path / "p" / "crop_img" / "a_crop_0.jpg")).shape[:2] == (12, 36)
    target = tmp_path / "t"
    make_image(target / "a.png")
    s = import_dataset("ppocr", tmp_path / "p" / "Label.txt", target)
    assert s.ok, s.lines()
    shapes = read_label_file(target / "a.json").shapes
    assert [x.description for x in shapes] == ["Hello", "wörld"] and shapes[0].label == "text"


def test_ppocr_bad_lines_named(tmp_path):
    make_image(tmp_path / "i" / "a.png")
    lab = tmp_path / "Label.txt"
    lab.write_text(
        'x/a.png\t[{"transcription": "a", "points": [[0,0],[1,1]]}]\nno tab here\nx/b.png\t[]\n'
        'x/a.png\t[{"points": [[0,0],[5,0],[5,5]\n',
        encoding="utf-8",
    )
    s = import_dataset("ppocr", lab, tmp_path / "i")
    problems = " | ".join(p for _, p in s.failures)
    assert "line 1: box 0: needs at least 3 points" in problems and "line 2: no TAB" in problems
    assert "line 3: image 'x/b.png' not found" in problems and "line 4: not valid JSON" in problems


def test_mot_export_takes_the_frame_rate_recorded_at_frame_extraction(tmp_path):
    src = _video(tmp_path)
    assert export_dataset("mot", src, tmp_path / "a").ok
    assert "frameRate=30\n" in (tmp_path / "a" / "walk" / "seqinfo.ini").read_text()  # nothing recorded
    (src / "seqinfo.ini").write_text("[Sequence]\nname=walk\nframeRate=12.5\n", encoding="utf-8")
    assert export_dataset("mot", src, tmp_path / "b").ok
    assert "frameRate=12\n" in (tmp_path / "b" / "walk" / "seqinfo.ini").read_text()


def test_mot_frames_counted_from_0_keep_every_box_on_its_own_frame(tmp_path):
    for n in range(3):
        make_image(tmp_path / "i" / f"v_{n:04d}.png")
    gt = tmp_path / "gt.txt"
    gt.write_text("0,1,1,1,5,5,1,1,1\n1,1,2,2,5,5,1,1,1\n2,1,3,3,5,5,1,1,1\n")
    s = import_dataset("mot", gt, tmp_path / "i")
    assert s.ok and s.files_written == 3, s.lines()
    for n in range(3):  # frame n is the n-th image: none refused, none a frame early
        (box,) = read_label_file(tmp_path / "i" / f"v_{n:04d}.json").shapes
        assert box.points[0].tolist() == [n + 1, n + 1]


def test_mot_frames_counted_from_1_are_unchanged(tmp_path):
    for n in range(1, 3):
        make_image(tmp_path / "i" / f"v_{n}.png")
    gt = tmp_path / "gt.txt"
    gt.write_text("2,1,3,3,5,5,1,1,1\n")  # the first frame has no box: still frame 2 = 2nd image
    s = import_dataset("mot", gt, tmp_path / "i")
    assert s.ok, s.lines()
    assert not (tmp_path / "i" / "v_1.json").exists() and (tmp_path / "i" / "v_2.json").is_file()
