"""What the video features do in the window: open a video, run the sequence tools on the
open folder in the background, edit tracks, and show the results.

Every folder-wide job saves the current frame first (so it sees what is on screen),
runs in a ``BackgroundTask`` with a cancellable progress dialog, then reloads the current frame
and the Tracks dock. Messages name the file and the problem.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from qtpy.QtCore import QObject, Qt, Signal
from qtpy.QtWidgets import QDialog, QProgressDialog

from ...core.errors import AnyLabelError
from ...core.frame_folder import EditReport, FrameFolder
from ...core.video_frames import VideoError, extract_frames, is_video_file, probe_video
from ..background import BackgroundTask
from ..i18n import translate
from ..window_api import WindowAPI


class VideoController(QObject):
    #: emitted after a job changed label files (the Tracks dock refreshes)
    labels_changed = Signal()
    #: a message for the user (also in the status bar)
    message = Signal(str)

    def __init__(self, window: WindowAPI) -> None:
        super().__init__(window)
        self.window = window
        self.job: BackgroundTask | None = None
        self.show_progress = True
        self.last_result: Any = None

    # ------------------------------------------------------------------ helpers
    def folder(self) -> Path | None:
        idx = self.window.folder_index
        return None if idx is None else Path(idx.folder)

    def frames(self) -> FrameFolder | None:
        idx = self.window.folder_index
        return None if idx is None else FrameFolder(idx.folder, idx)

    def say(self, text: str, error: bool = False) -> None:
        self.message.emit(text)
        if error:
            self.window.report_error(text)
        else:
            self.window.show_status(text, 10000)

    def reload_current(self) -> None:
        """Show the current frame's labels as the job left them on disk (the view kept, one
        undoable step: the main window's ``reload_current``)."""
        self.window.reload_current()

    def run_job(self, title: str, fn: Callable, on_done: Callable[[Any], None]) -> BackgroundTask | None:
        """Run ``fn(progress)`` in the background; one job at a time. ``progress(done, total)``
        returns False once the user pressed Cancel; a failure is reported naming the job."""
        if self.job is not None and self.job.is_running():
            self.say(translate("controller", "Another video job is still running; wait for it or cancel it."), error=True)
            return None
        job = BackgroundTask(lambda progress, _cancel: fn(progress), name=title.rstrip(". "), parent=self,
                             describe=lambda exc: f"{title.rstrip('. ')}: {str(exc) or type(exc).__name__}")
        dialog = None
        if self.show_progress:
            dialog = QProgressDialog(title, translate("controller", "Cancel"), 0, 0, self.window)
            dialog.setWindowModality(Qt.WindowModal)
            dialog.setMinimumDuration(400)
            dialog.canceled.connect(job.cancel)
            job.progress.connect(lambda d, t: (dialog.setMaximum(max(t, 1)), dialog.setValue(min(d, max(t, 1)))))

        def finish(result: Any) -> None:
            if dialog is not None:
                dialog.reset()
            self.last_result = result
            on_done(result)

        def fail(text: str) -> None:
            if dialog is not None:
                dialog.reset()
            self.last_result = None
            self.say(text, error=True)

        job.done.connect(finish)
        job.failed.connect(fail)
        self.job = job
        return job.start()

    def before_folder_job(self) -> FrameFolder | None:
        frames = self.frames()
        if frames is None:
            self.say(translate("controller", "Open a folder of frames (or a video) first."), error=True)
            return None
        if not self.window.save():
            return None
        return frames

    def report_done(self, what: str, report: EditReport) -> None:
        self.reload_current()
        self.labels_changed.emit()
        self.window.label_files_changed()  # the job marked its files in the folder index: show them
        text = f"{what}: " + "; ".join(report.lines()[:2])
        if report.errors:
            more = translate("controller", " (and {0} more)").format(len(report.errors) - 5) if len(report.errors) > 5 else ""
            self.say(text + "\n" + "\n".join(report.errors[:5]) + more, error=True)
        else:
            self.say(text)

    # ------------------------------------------------------------------ video
    def open_video(self, path: str | Path, options: dict | None = None) -> BackgroundTask | None:
        """Split ``path`` into frames (asking how, unless ``options`` are given), then open them."""
        p = Path(path)
        try:
            info = probe_video(p)
        except VideoError as exc:
            self.say(str(exc), error=True)
            return None
        if options is None:
            from .extract_dialog import ExtractDialog

            dlg = ExtractDialog(info, self.window)
            if dlg.exec_() != QDialog.Accepted:
                return None
            options = dlg.options()

        def done(result) -> None:
            if result.warning:
                self.say(result.warning, error=True)
            if result.frame_count == 0:
                return
            self.window.open_folder(result.folder)
            state = "cancelled, " if result.cancelled else ""
            self.say(translate("controller", "{0}: {1}{2} frames written, {3} already there").format(p.name, state, len(result.written), result.existing))

        return self.run_job(translate("controller", "Extracting frames from {0}...").format(p.name),
                            lambda progress: extract_frames(p, progress=progress, **options), done)

    # ------------------------------------------------------------------ sequence tools
    def track_boxes(self, tracker_name: str = "bytetrack", settings: dict | None = None,
                    reassign: bool = False) -> BackgroundTask | None:
        """Give the boxes already in the folder's label files track ids (``reassign``: also
        recompute the ids already set; see ``track_folder``)."""
        from ...inference.runtime import ModelLoadError
        from ...inference.trackers import create_tracker
        from ...inference.trackers.folder import EXISTING_BOX_SETTINGS, track_folder

        frames = self.before_folder_job()
        if frames is None:
            return None
        try:
            tracker = create_tracker(tracker_name, {**EXISTING_BOX_SETTINGS, **(settings or {})})
        except (AnyLabelError, ModelLoadError, ValueError) as exc:
            self.say(str(exc), error=True)
            return None
        return self.run_job(translate("controller", "Tracking boxes..."),
                            lambda progress: track_folder(frames, tracker, progress=progress, reassign=reassign),
                            lambda r: self.report_done(translate("controller", "Tracked with {0}").format(tracker_name), r))

    def detect_and_track(self, tracker_name: str = "bytetrack", count: int = 0, model: Any = None) -> BackgroundTask | None:
        """Run the auto-labelling panel's loaded model and a tracker from the current frame on
        (``count`` frames, 0 = to the end). Frames the user edited are not written."""
        from ...inference.runtime import ModelLoadError
        from ...inference.trackers import create_tracker
        from ...inference.trackers.folder import detect_and_track

        if model is None:
            panel = self.window.autolabel_panel
            model = panel.model if panel is not None else None
        if model is None or not hasattr(model, "predict_result"):
            self.say(translate("controller", "Load a detection model in the Auto Labeling panel (Ctrl+A) first."), error=True)
            return None
        frames = self.before_folder_job()
        if frames is None:
            return None
        config = getattr(getattr(model, "config", None), "tracker", None) or {}
        try:
            tracker = create_tracker(tracker_name, dict(config))
        except (AnyLabelError, ModelLoadError, ValueError) as exc:
            self.say(str(exc), error=True)
            return None
        start = max(0, self.window.current_index)
        end = None if not count else start + count - 1
        return self.run_job(translate("controller", "Detecting and tracking..."), lambda progress: detect_and_track(
            frames, model, tracker, start, end, progress=progress),
            lambda r: self.report_done(translate("controller", "Detected and tracked with {0}").format(tracker_name), r))

    def interpolate(self, track_ids: set[int] | None = None) -> BackgroundTask | None:
        from ...core.interpolation import interpolate_folder

        frames = self.before_folder_job()
        if frames is None:
            return None
        return self.run_job(translate("controller", "Interpolating keyframes..."), lambda progress: interpolate_folder(frames, track_ids=track_ids),
                            lambda r: self.report_done(translate("controller", "Interpolated"), r))

    def propagate(self, direction: str = "forward", count: int = 0,
                  track_ids: set[int] | None = None) -> BackgroundTask | None:
        """From the current frame, ``count`` frames (0 = to the end of the folder)."""
        from ...core.propagation import propagate

        frames = self.before_folder_job()
        if frames is None:
            return None
        src = self.window.current_index
        if src < 0:
            self.say(translate("controller", "Open the frame to propagate from first."), error=True)
            return None
        start = None if not count or direction == "forward" else src - count
        end = None if not count or direction == "backward" else src + count
        return self.run_job(translate("controller", "Propagating..."), lambda progress: propagate(
            frames, src, start=start, end=end, direction=direction, track_ids=track_ids, progress=progress),
            lambda r: self.report_done(translate("controller", "Propagated {0}").format(translate("tracks_dock", direction)), r))

    def propagate_sam2(self, direction: str = "both", config: str | None = None) -> BackgroundTask | None:
        """Follow the SAM prompt and the tracked shapes of the current frame with SAM 2
        (``sam2_propagation``)."""
        from .sam2_propagation import propagate_sam2

        return propagate_sam2(self, direction, config)

    # ------------------------------------------------------------------ track edits (fast: run here)
    def _edit(self, what: str, fn: Callable[[FrameFolder], EditReport]) -> EditReport | None:
        frames = self.before_folder_job()
        if frames is None:
            return None
        report = fn(frames)
        self.report_done(what, report)
        return report

    def rename_track(self, track_id: int, label: str) -> EditReport | None:
        from ...core.tracks import rename_track

        return self._edit(translate("controller", "Track {0} renamed to {1}").format(track_id, repr(label)), lambda f: rename_track(f, track_id, label))

    def merge_tracks(self, keep_id: int, other_id: int) -> EditReport | None:
        from ...core.tracks import merge_tracks

        return self._edit(translate("controller", "Track {0} merged into {1}").format(other_id, keep_id), lambda f: merge_tracks(f, keep_id, other_id))

    def split_track(self, track_id: int, at: int | None = None) -> EditReport | None:
        from ...core.tracks import split_track

        pos = self.window.current_index if at is None else at
        return self._edit(translate("controller", "Track {0} split at frame {1}").format(track_id, pos + 1), lambda f: split_track(f, track_id, pos)[1])

    def delete_track(self, track_id: int) -> EditReport | None:
        from ...core.tracks import delete_track

        return self._edit(translate("controller", "Track {0} deleted").format(track_id), lambda f: delete_track(f, track_id))

    def jump(self, position: int) -> bool:
        return bool(self.window.open_image(position))


def video_filter() -> str:
    from ...core.video_frames import VIDEO_EXTENSIONS

    return "Videos (" + " ".join(f"*{e}" for e in sorted(VIDEO_EXTENSIONS)) + ")"


__all__ = ["VideoController", "is_video_file", "video_filter"]
