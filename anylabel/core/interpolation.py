"""Keyframe interpolation: boxes with the same track id on two keyframes are filled in
on the frames between.

Rectangles interpolate their corners linearly. Rotated boxes interpolate centre, size
and angle, the angle along the shorter way round (350 deg -> 10 deg passes 0, not 180).
A keyframe is any frame where the track's box was drawn, corrected or detected; boxes
that interpolation itself wrote are not keyframes, so moving a keyframe and running it
again refreshes the frames around it. Frames the user edited are never written
(``provenance``); a frame the machine wrote gets the new box for that id only.
"""
from __future__ import annotations

import math
from dataclasses import dataclass


from .errors import LabelFileError
from .frame_folder import EditReport, FrameFolder, saves_in_background, snapshot
from .geometry import RotatedBox, normalize_angle, rotated_box_corners, rotated_box_from_corners
from .label_file import ImageAnnotation
from .provenance import MACHINE, USER, interpolated_ids, mark_generated, ownership
from .shape import RECTANGLE, ROTATION, Shape

INTERPOLATABLE = (RECTANGLE, ROTATION)


def lerp_angle(a0: float, a1: float, t: float) -> float:
    """Angle between ``a0`` and ``a1`` (radians) at fraction ``t``, the short way round."""
    d = math.remainder(a1 - a0, 2 * math.pi)   # in [-pi, pi]
    return normalize_angle(a0 + d * t)


def interpolate_shape(a: Shape, b: Shape, t: float) -> Shape:
    """The shape at fraction ``t`` in [0, 1] from ``a`` to ``b`` (same type; rectangle or rotation).

    Label, flags and attributes come from ``a``; the score is left empty (nobody detected it).
    """
    if a.shape_type != b.shape_type or a.shape_type not in INTERPOLATABLE:
        raise ValueError(f"cannot interpolate {a.shape_type} to {b.shape_type}")
    out = a.copy()
    out.score = None
    if a.shape_type == RECTANGLE:
        out.points = a.points + (b.points - a.points) * t
        return out
    ra, rb = rotated_box_from_corners(a.points), rotated_box_from_corners(b.points)
    box = RotatedBox(ra.cx + (rb.cx - ra.cx) * t, ra.cy + (rb.cy - ra.cy) * t, ra.w + (rb.w - ra.w) * t,
                     ra.h + (rb.h - ra.h) * t, lerp_angle(ra.angle, rb.angle, t))
    out.points = rotated_box_corners(box)
    out.direction = box.angle
    return out


@dataclass
class _Key:
    pos: int
    shape: Shape


def _track_shape(ann, tid: int) -> Shape | None:
    for s in ann.shapes:
        if s.group_id == tid and s.shape_type in INTERPOLATABLE:
            return s
    return None


@saves_in_background
def interpolate_folder(folder: str | FrameFolder, start: int | None = None, end: int | None = None,
                       track_ids: set[int] | None = None) -> EditReport:
    """Fill the gaps between keyframes of each track (or of ``track_ids``) in positions
    ``start``..``end`` (0-based, inclusive) of the folder's natural order."""
    frames = folder if isinstance(folder, FrameFolder) else FrameFolder(folder)
    report = EditReport()
    positions = frames.clamp_range(start, end)
    anns: dict[int, ImageAnnotation | None] = {}
    bad: set[int] = set()
    keys: dict[int, list[_Key]] = {}
    for i in positions:
        try:
            ann = frames.load(i)
        except LabelFileError as exc:
            report.errors.append(str(exc))
            bad.add(i)
            continue
        anns[i] = ann
        if ann is None:
            continue
        skip = interpolated_ids(ann)
        for s in ann.shapes:
            if s.group_id is None or s.shape_type not in INTERPOLATABLE or s.group_id in skip:
                continue
            if track_ids is not None and s.group_id not in track_ids:
                continue
            lst = keys.setdefault(s.group_id, [])
            if not lst or lst[-1].pos != i:
                lst.append(_Key(i, s))

    # What to write: position -> {track id: shape}
    plan: dict[int, dict[int, Shape]] = {}
    for tid, lst in keys.items():
        for k0, k1 in zip(lst, lst[1:]):
            if k1.pos - k0.pos < 2 or k0.shape.shape_type != k1.shape.shape_type:
                continue
            for p in range(k0.pos + 1, k1.pos):
                if p in bad:
                    continue
                t = (p - k0.pos) / (k1.pos - k0.pos)
                plan.setdefault(p, {})[tid] = interpolate_shape(k0.shape, k1.shape, t)

    for p in sorted(plan):
        ann = anns.get(p)
        owner = ownership(ann)
        if owner == USER:
            report.protected.append(frames.label_path(p))
            continue
        before = snapshot(ann)
        if ann is None:
            try:
                ann = frames.new_annotation(p)
            except (OSError, ValueError) as exc:
                report.errors.append(f"{frames.image_path(p)}: cannot read the image size ({exc})")
                continue
        new_ids = plan[p]
        done = interpolated_ids(ann) if owner == MACHINE else set()
        kept = [s for s in ann.shapes if not (s.group_id in new_ids and s.shape_type in INTERPOLATABLE)]
        ann.shapes = kept + [new_ids[t] for t in sorted(new_ids)]
        mark_generated(ann, "interpolation", interpolated=sorted(done | set(new_ids)))
        frames.save_if_changed(p, ann, before, report)
    return report
