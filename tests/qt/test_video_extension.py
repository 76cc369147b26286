"""The video extension in a real main window: open a video, the Tracks dock, the tools."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "core"))
from seqfixtures import make_frames, read_shapes, rect, write_labels  # noqa: E402

pytestmark = pytest.mark.gui


def make_video(path: Path, n: int = 12) -> Path:
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 24, (160, 120))
    for i in range(1, n + 1):
        w.write(np.full((120, 160, 3), 10 * i, np.uint8))
    w.release()
    return path


@pytest.fixture
def window(make_window):
    w = make_window(install_extensions=True)
    assert not [m for m in w.error_messages if m.startswith("video")]
    return w


def wait_job(qtbot, job):
    assert job is not None
    # Polled, not waitSignals: a job that ends between a check and the connection would
    # never be seen to finish (the signal is already gone), which a loaded machine hits.
    qtbot.waitUntil(job.is_finished, timeout=60000)  # True once the result's slots have run


def test_open_video_extracts_and_opens_the_frames(window, qtbot, tmp_path):
    video = make_video(tmp_path / "clip.avi")
    job = window.open_video(str(video), {"interval": 3, "start": 1, "end": None, "out_dir": tmp_path / "clip"})
    wait_job(qtbot, job)
    qtbot.waitUntil(lambda: window.folder_index is not None and len(window.folder_index) == 4, timeout=5000)
    assert window.folder_index.names == ["clip_000001.jpg", "clip_000004.jpg", "clip_000007.jpg", "clip_000010.jpg"]
    assert window.current_image_path().name == "clip_000001.jpg"
    assert (tmp_path / "clip" / "seqinfo.ini").exists()


def test_a_broken_video_gives_a_message(window, tmp_path):
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"\x00" * 300)
    assert window.open_video(str(bad), {}) is None
    assert any("broken.mp4" in m for m in window.error_messages)


def test_track_boxes_list_and_jump(window, qtbot, tmp_path):
    imgs = make_frames(tmp_path / "f", 6)
    for i, img in enumerate(imgs):
        write_labels(img, [rect(10 + 5 * i, 10, 40 + 5 * i, 40), rect(150 - 5 * i, 60, 180 - 5 * i, 90, label="p")])
    window.open_folder(tmp_path / "f")
    dock = window.tracks_dock
    dock.show()
    wait_job(qtbot, window.video.track_boxes("ocsort"))
    qtbot.waitUntil(lambda: dock.tree.topLevelItemCount() == 2, timeout=5000)
    assert [s["group_id"] for s in read_shapes(imgs[5])] == [1, 2]
    assert {s.group_id for s in window.current_shapes()} == {1, 2}   # the open frame shows the new ids
    item = dock.tree.topLevelItem(1)
    assert [item.text(c) for c in range(5)] == ["2", "p", "1", "6", "6"]
    dock.select_track(2)
    dock.jump_last()
    assert window.current_image_path() == imgs[5]
    assert [window.canvas.shapes[i].group_id for i in window.canvas.selected_indices()] == [2]
    assert dock.tree.topLevelItem(0).font(0).bold()


def test_track_edits_from_the_controller(window, tmp_path):
    imgs = make_frames(tmp_path / "f", 4)
    for i, img in enumerate(imgs):
        write_labels(img, [rect(0, 0, 10, 10, gid=1)] if i < 2 else [rect(0, 0, 10, 10, gid=5)])
    window.open_folder(tmp_path / "f")
    window.tracks_dock.refresh()
    assert window.tracks_dock.tree.topLevelItemCount() == 2
    window.video.merge_tracks(1, 5)
    assert {s["group_id"] for img in imgs for s in read_shapes(img)} == {1}
    window.open_image(2)
    window.video.split_track(1)
    assert [read_shapes(img)[0]["group_id"] for img in imgs] == [1, 1, 2, 2]
    window.video.rename_track(2, "truck")
    assert read_shapes(imgs[3])[0]["label"] == "truck" and read_shapes(imgs[0])[0]["label"] == "car"
    assert window.tracks_dock.tree.topLevelItemCount() == 2


def test_interpolate_and_propagate_spare_the_users_frames(window, qtbot, tmp_path):
    folder = tmp_path / "f"
    imgs = make_frames(folder, 5)
    write_labels(imgs[0], [rect(0, 0, 10, 10, gid=1)])
    write_labels(imgs[2], [rect(100, 100, 110, 110, label="mine")])
    write_labels(imgs[4], [rect(40, 0, 50, 10, gid=1)])
    mine = imgs[2].with_suffix(".json").read_text()
    window.open_folder(folder)
    wait_job(qtbot, window.video.interpolate())
    qtbot.waitUntil(lambda: read_shapes(imgs[3]) is not None, timeout=5000)
    assert np.allclose(read_shapes(imgs[1])[0]["points"], [[10, 0], [20, 10]])
    assert imgs[2].with_suffix(".json").read_text() == mine
    # Propagation on flat frames finds no motion evidence: nothing is written, and no crash.
    window.open_image(4)
    before = imgs[3].with_suffix(".json").read_text()
    wait_job(qtbot, window.video.propagate("backward", 1))
    assert imgs[3].with_suffix(".json").read_text() == before
    assert json.loads(mine)["shapes"][0]["label"] == "mine"


def test_detect_and_track_needs_a_model_then_runs(window, qtbot, tmp_path):
    from anylabel.core.shape import rectangle
    from anylabel.inference.base import Prediction

    class Detector:   # finds the bright square of each frame with OpenCV
        def predict_result(self, image):
            ys, xs = np.nonzero(image[..., 0] > 128)
            return Prediction([rectangle(xs.min(), ys.min(), xs.max() + 1, ys.max() + 1, "sq", score=0.9)])

    folder = tmp_path / "f"
    folder.mkdir()
    for f in range(5):
        frame = np.zeros((60, 120, 3), np.uint8)
        frame[10:30, 5 + 6 * f:25 + 6 * f] = 255
        cv2.imwrite(str(folder / f"v_{f + 1:06d}.png"), frame)
    window.open_folder(folder)
    assert window.video.detect_and_track("bytetrack") is None     # no model loaded
    assert any("Auto Labeling" in m for m in window.error_messages)
    wait_job(qtbot, window.video.detect_and_track("bytetrack", 0, model=Detector()))
    qtbot.waitUntil(lambda: (folder / "v_000005.json").exists(), timeout=5000)
    assert [s.group_id for s in window.current_shapes()] == [1]
    assert json.loads((folder / "v_000005.json").read_text())["shapes"][0]["group_id"] == 1


def test_a_frame_edited_in_the_window_becomes_the_users(window, qtbot, tmp_path):
    from anylabel.core.label_file import read_label_file
    from anylabel.core.provenance import MACHINE, USER, ownership

    folder = tmp_path / "f"
    imgs = make_frames(folder, 3)
    write_labels(imgs[0], [rect(0, 0, 10, 10, gid=1)])
    write_labels(imgs[2], [rect(40, 0, 50, 10, gid=1)])
    window.open_folder(folder)
    wait_job(qtbot, window.video.interpolate())
    qtbot.waitUntil(lambda: imgs[1].with_suffix(".json").exists(), timeout=5000)
    assert ownership(read_label_file(imgs[1].with_suffix(".json"))) == MACHINE
    window.open_image(1)
    shapes = window.current_shapes()
    shapes[0].points = shapes[0].points + [0, 30]
    window.set_shapes(shapes)
    assert window.save()
    assert ownership(read_label_file(imgs[1].with_suffix(".json"))) == USER
    edited = imgs[1].with_suffix(".json").read_text()
    wait_job(qtbot, window.video.interpolate())
    assert imgs[1].with_suffix(".json").read_text() == edited


def test_a_job_reloads_the_open_frame_through_the_window(window, qtbot, tmp_path):
    """After a job the open frame is re-read by the window's own ``reload_current``: the
    view stays where it was and the new ids come as one step that Undo takes back."""
    imgs = make_frames(tmp_path / "f", 4)
    for i, img in enumerate(imgs):
        write_labels(img, [rect(10 + 5 * i, 10, 40 + 5 * i, 40)])
    window.open_folder(tmp_path / "f")
    window.open_image(1)
    calls = []
    real = window.reload_current
    window.reload_current = lambda: calls.append(1) or real()
    window.zoom(2.0)
    scale = window.canvas.scale
    wait_job(qtbot, window.video.track_boxes("bytetrack"))
    qtbot.waitUntil(lambda: bool(calls), timeout=5000)
    assert [s.group_id for s in window.current_shapes()] == [1]
    assert window.canvas.scale == pytest.approx(scale)
    window.undo()
    assert [s.group_id for s in window.current_shapes()] == [None]


def test_track_boxes_keeps_the_users_ids_unless_told_to_recompute(window, qtbot, tmp_path):
    imgs = make_frames(tmp_path / "f", 4)
    for i, img in enumerate(imgs):
        kp = {"label": "nose", "points": [[12 + 5 * i, 12]], "shape_type": "point", "group_id": 7}
        write_labels(img, [rect(10 + 5 * i, 10, 40 + 5 * i, 40, gid=7), kp])
    window.open_folder(tmp_path / "f")
    dock = window.tracks_dock
    wait_job(qtbot, dock.track_boxes())
    assert [[s["group_id"] for s in read_shapes(img)] for img in imgs] == [[7, 7]] * 4
    dock.reassign.setChecked(True)
    wait_job(qtbot, dock.track_boxes())
    qtbot.waitUntil(lambda: [s.group_id for s in window.current_shapes()] == [1, 1], timeout=5000)
    assert [[s["group_id"] for s in read_shapes(img)] for img in imgs] == [[1, 1]] * 4


def test_a_job_that_fails_says_which_job_and_why(window, qtbot):
    def broken(progress):
        progress(1, 3)
        raise OSError("frame_000002.json: disk full")

    job = window.video.run_job("Propagating...", broken, lambda r: pytest.fail("no result for a failed job"))
    wait_job(qtbot, job)
    assert window.error_messages[-1] == "Propagating: frame_000002.json: disk full"
    assert window.video.last_result is None


def test_cancel_in_the_progress_dialog_stops_the_job_and_closing_the_window_stops_it_too(window, qtbot):
    import threading

    from qtpy.QtWidgets import QProgressDialog

    steps: list[int] = []
    started = threading.Event()

    def long_job(progress):
        started.set()
        for i in range(100000):
            if not progress(i, 100000):
                return f"stopped at {i}"
            steps.append(i)
            threading.Event().wait(0.001)
        return "ran to the end"

    job = window.video.run_job("Tracking boxes...", long_job, lambda r: None)
    assert started.wait(5)
    dialog = next(d for d in window.findChildren(QProgressDialog) if d.labelText() == "Tracking boxes...")
    from qtpy.QtWidgets import QPushButton

    dialog.findChild(QPushButton).click()  # its Cancel button
    wait_job(qtbot, job)
    assert window.video.last_result.startswith("stopped at ")

    job = window.video.run_job("Tracking boxes...", long_job, lambda r: None)
    assert job is not None and job.is_running()
    window.close()
    assert not job.is_running() and job.cancelled
