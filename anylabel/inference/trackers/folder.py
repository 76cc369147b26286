"""Track the boxes already in a folder's label files (drawn by hand or by another tool).

The tracker sees each frame's trackable shapes in folder order and their track ids
are written to ``group_id``; nothing else in the files changes, files whose ids do not
change are not rewritten, and a file that cannot be read is named and treated as a
frame without boxes (tracks survive it as they survive a missed detection).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from ...core.errors import LabelFileError
from ...core.frame_folder import EditReport, FrameFolder, snapshot
from ...core.image_io import read_image_rgb
from ...core.provenance import ownership, refresh_digest
from .base import TRACKABLE_TYPES, Tracker

#: Defaults for tracking boxes that are already there: every box is a real object (whatever
#: score a detector once gave it) and gets an id on its first frame. A config can override.
EXISTING_BOX_SETTINGS = {"min_hits": 1, "track_high_thresh": 0.0, "track_low_thresh": 0.0, "new_track_thresh": 0.0,
                         "fuse_score": False}

#: ``progress(done, total)``; returning False stops after the current frame.
ProgressFn = Callable[[int, int], "bool | None"]


def track_folder(folder: str | Path | FrameFolder, tracker: Tracker, start: int | None = None,
                 end: int | None = None, progress: ProgressFn | None = None, dry_run: bool = False) -> EditReport:
    """Assign track ids to the trackable shapes of positions ``start``..``end`` (0-based)."""
    frames = folder if isinstance(folder, FrameFolder) else FrameFolder(folder)
    positions = frames.clamp_range(start, end)
    tracker.reset()
    report = EditReport()
    for n, i in enumerate(positions, 1):
        ann = None
        try:
            ann = frames.load(i) if frames.index.has_label(i) else None
        except LabelFileError as exc:
            report.errors.append(str(exc))
        shapes = ann.shapes if ann is not None else []
        frame = None
        if tracker.needs_frames:   # every frame: camera motion is measured frame to frame
            try:
                frame = read_image_rgb(frames.image_path(i))
            except (OSError, ValueError) as exc:
                report.errors.append(f"{frames.image_path(i)}: {exc}")
                shapes = []
        before = snapshot(ann)
        if tracker.needs_frames and frame is None:
            ids = []   # the image is unreadable: this frame is skipped (named in the report)
        else:
            ids = tracker.assign(shapes, frame)
        if ann is not None and shapes and ids:
            owner = ownership(ann)
            for s, tid in zip(shapes, ids):
                if s.shape_type in TRACKABLE_TYPES:
                    s.group_id = tid
            refresh_digest(ann, owner)
            if dry_run:
                report.unchanged += 1
            else:
                frames.save_if_changed(i, ann, before, report)
        if progress is not None and progress(n, len(positions)) is False:
            break
    return report


def detect_and_track(folder: str | Path | FrameFolder, model, tracker: Tracker, start: int | None = None,
                     end: int | None = None, progress: ProgressFn | None = None) -> EditReport:
    """Run a detector (any ``anylabel.inference`` model with ``predict_result``) and a tracker
    over positions ``start``..``end``, writing the tracked shapes.

    Frames the user edited are not written: their boxes are fed to the tracker in place of
    the detections (the user's correction keeps the tracks on course). Frames without
    labels get new files; machine-written frames are replaced. Each written frame is
    marked as machine-written (ADR 0003).
    """
    from ...core.provenance import USER, mark_generated

    frames = folder if isinstance(folder, FrameFolder) else FrameFolder(folder)
    positions = frames.clamp_range(start, end)
    tracker.reset()
    report = EditReport()
    for n, i in enumerate(positions, 1):
        ann = None
        readable = True
        try:
            ann = frames.load(i) if frames.index.has_label(i) else None
        except LabelFileError as exc:
            report.errors.append(f"{exc} (frame left as it is)")
            readable = False
        try:
            image = read_image_rgb(frames.image_path(i))
        except (OSError, ValueError) as exc:
            report.errors.append(f"{frames.image_path(i)}: {exc}")
            if not tracker.needs_frames:
                tracker.assign([], None)   # a hole: tracks age as on a missed frame
            image = None
        if image is not None:
            if readable and ownership(ann) == USER:
                report.protected.append(frames.label_path(i))
                tracker.assign(ann.shapes, image)
            else:
                try:
                    pred = model.predict_result(image)
                except Exception as exc:  # noqa: BLE001  # one bad frame must not end the run
                    report.errors.append(f"{frames.image_path(i)}: the model failed ({type(exc).__name__}: {exc})")
                    tracker.assign([], image)
                    pred = None
                if pred is not None:
                    shapes = tracker.update(pred.shapes, image)
                    if readable:
                        before = snapshot(ann)
                        if ann is None:
                            ann = frames.new_annotation(i)
                        ann.shapes = shapes
                        if pred.flags:
                            ann.flags = {**ann.flags, **pred.flags}
                        mark_generated(ann, "detector+tracker")
                        frames.save_if_changed(i, ann, before, report)
        if progress is not None and progress(n, len(positions)) is False:
            break
    return report
