"""``anylabel track --input FRAMES_DIR --tracker NAME`` on hand-drawn boxes."""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "core"))
from seqfixtures import make_frames, read_shapes, rect, write_labels  # noqa: E402

from anylabel.cli import cmd_track  # noqa: E402


def run(*argv: str) -> int:
    p = argparse.ArgumentParser()
    cmd_track.add_arguments(p)
    return cmd_track.run(p.parse_args(list(argv) + ["--quiet"]))


@pytest.fixture
def crossing(tmp_path):
    """Two cars moving towards each other; the order of boxes in the files changes."""
    imgs = make_frames(tmp_path, 8)
    for f, img in enumerate(imgs):
        a, b = rect(10 + 6 * f, 10, 40 + 6 * f, 40), rect(150 - 6 * f, 60, 180 - 6 * f, 90)
        kp = {"label": "nose", "points": [[1, 1]], "shape_type": "point", "group_id": 9}
        write_labels(img, [b, a, kp] if f % 2 else [a, b, kp], custom_key="kept")
    return tmp_path, imgs


@pytest.mark.parametrize("tracker", ["bytetrack", "ocsort", "botsort"])
def test_ids_assigned_consistently(crossing, tracker):
    folder, imgs = crossing
    assert run("--input", str(folder), "--tracker", tracker) == 0
    for img in imgs:
        shapes = read_shapes(img)
        by_row = {s["points"][0][1]: s["group_id"] for s in shapes if s["shape_type"] == "rectangle"}
        assert by_row == {10: 1, 60: 2}
        assert [s["group_id"] for s in shapes if s["shape_type"] == "point"] == [9]
        assert json.loads(img.with_suffix(".json").read_text())["custom_key"] == "kept"


def test_second_run_touches_nothing_and_bad_files_are_named(crossing, capsys):
    folder, imgs = crossing
    imgs[3].with_suffix(".json").write_text("{oops")
    assert run("--input", str(folder)) == 1
    err = capsys.readouterr().err
    assert "v_000004.json" in err
    stamps = [img.with_suffix(".json").stat().st_mtime_ns for img in imgs]
    assert run("--input", str(folder)) == 1
    assert [img.with_suffix(".json").stat().st_mtime_ns for img in imgs] == stamps
    assert imgs[3].with_suffix(".json").read_text() == "{oops"
    assert read_shapes(imgs[7])[0]["group_id"] in (1, 2)


def test_range_and_dry_run(crossing):
    folder, imgs = crossing
    assert run("--input", str(folder), "--dry-run") == 0
    assert all(s["group_id"] is None for s in read_shapes(imgs[0]) if s["shape_type"] == "rectangle")
    assert run("--input", str(folder), "--start", "3", "--end", "4") == 0
    assert all(s["group_id"] is None for s in read_shapes(imgs[0]) if s["shape_type"] == "rectangle")
    assert {s["group_id"] for s in read_shapes(imgs[2]) if s["shape_type"] == "rectangle"} == {1, 2}


def test_config_file_and_errors(crossing, tmp_path, capsys):
    folder, _ = crossing
    cfg = tmp_path / "model.yaml"
    cfg.write_text("type: yolov8\ntracker:\n  tracker_type: ocsort\n  track_buffer: 10\n")
    assert run("--input", str(folder), "--config", str(cfg)) == 0
    cfg.write_text("tracker:\n  track_bufer: 10\n")
    assert run("--input", str(folder), "--config", str(cfg)) == 2
    assert "track_bufer" in capsys.readouterr().err
    assert run("--input", str(tmp_path / "missing")) == 2


def test_low_score_boxes_from_a_detector_get_ids_too(tmp_path):
    imgs = make_frames(tmp_path, 3)
    for f, img in enumerate(imgs):
        write_labels(img, [rect(10 + 4 * f, 10, 40 + 4 * f, 40, score=0.2), rect(120, 60, 150, 90, score=0.9)])
    assert run("--input", str(tmp_path)) == 0
    assert [[s["group_id"] for s in read_shapes(img)] for img in imgs] == [[1, 2]] * 3


def test_unreadable_image_with_camera_motion_is_named_and_skipped(crossing, tmp_path, capsys):
    folder, imgs = crossing
    imgs[2].write_bytes(b"not an image")
    cfg = tmp_path / "t.yaml"
    cfg.write_text("tracker:\n  gmc_method: sparseOptFlow\n")
    assert run("--input", str(folder), "--config", str(cfg)) == 1
    assert "v_000003.jpg" in capsys.readouterr().err
    assert {s["group_id"] for s in read_shapes(imgs[7]) if s["shape_type"] == "rectangle"} == {1, 2}


def written_count(out: str) -> int:
    return int(re.search(r"(\d+) label file\(s\) written", out).group(1))


def test_dry_run_lists_exactly_what_a_real_run_writes(crossing, capsys):
    folder, imgs = crossing
    # frame 3 already has its ids (as a previous run would leave them): nothing to do there
    shapes = read_shapes(imgs[2])
    for s in shapes:
        if s["shape_type"] == "rectangle":
            s["group_id"] = 1 if s["points"][0][1] == 10 else 2
    write_labels(imgs[2], shapes, custom_key="kept")
    texts = [img.with_suffix(".json").read_text() for img in imgs]
    assert run("--input", str(folder), "--dry-run") == 0
    out = capsys.readouterr().out
    assert [img.with_suffix(".json").read_text() for img in imgs] == texts   # nothing written
    assert "would change 7 label file(s)" in out
    listed = {Path(line.strip()).name for line in out.splitlines() if line.startswith("  ")}
    assert listed == {img.with_suffix(".json").name for i, img in enumerate(imgs) if i != 2}
    assert run("--input", str(folder)) == 0
    out = capsys.readouterr().out
    assert written_count(out) == 7
    assert [img.with_suffix(".json").read_text() for img in imgs][2] == texts[2]
    assert run("--input", str(folder), "--dry-run") == 0
    assert "would change 0 label file(s)" in capsys.readouterr().out


def test_only_boxes_get_ids_other_shapes_keep_their_groups(tmp_path):
    """A polygon in two parts (group 1, 1) and a circle in group 5 are the user's groups."""
    imgs = make_frames(tmp_path, 5)
    for f, img in enumerate(imgs):
        x = 10 + 6 * f
        parts = [{"label": "road", "points": [[0, 100], [20, 100], [20, 110]], "shape_type": "polygon", "group_id": 1},
                 {"label": "road", "points": [[50, 100], [70, 100], [70, 110]], "shape_type": "polygon", "group_id": 1},
                 {"label": "wheel", "points": [[100, 30], [105, 30]], "shape_type": "circle", "group_id": 5},
                 {"label": "blob", "points": [[120, 20], [140, 20], [140, 40]], "shape_type": "polygon"}]
        write_labels(img, parts + [rect(x, 10, x + 30, 40)])
    assert run("--input", str(tmp_path)) == 0
    box_ids = set()
    for img in imgs:
        shapes = read_shapes(img)
        assert [s["group_id"] for s in shapes[:4]] == [1, 1, 5, None]
        box_ids.add(shapes[4]["group_id"])
    assert len(box_ids) == 1 and box_ids.isdisjoint({1, 5, None})   # a new id, not one of the user's groups


def test_ids_set_by_hand_are_kept_and_their_tracks_continued(tmp_path):
    imgs = make_frames(tmp_path, 8)
    for f, img in enumerate(imgs):
        a = rect(10 + 6 * f, 10, 40 + 6 * f, 40, gid=7 if f == 0 else None)
        b = rect(150 - 6 * f, 60, 180 - 6 * f, 90, gid=3 if f == 4 else None)
        nose = {"label": "nose", "points": [[12 + 6 * f, 12]], "shape_type": "point", "group_id": 7}
        write_labels(img, [a, b, nose])
    assert run("--input", str(tmp_path)) == 0
    rows = [[s["group_id"] for s in read_shapes(img)] for img in imgs]
    # a keeps 7 from its first frame on; b gets a new id (1) until the user's 3 on frame 5, then 3
    assert rows == [[7, 1, 7]] * 4 + [[7, 3, 7]] * 4


def test_reassign_recomputes_ids_and_grouped_shapes_follow_their_box(tmp_path):
    """Ids the user got wrong (swapped halfway) are recomputed; keypoints and polygon parts
    grouped with a box on a frame follow that box's new id; other groups stay."""
    imgs = make_frames(tmp_path, 6)
    for f, img in enumerate(imgs):
        ga, gb = (5, 6) if f < 3 else (6, 5)
        a = rect(10 + 6 * f, 10, 40 + 6 * f, 40, label="person", gid=ga)
        b = rect(150 - 6 * f, 60, 180 - 6 * f, 90, label="person", gid=gb)
        kp = {"label": "nose", "points": [[12 + 6 * f, 12]], "shape_type": "point", "group_id": ga}
        arm = {"label": "arm", "points": [[150 - 6 * f, 70], [160 - 6 * f, 70], [160 - 6 * f, 80]],
               "shape_type": "polygon", "group_id": gb}
        sign = {"label": "sign", "points": [[0, 100], [9, 100], [9, 110]], "shape_type": "polygon", "group_id": 9}
        write_labels(img, [b, kp, a, arm, sign] if f % 2 else [a, kp, b, arm, sign])
    assert run("--input", str(tmp_path)) == 0   # default: the user's ids stay, even swapped
    assert {s["group_id"] for s in read_shapes(imgs[4]) if s["label"] == "nose"} == {6}
    assert run("--input", str(tmp_path), "--reassign") == 0
    for img in imgs:
        ids = {s["label"] if s["label"] != "person" else ("a" if s["points"][0][1] == 10 else "b"): s["group_id"]
               for s in read_shapes(img)}
        assert ids == {"a": 1, "b": 2, "nose": 1, "arm": 2, "sign": 9}


def test_frames_without_boxes_say_why_nothing_was_written(tmp_path, capsys):
    imgs = make_frames(tmp_path, 4)
    poly = {"label": "road", "points": [[1, 1], [50, 1], [50, 50]], "shape_type": "polygon", "group_id": None}
    write_labels(imgs[0], [poly])  # a label file, but no box in it
    assert run("--input", str(tmp_path)) == 0
    out = capsys.readouterr().out
    assert "nothing to track" in out and "4 frame(s)" in out and "1 with a label file" in out
    assert "rectangle or rotated box" in out
    assert sorted(p.name for p in tmp_path.glob("*.json")) == [imgs[0].with_suffix(".json").name]
