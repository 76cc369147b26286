"""Track listing, rename, merge, split over a folder; provenance of machine-written frames."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from seqfixtures import make_frames, read_shapes, rect, write_labels  # noqa: E402

from anylabel.core.label_file import ImageAnnotation, read_label_file, write_label_file  # noqa: E402
from anylabel.core.provenance import MACHINE, NO_LABELS, USER, mark_generated, ownership  # noqa: E402
from anylabel.core.shape import rectangle  # noqa: E402
from anylabel.core.tracks import delete_track, list_tracks, merge_tracks, next_track_id, rename_track, split_track  # noqa: E402


@pytest.fixture
def seq(tmp_path):
    imgs = make_frames(tmp_path, 6)
    for i, img in enumerate(imgs):
        shapes = [rect(i, 0, i + 10, 10, gid=1)]
        if i >= 2:
            shapes.append(rect(100, i, 120, i + 20, label="person", gid=2))
        if i == 5:
            shapes.append(rect(150, 0, 160, 10, label="dog", gid=3))
        write_labels(img, shapes)
    imgs[4].with_suffix(".json").write_text("[]")   # unreadable label file
    return tmp_path, imgs


def test_list_tracks(seq):
    folder, _ = seq
    listing = list_tracks(folder)
    spans = {t.track_id: (t.label, t.first, t.last, t.frames) for t in listing.tracks}
    assert spans == {1: ("car", 0, 5, 5), 2: ("person", 2, 5, 3), 3: ("dog", 5, 5, 1)}
    assert len(listing.errors) == 1 and "v_000005.json" in listing.errors[0]
    assert next_track_id(folder) == 4


def test_rename_writes_only_files_that_change(seq):
    folder, imgs = seq
    untouched = imgs[0].with_suffix(".json").stat().st_mtime_ns
    report = rename_track(folder, 2, "pedestrian")
    assert len(report.changed) == 3 and len(report.errors) == 1
    assert imgs[0].with_suffix(".json").stat().st_mtime_ns == untouched
    assert [s["label"] for s in read_shapes(imgs[3]) if s["group_id"] == 2] == ["pedestrian"]


def test_merge_and_its_refusal(seq):
    folder, imgs = seq
    refused = merge_tracks(folder, 1, 2)     # both on frames 2..5
    assert refused.changed == [] and "both appear" in refused.errors[0]
    write_labels(imgs[5], [rect(0, 0, 10, 10, gid=1), rect(150, 0, 160, 10, label="dog", gid=3)])
    report = merge_tracks(folder, 3, 1)
    assert report.errors and "both appear" in report.errors[0]
    delete_track(folder, 3)
    report = merge_tracks(folder, 3, 1)
    assert not [e for e in report.errors if "both appear" in e]
    assert {t.track_id for t in list_tracks(folder).tracks} == {2, 3}


def test_split(seq):
    folder, imgs = seq
    new_id, report = split_track(folder, 1, 3)
    assert new_id == 4
    assert [s["group_id"] for s in read_shapes(imgs[2]) if s["label"] == "car"] == [1]
    assert [s["group_id"] for s in read_shapes(imgs[3]) if s["label"] == "car"] == [4]
    assert [s["group_id"] for s in read_shapes(imgs[5]) if s["label"] == "car"] == [4]


def test_ownership(tmp_path):
    p = tmp_path / "a.json"
    ann = ImageAnnotation(shapes=[rectangle(0, 0, 5, 5, "car")], image_path="a.jpg", image_width=10, image_height=10)
    assert ownership(None) == NO_LABELS
    assert ownership(ImageAnnotation()) == NO_LABELS
    assert ownership(ann) == USER                 # no record: the user's
    mark_generated(ann, "propagation")
    write_label_file(p, ann)
    back = read_label_file(p)
    assert ownership(back) == MACHINE             # the record survives a save/load
    back.shapes[0].points[1] += 1                 # any edit makes it the user's
    assert ownership(back) == USER
    back = read_label_file(p)
    back.shapes[0].score = 0.5                    # a score is not an edit
    assert ownership(back) == MACHINE


def test_bulk_edit_keeps_machine_frames_machine(tmp_path):
    imgs = make_frames(tmp_path, 2)
    for img in imgs:
        ann = ImageAnnotation(shapes=[rectangle(0, 0, 5, 5, "car", group_id=1)], image_path=img.name,
                              image_width=200, image_height=120)
        mark_generated(ann, "tracker")
        write_label_file(img.with_suffix(".json"), ann)
    write_labels(imgs[1], [rect(0, 0, 5, 5, gid=1)])   # frame 2 is the user's
    rename_track(tmp_path, 1, "truck")
    assert ownership(read_label_file(imgs[0].with_suffix(".json"))) == MACHINE
    assert ownership(read_label_file(imgs[1].with_suffix(".json"))) == USER
