"""Propagation: carry the objects of one frame forward or backward through the frames.

From a frame whose objects the user drew or corrected, each object is followed frame
to frame by sparse optical flow (Lucas-Kanade on corners inside it, checked forwards
and backwards), falling back to template matching where the object has too little
texture; an object whose motion cannot be found with confidence stops there rather
than being carried on blindly. Shapes move and scale with their object, so rotated
boxes, polygons and keypoints propagate too.

Frames the user edited are never written (``provenance``, ADR 0003): when one holds
the object (same track id), propagation continues from the user's shape, so a
correction mid-way steers the frames after it. Frames the machine wrote get the new
shape for each propagated id and keep the rest.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import cv2
import numpy as np

from .errors import LabelFileError
from .frame_folder import EditReport, FrameFolder, saves_in_background, snapshot
from .geometry import bounding_box, sync_direction
from .image_io import read_image_rgb
from .provenance import USER, mark_generated, ownership, refresh_digest
from .shape import POINT, Shape

ProgressFn = Callable[[int, int], "bool | None"]

_LK = dict(winSize=(21, 21), maxLevel=3, criteria=(cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 30, 0.01))


@dataclass
class Motion:
    dx: float
    dy: float
    scale: float
    confidence: float   # 0..1


def _gray(path) -> np.ndarray:
    return cv2.cvtColor(read_image_rgb(path), cv2.COLOR_RGB2GRAY)


def _clip_box(box, w: int, h: int) -> tuple[int, int, int, int] | None:
    x1, y1, x2, y2 = box
    xa, ya = int(max(0, np.floor(x1))), int(max(0, np.floor(y1)))
    xb, yb = int(min(w, np.ceil(x2))), int(min(h, np.ceil(y2)))
    if xb - xa < 2 or yb - ya < 2:
        return None
    return xa, ya, xb, yb


def _flow_motion(prev: np.ndarray, cur: np.ndarray, box) -> Motion | None:
    h, w = prev.shape
    r = _clip_box(box, w, h)
    if r is None:
        return None
    xa, ya, xb, yb = r
    mask = np.zeros_like(prev)
    mask[ya:yb, xa:xb] = 255
    pts = cv2.goodFeaturesToTrack(prev, maxCorners=80, qualityLevel=0.01, minDistance=3, mask=mask)
    if pts is None or len(pts) < 4:
        return None
    nxt, st, _ = cv2.calcOpticalFlowPyrLK(prev, cur, pts, None, **_LK)
    back, st2, _ = cv2.calcOpticalFlowPyrLK(cur, prev, nxt, None, **_LK)
    fb = np.linalg.norm((pts - back).reshape(-1, 2), axis=1)
    good = (st.ravel() == 1) & (st2.ravel() == 1) & (fb < 1.0)
    if good.sum() < 3:
        return None
    p0, p1 = pts.reshape(-1, 2)[good], nxt.reshape(-1, 2)[good]
    d = np.median(p1 - p0, axis=0)
    scale = 1.0
    if len(p0) >= 4:
        i, j = np.triu_indices(min(len(p0), 30), 1)
        d0 = np.linalg.norm(p0[i] - p0[j], axis=1)
        d1 = np.linalg.norm(p1[i] - p1[j], axis=1)
        ok = d0 > 2.0
        if ok.any():
            scale = float(np.clip(np.median(d1[ok] / d0[ok]), 0.8, 1.25))
    return Motion(float(d[0]), float(d[1]), scale, float(good.mean()))


def _template_motion(prev: np.ndarray, cur: np.ndarray, box, min_score: float = 0.6) -> Motion | None:
    h, w = prev.shape
    r = _clip_box(box, w, h)
    if r is None:
        return None
    xa, ya, xb, yb = r
    tpl = prev[ya:yb, xa:xb]
    if float(tpl.std()) < 2.0:
        return None   # a flat patch matches anywhere: no evidence of where it went
    bw, bh = xb - xa, yb - ya
    sx1, sy1 = max(0, xa - bw), max(0, ya - bh)
    sx2, sy2 = min(w, xb + bw), min(h, yb + bh)
    region = cur[sy1:sy2, sx1:sx2]
    if region.shape[0] < tpl.shape[0] or region.shape[1] < tpl.shape[1]:
        return None
    res = cv2.matchTemplate(region, tpl, cv2.TM_CCOEFF_NORMED)
    _, best, _, loc = cv2.minMaxLoc(res)
    if best < min_score:
        return None
    return Motion(float(sx1 + loc[0] - xa), float(sy1 + loc[1] - ya), 1.0, float(best))


def estimate_motion(prev_gray: np.ndarray, gray: np.ndarray, box) -> Motion | None:
    """How the content of ``box`` (xyxy) moved from ``prev_gray`` to ``gray``; None if unknown."""
    return _flow_motion(prev_gray, gray, box) or _template_motion(prev_gray, gray, box)


def move_shape(shape: Shape, m: Motion) -> Shape:
    """The shape translated by the motion and scaled about its centre."""
    out = shape.copy()
    x1, y1, x2, y2 = bounding_box(shape)
    c = np.array([(x1 + x2) / 2, (y1 + y2) / 2])
    out.points = (shape.points - c) * m.scale + c + [m.dx, m.dy]
    out.score = None
    sync_direction(out)
    return out


def _box_of(shape: Shape, radius: float = 12.0):
    if shape.shape_type == POINT:
        (x, y), = shape.points[:1]
        return (x - radius, y - radius, x + radius, y + radius)
    return bounding_box(shape)


@dataclass
class PropagationReport(EditReport):
    frames_visited: int = 0
    #: track id -> last folder position it was followed to (per direction run)
    reached: dict[int, int] = field(default_factory=dict)
    source_ids_assigned: bool = False


def _load(frames: FrameFolder, i: int, report: EditReport):
    try:
        return frames.load(i), True
    except LabelFileError as exc:
        report.errors.append(str(exc))
        return None, False


@saves_in_background
def propagate(folder: str | FrameFolder, source: int, *, start: int | None = None, end: int | None = None,
              direction: str = "forward", track_ids: set[int] | None = None,
              progress: ProgressFn | None = None) -> PropagationReport:
    """Carry the shapes of frame ``source`` (0-based position) to ``start``..``end``.

    ``direction``: "forward", "backward" or "both". ``track_ids`` limits which objects go
    (default: all). Shapes without a track id get one (written to the source frame, the
    only change made to it) so that the propagated copies are one track.
    """
    if direction not in ("forward", "backward", "both"):
        raise ValueError(f"direction must be forward, backward or both, not {direction!r}")
    frames = folder if isinstance(folder, FrameFolder) else FrameFolder(folder)
    report = PropagationReport()
    src_ann, readable = _load(frames, source, report)
    if not readable or src_ann is None or not src_ann.shapes:
        if readable:
            report.errors.append(f"{frames.label_path(source)}: the source frame has no shapes to propagate")
        return report
    # Ids: objects without one get fresh ids above every id in the folder.
    from .tracks import next_track_id

    missing = [s for s in src_ann.shapes if s.group_id is None]
    if missing and track_ids is None:
        before, owner = snapshot(src_ann), ownership(src_ann)
        nid = next_track_id(frames)
        for s in missing:
            s.group_id = nid
            nid += 1
        refresh_digest(src_ann, owner)
        frames.save_if_changed(source, src_ann, before, report)
        report.source_ids_assigned = True
    objects = [s for s in src_ann.shapes if s.group_id is not None and (track_ids is None or s.group_id in track_ids)]
    span = frames.clamp_range(start, end)
    runs = []
    if direction in ("forward", "both"):
        runs.append([p for p in span if p > source])
    if direction in ("backward", "both"):
        runs.append([p for p in reversed(span) if p < source])
    total = sum(len(r) for r in runs)
    try:
        src_gray = _gray(frames.image_path(source))
    except (OSError, ValueError) as exc:
        report.errors.append(f"{frames.image_path(source)}: {exc}")
        return report
    done = 0
    for order in runs:
        alive = {s.group_id: s for s in objects}
        prev_gray = src_gray
        for p in order:
            done += 1
            try:
                gray = _gray(frames.image_path(p))
            except (OSError, ValueError) as exc:
                report.errors.append(f"{frames.image_path(p)}: {exc}")
                break   # a hole in the sequence: motion across it is unknown
            moved: dict[int, Shape] = {}
            for tid, shape in alive.items():
                m = estimate_motion(prev_gray, gray, _box_of(shape))
                if m is not None:
                    moved[tid] = move_shape(shape, m)
            report.frames_visited += 1
            ann, readable = _load(frames, p, report)
            if readable:
                owner = ownership(ann)
                if owner == USER:
                    report.protected.append(frames.label_path(p))
                    for s in ann.shapes:   # the user's shapes steer the frames after them
                        if s.group_id in alive:
                            moved[s.group_id] = s.copy()
                elif moved:
                    before = snapshot(ann)
                    if ann is None:
                        ann = frames.new_annotation(p)
                    ann.shapes = [s for s in ann.shapes if s.group_id not in moved] + \
                                 [moved[t] for t in sorted(moved)]
                    mark_generated(ann, "propagation")
                    frames.save_if_changed(p, ann, before, report)
            for tid in moved:
                report.reached[tid] = p
            alive = moved
            prev_gray = gray
            if progress is not None and progress(done, total) is False:
                return report
            if not alive:
                break
    return report
