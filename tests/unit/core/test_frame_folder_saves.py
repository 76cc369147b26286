"""Sequence tools save frames in the background: same files, complete reports, errors named."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from seqfixtures import make_frames, read_shapes, rect, write_labels  # noqa: E402

from anylabel.core.frame_folder import EditReport, FrameFolder, snapshot  # noqa: E402
from anylabel.core.interpolation import interpolate_folder  # noqa: E402
from anylabel.core.tracks import rename_track  # noqa: E402


def test_interpolation_writes_every_gap_frame_and_reports_them_in_order(tmp_path):
    imgs = make_frames(tmp_path, 40)
    write_labels(imgs[0], [rect(0, 0, 10, 10, gid=1)])
    write_labels(imgs[-1], [rect(39, 0, 49, 10, gid=1)])
    (tmp_path / imgs[20].with_suffix(".json").name).mkdir()  # this frame's save must fail
    report = interpolate_folder(tmp_path)
    written = [p.name for p in report.changed]
    assert written == [p.with_suffix(".json").name for p in imgs[1:-1] if p != imgs[20]]
    assert len(report.errors) == 1 and imgs[20].with_suffix(".json").name in report.errors[0]
    assert read_shapes(imgs[10])[0]["points"] == [[10.0, 0.0], [20.0, 10.0]]


def test_a_frame_loaded_while_its_save_runs_reads_the_new_content(tmp_path):
    imgs = make_frames(tmp_path, 3)
    write_labels(imgs[1], [rect(0, 0, 10, 10, gid=1)])
    frames = FrameFolder(tmp_path)
    report = EditReport()
    with frames.saves_in_background():
        ann = frames.load(1)
        before = snapshot(ann)
        ann.shapes[0].label = "bus"
        frames.save_if_changed(1, ann, before, report)
        assert frames.load(1).shapes[0].label == "bus"
        assert report.changed == []  # reported when the block ends
    assert [p.name for p in report.changed] == [imgs[1].with_suffix(".json").name]


def test_track_edits_report_written_and_unreadable_frames(tmp_path):
    imgs = make_frames(tmp_path, 12)
    for img in imgs:
        write_labels(img, [rect(0, 0, 10, 10, gid=7)])
    imgs[3].with_suffix(".json").write_text("[]")
    report = rename_track(tmp_path, 7, "truck")
    assert len(report.changed) == 11 and len(report.errors) == 1
    assert all(read_shapes(p)[0]["label"] == "truck" for p in imgs if p != imgs[3])
