"""Tracks across a folder of frames: list them, rename, merge and split.

A track is every shape sharing a ``group_id`` over the frames of one folder (the
convention X-AnyLabeling and the MOT format use). Edits are folder-wide, atomic per
file, skip files that would not change, and name any file they cannot read while the
others go on. They are edits the user asks for, so they apply to every frame,
including those the user drew; machine frames stay machine frames (``provenance``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .errors import LabelFileError
from .frame_folder import EditReport, FrameFolder, snapshot
from .label_file import ImageAnnotation
from .provenance import ownership, refresh_digest


@dataclass
class TrackSpan:
    """One track: its id, labels seen, and where it starts and ends (folder positions)."""

    track_id: int
    labels: list[str] = field(default_factory=list)
    first: int = -1
    last: int = -1
    frames: int = 0          # frames it appears on

    @property
    def label(self) -> str:
        return self.labels[0] if self.labels else ""


@dataclass
class TrackListing:
    tracks: list[TrackSpan]
    errors: list[str]


def list_tracks(folder: str | FrameFolder) -> TrackListing:
    """All tracks of the folder ordered by id; unreadable label files are named in ``errors``."""
    frames = folder if isinstance(folder, FrameFolder) else FrameFolder(folder)
    spans: dict[int, TrackSpan] = {}
    errors: list[str] = []
    for i in range(len(frames)):
        if not frames.index.has_label(i):
            continue
        try:
            ann = frames.load(i)
        except LabelFileError as exc:
            errors.append(str(exc))
            continue
        if ann is None:
            continue
        seen: set[int] = set()
        for s in ann.shapes:
            if s.group_id is None:
                continue
            span = spans.setdefault(s.group_id, TrackSpan(s.group_id, first=i))
            if s.label not in span.labels:
                span.labels.append(s.label)
            span.last = i
            if s.group_id not in seen:
                span.frames += 1
                seen.add(s.group_id)
    return TrackListing([spans[k] for k in sorted(spans)], errors)


def next_track_id(folder: str | FrameFolder) -> int:
    """One more than the largest id in use (1 for a folder without tracks)."""
    listing = list_tracks(folder)
    return max((t.track_id for t in listing.tracks), default=0) + 1


def _edit(frames: FrameFolder, positions: range, change: Callable[[int, ImageAnnotation], None]) -> EditReport:
    report = EditReport()
    with frames.saves_in_background():
        for i in positions:
            if not frames.index.has_label(i):
                continue
            try:
                ann = frames.load(i)
            except LabelFileError as exc:
                report.errors.append(str(exc))
                continue
            if ann is None:
                continue
            before = snapshot(ann)
            owner = ownership(ann)
            change(i, ann)
            refresh_digest(ann, owner)
            frames.save_if_changed(i, ann, before, report)
    return report


def rename_track(folder: str | FrameFolder, track_id: int, label: str) -> EditReport:
    """Give every shape of the track the label ``label``."""
    frames = folder if isinstance(folder, FrameFolder) else FrameFolder(folder)

    def change(_: int, ann: ImageAnnotation) -> None:
        for s in ann.shapes:
            if s.group_id == track_id:
                s.label = label

    return _edit(frames, range(len(frames)), change)


def merge_tracks(folder: str | FrameFolder, keep_id: int, other_id: int) -> EditReport:
    """Give track ``other_id`` the id ``keep_id`` (one object that was tracked as two).

    Refuses (nothing written) when both appear on one frame: that frame would hold one
    object twice; the error names the frames.
    """
    frames = folder if isinstance(folder, FrameFolder) else FrameFolder(folder)
    if keep_id == other_id:
        return EditReport()
    clash: list[str] = []
    for i in range(len(frames)):
        if not frames.index.has_label(i):
            continue
        try:
            ann = frames.load(i)
        except LabelFileError:
            continue   # reported by the edit pass
        ids = {s.group_id for s in ann.shapes} if ann else set()
        if keep_id in ids and other_id in ids:
            clash.append(frames.index.names[i])
    if clash:
        report = EditReport()
        shown = ", ".join(clash[:5]) + (" ..." if len(clash) > 5 else "")
        report.errors.append(f"tracks {keep_id} and {other_id} both appear on {len(clash)} frame(s) ({shown}); "
                             "split or delete one of them there first")
        return report

    def change(_: int, ann: ImageAnnotation) -> None:
        for s in ann.shapes:
            if s.group_id == other_id:
                s.group_id = keep_id

    return _edit(frames, range(len(frames)), change)


def split_track(folder: str | FrameFolder, track_id: int, at: int, new_id: int | None = None) -> tuple[int, EditReport]:
    """From folder position ``at`` on, the track continues under a new id; returns (new id, report)."""
    frames = folder if isinstance(folder, FrameFolder) else FrameFolder(folder)
    nid = new_id if new_id is not None else next_track_id(frames)

    def change(_: int, ann: ImageAnnotation) -> None:
        for s in ann.shapes:
            if s.group_id == track_id:
                s.group_id = nid

    return nid, _edit(frames, frames.clamp_range(at, None), change)


def delete_track(folder: str | FrameFolder, track_id: int, start: int | None = None, end: int | None = None) -> EditReport:
    """Remove the track's shapes from positions ``start``..``end``."""
    frames = folder if isinstance(folder, FrameFolder) else FrameFolder(folder)

    def change(_: int, ann: ImageAnnotation) -> None:
        ann.shapes = [s for s in ann.shapes if s.group_id != track_id]

    return _edit(frames, frames.clamp_range(start, end), change)
