"""Track the boxes already in a folder's label files (drawn by hand or by another tool).

The tracker sees each frame's boxes (rectangles and rotated boxes) in folder order and
their track ids are written to ``group_id``. Other shapes keep their ``group_id``: a
polygon in several parts or a pose's keypoints are grouped by the user, and that
grouping must survive. Ids the user already gave boxes are kept and seed the tracker
(the track continues under the user's id); ``reassign=True`` recomputes every box id,
and shapes that shared a box's old id on its frame follow the box to its new id.
Nothing else in the files changes, files whose ids do not change are not rewritten,
and a file that cannot be read is named and treated as a frame without boxes (tracks
survive it as they survive a missed detection).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from ...core.errors import LabelFileError
from ...core.frame_folder import EditReport, FrameFolder, saves_in_background, snapshot
from ...core.i18n import tr
from ...core.image_io import read_image_rgb
from ...core.label_file import ImageAnnotation
from ...core.provenance import ownership, refresh_digest
from ...core.shape import RECTANGLE, ROTATION
from .base import Tracker

#: What ``track_folder`` gives ids to; every other shape type keeps its ``group_id``.
BOX_TYPES = frozenset({RECTANGLE, ROTATION})

#: Defaults for tracking boxes that are already there: every box is a real object (whatever
#: score a detector once gave it) and gets an id on its first frame. A config can override.
EXISTING_BOX_SETTINGS = {"min_hits": 1, "track_high_thresh": 0.0, "track_low_thresh": 0.0, "new_track_thresh": 0.0,
                         "fuse_score": False}

#: ``progress(done, total)``; returning False stops after the current frame.
ProgressFn = Callable[[int, int], "bool | None"]


@saves_in_background
def track_folder(folder: str | Path | FrameFolder, tracker: Tracker, start: int | None = None,
                 end: int | None = None, progress: ProgressFn | None = None, dry_run: bool = False,
                 reassign: bool = False) -> EditReport:
    """Assign track ids to the boxes of positions ``start``..``end`` (0-based).

    By default a box that already has a ``group_id`` keeps it and the tracker continues
    that track; ``reassign`` recomputes every box id. With ``dry_run`` nothing is written
    and ``report.changed`` lists the label files a real run would write.
    """
    frames = folder if isinstance(folder, FrameFolder) else FrameFolder(folder)
    positions = frames.clamp_range(start, end)
    tracker.reset()
    report = EditReport()
    anns: dict[int, ImageAnnotation | None] = {}
    reserved: set[int] = set()
    for i in range(len(frames)):   # ids that stay in the files: new tracks must not take them
        ann = None
        try:
            ann = frames.load(i) if frames.index.has_label(i) else None
        except LabelFileError as exc:
            if i in positions:
                report.errors.append(str(exc))
        if i in positions:
            anns[i] = ann
        if ann is not None:
            reserved |= _kept_ids(ann, reassign=reassign and i in positions)
    tracker.reserve_ids(reserved)
    for n, i in enumerate(positions, 1):
        ann = anns.pop(i, None)
        boxes = [s for s in ann.shapes if s.shape_type in BOX_TYPES] if ann is not None else []
        frame = None
        if tracker.needs_frames:   # every frame: camera motion is measured frame to frame
            try:
                frame = read_image_rgb(frames.image_path(i))
            except (OSError, ValueError) as exc:
                report.errors.append(f"{frames.image_path(i)}: {exc}")
                boxes = []
        before = snapshot(ann)
        if tracker.needs_frames and frame is None:
            ids = []   # the image is unreadable: this frame is skipped (named in the report)
        else:
            seeds = None if reassign else [s.group_id for s in boxes]
            ids = tracker.assign(boxes, frame, seeds=seeds)
        if ann is not None and boxes and ids:
            owner = ownership(ann)
            _write_ids(ann, boxes, ids, reassign)
            refresh_digest(ann, owner)
            if dry_run:
                if snapshot(ann) == before:
                    report.unchanged += 1
                else:
                    report.changed.append(frames.label_path(i))
            else:
                frames.save_if_changed(i, ann, before, report)
        if progress is not None and progress(n, len(positions)) is False:
            break
    return report


def _kept_ids(ann: ImageAnnotation, reassign: bool) -> set[int]:
    """The group ids of ``ann`` a run leaves as they are (all of them unless ``reassign``)."""
    if not reassign:
        return {s.group_id for s in ann.shapes if s.group_id is not None}
    box_ids = {s.group_id for s in ann.shapes if s.shape_type in BOX_TYPES}
    return {s.group_id for s in ann.shapes if s.group_id is not None and s.group_id not in box_ids}


def _write_ids(ann: ImageAnnotation, boxes: list, ids: list[int | None], reassign: bool) -> None:
    """Put the track ids on the boxes; with ``reassign`` the shapes grouped with a box follow it."""
    moved: dict[int, int] = {}
    for box, tid in zip(boxes, ids):
        if not reassign:
            if box.group_id is None:
                box.group_id = tid
            continue
        if box.group_id is not None and tid is not None and box.group_id not in moved:
            moved[box.group_id] = tid   # two boxes in one group: the group follows the first
        box.group_id = tid
    if moved:
        for s in ann.shapes:
            if s.shape_type not in BOX_TYPES and s.group_id in moved:
                s.group_id = moved[s.group_id]


@saves_in_background
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
            report.errors.append(tr("{0} (frame left as it is)").format(exc))
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
                    report.errors.append(tr("{0}: the model failed ({1}: {2})").format(
                        frames.image_path(i), type(exc).__name__, exc))
                    tracker.assign([], image)
                    pred = None
                if pred is not None:
                    shapes = tracker.update(pred.shapes, image)
                    if readable and (ann is not None or shapes or pred.flags):  # nothing found, no file:
                        before = snapshot(ann)                                 # not an empty "labelled" one
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
