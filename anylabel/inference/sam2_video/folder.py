"""SAM 2 propagation over a folder of frames, written as label files.

Prompts (clicks, boxes) give each object a track id (``group_id``). Frames the user edited
(ADR 0003: no ``generated`` record, or shapes changed since) are never written; where such a
frame holds one of the tracked ids, its shape becomes a conditioning mask for that object,
so a corrected frame steers the frames after it when propagating again. Frames the machine
wrote get the new shapes of the tracked ids and keep every other shape; an object hidden on
a frame has no shape there. Saves are atomic and run in the background (``FrameFolder``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ...core.errors import LabelFileError
from ...core.frame_folder import EditReport, FrameFolder, saves_in_background, snapshot
from ...core.geometry import shape_to_mask
from ...core.image_io import read_image_rgb
from ...core.provenance import USER, mark_generated, ownership
from ...core.shape import Shape
from ..sam.mask_output import mask_to_shapes
from .parts import Sam2VideoParts
from .prompts import FramePrompt, ObjectPrompts
from .tracker import VideoTracker

ProgressFn = Callable[[int, int], "bool | None"]
GENERATED_BY = "sam2_video"


@dataclass
class Sam2TrackReport(EditReport):
    frames_visited: int = 0    # distinct frames (a frame may be visited by the forward and the backward pass)
    #: track id -> frames where the object was found
    found: dict[int, list[int]] = field(default_factory=dict)
    #: track id -> label
    objects: dict[int, str] = field(default_factory=dict)
    cancelled: bool = False
    corrections: int = 0   # user-edited frames used as conditioning masks


def _assign_ids(frames: FrameFolder, objects: list[ObjectPrompts]) -> None:
    from ...core.tracks import next_track_id

    nid = max([next_track_id(frames)] + [o.track_id + 1 for o in objects if o.track_id is not None])
    for o in objects:
        if o.track_id is None:
            o.track_id = nid
            nid += 1


@saves_in_background
def track_folder_sam2(frames: FrameFolder, parts: Sam2VideoParts, objects: list[ObjectPrompts], *,
                      direction: str = "both", start: int | None = None, end: int | None = None,
                      output_mode: str = "polygon", tolerance: float = 1.0, use_corrections: bool = True,
                      progress: ProgressFn | None = None) -> Sam2TrackReport:
    """Follow ``objects`` through ``frames`` (0-based ``start``..``end``) and write their shapes."""
    report = Sam2TrackReport()
    _assign_ids(frames, objects)
    span = frames.clamp_range(start, end)

    def rgb(i: int):
        return read_image_rgb(frames.image_path(i))

    tracker = VideoTracker(parts, rgb, len(frames))
    anns: dict[int, object] = {}
    bad: set[int] = set()

    def load(i: int):
        if i not in anns and i not in bad:
            try:
                anns[i] = frames.load(i)
            except LabelFileError as exc:
                report.errors.append(str(exc))
                bad.add(i)
        return anns.get(i)

    try:
        for o in objects:
            report.objects[o.track_id] = o.label
            for p in o.prompts:
                tracker.add_prompt(o.track_id, p)
        if use_corrections:
            _add_corrections(frames, tracker, objects, span, load, report)
    except (OSError, ValueError) as exc:   # an unreadable prompted frame: nothing can start
        report.errors.append(str(exc))
        return report
    plan_total = len(tracker.frame_plan(direction, span.start, span.stop - 1))
    labels = {o.track_id: o.label for o in objects}
    visited: set[int] = set()
    try:
        for done, (frame, results) in enumerate(tracker.propagate(direction, span.start, span.stop - 1), 1):
            visited.add(frame)
            report.frames_visited = len(visited)
            _write(frames, frame, results, labels, output_mode, tolerance, load, bad, report, anns)
            if progress is not None and progress(done, plan_total) is False:
                report.cancelled = True
                break
    except (OSError, ValueError) as exc:   # a frame that cannot be read ends the run there
        report.errors.append(str(exc))
    return report


def _add_corrections(frames, tracker: VideoTracker, objects, span, load, report) -> None:
    """User-edited frames holding a tracked id condition that object with the user's shape."""
    ids = {o.track_id for o in objects}
    prompted = {(o.track_id, p.frame) for o in objects for p in o.prompts}
    for i in span:
        ann = load(i)
        if ann is None or ownership(ann) != USER:
            continue
        by_id: dict[int, list[Shape]] = {}
        for s in ann.shapes:
            if s.group_id in ids:
                by_id.setdefault(s.group_id, []).append(s)
        if not by_id:
            continue
        h, w = int(ann.image_height or 0), int(ann.image_width or 0)
        if not h or not w:
            h, w = read_image_rgb(frames.image_path(i)).shape[:2]
        for tid, shapes in by_id.items():
            if (tid, i) in prompted:
                continue
            mask = None
            for s in shapes:
                m = shape_to_mask(s, h, w)
                mask = m if mask is None else (mask | m)
            if mask is not None and mask.any():
                tracker.add_prompt(tid, FramePrompt(i, mask=mask))
                report.corrections += 1


def _write(frames: FrameFolder, frame: int, results, labels, output_mode, tolerance, load, bad, report,
           anns: dict) -> None:
    for tid, r in results.items():
        if r.visible:
            report.found.setdefault(tid, []).append(frame)
    if frame in bad:
        return
    ann = load(frame)
    if ann is not None and ownership(ann) == USER:
        report.protected.append(frames.label_path(frame))
        return
    before = snapshot(ann)
    if ann is None:
        ann = frames.new_annotation(frame)
    new: list[Shape] = []
    for tid in sorted(results):
        r = results[tid]
        if r.visible:
            new += mask_to_shapes(r.mask, output_mode, labels[tid], tolerance, tid)
    kept = [s for s in ann.shapes if s.group_id not in results]
    if not new and not ann.shapes and before is None:
        return   # nothing found and nothing there: no empty label file
    ann.shapes = kept + new
    mark_generated(ann, GENERATED_BY)
    anns[frame] = ann   # a second pass over this frame (forward, then backward) builds on it
    frames.save_if_changed(frame, ann, before, report)
