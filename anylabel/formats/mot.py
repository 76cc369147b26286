"""MOTChallenge ground truth: ``gt.txt`` rows ``frame,id,x,y,w,h,conf,class,visibility``
and a ``seqinfo.ini`` per sequence.

Frames are images named ``<video>_<number>.<ext>``; every ``<video>`` prefix is one
sequence, written to ``<out>/<video>/gt/gt.txt`` + ``<out>/<video>/seqinfo.ini``. The frame
number is the image's position in natural order within its sequence, from 1 (so a
sequence whose files start at ``_0`` or skip numbers is still valid MOT), and import
maps it back the same way. On import the numbering follows the file: MOT counts from 1,
but some tools write frame 0 rows; a file with any frame 0 row counts from 0 (its frame 0
is the first image), any other from 1. Track ids are group ids. ``conf`` 0 marks an ignored box in
MOT ground truth, which is what a difficult box is, so difficult <-> conf 0. ``class``
is the class index + 1 (MOT classes start at 1).
"""

from __future__ import annotations

import configparser
import math
import os
import re
from pathlib import Path
from typing import Iterator

import numpy as np

from ..core.atomic import atomic_write_text
from ..core.folder_index import natural_key, scan_folder
from ..core.i18n import tr
from ..core.shape import RECTANGLE, Shape
from .base import (
    ExportContext,
    ExportItem,
    FormatError,
    ImageSize,
    ImportContext,
    ImportFailure,
    ImportItem,
    Skip,
    fmt_num,
)
from .convert import as_box, classify

_FRAME_NAME = re.compile(r"^(?P<video>.+?)[_-](?P<num>\d+)$")
Row = tuple[int, int, float, float, float, float, int, int, float]


def video_of(stem: str, fallback: str) -> str:
    """``clip_000012`` -> ``clip``; names without a number belong to ``fallback``."""
    m = _FRAME_NAME.match(stem)
    return m.group("video") if m else fallback


def dump_frame(
    shapes: list[Shape], frame: int, class_index: dict[str, int], next_id: int
) -> tuple[list[Row], list[Skip], int]:
    """Rows of one frame; shapes without a group_id get ids from ``next_id`` up."""
    rows: list[Row] = []
    skips = []
    for s in shapes:
        got = classify(s, class_index, lambda sh: as_box(sh))
        if isinstance(got, Skip):
            skips.append(got)
            continue
        cls, (x0, y0, x1, y1) = got
        tid = s.group_id
        if tid is None:
            tid, next_id = next_id, next_id + 1
        rows.append((frame, tid, x0, y0, x1 - x0, y1 - y0, 0 if s.difficult else 1, cls + 1, 1.0))
    return rows, skips, next_id


def format_rows(rows: list[Row]) -> str:
    rows = sorted(rows, key=lambda r: (r[0], r[1]))
    return "".join(
        f"{f},{i},{fmt_num(x, 2)},{fmt_num(y, 2)},{fmt_num(w, 2)},{fmt_num(h, 2)},{c},{k},{fmt_num(v, 3)}\n"
        for f, i, x, y, w, h, c, k, v in rows
    )


def parse_rows(text: str) -> tuple[list[Row], list[tuple[int, str]]]:
    """Rows, and (line number, problem) for rows that cannot be read."""
    rows, bad = [], []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = [p for p in re.split(r"[,\s]+", line.strip()) if p]
        if len(parts) < 6:
            bad.append((n, tr("needs at least frame,id,x,y,w,h, got {0} values").format(len(parts))))
            continue
        try:
            vals = [float(p) for p in parts[:9]]
        except ValueError:
            bad.append((n, tr("not numbers: {0!r}").format(line.strip()[:60])))
            continue
        if not all(math.isfinite(v) for v in vals):
            bad.append((n, "NaN or infinite value"))
            continue
        vals += [1.0, 1.0, 1.0][: max(0, 9 - len(vals))]
        f, i, x, y, w, h, c, k, v = vals
        if f < 0 or not f.is_integer() or not i.is_integer():
            bad.append((n, tr("frame must be a whole number from 0 and id a whole number")))
            continue
        rows.append((int(f), int(i), x, y, w, h, int(c), int(k), v))
    return rows, bad


def row_to_shape(row: Row, label: str) -> Shape:
    _, tid, x, y, w, h, conf, _, _ = row
    return Shape(
        RECTANGLE, np.array([[x, y], [x + w, y + h]]), label=label, group_id=tid, difficult=conf == 0
    )


def seqinfo(name: str, im_dir: str, length: int, size: ImageSize, ext: str, frame_rate: int = 30) -> str:
    w, h = size
    return (
        f"[Sequence]\nname={name}\nimDir={im_dir}\nframeRate={frame_rate}\nseqLength={length}\n"
        f"imWidth={w}\nimHeight={h}\nimExt={ext}\n"
    )


def source_frame_rate(frames_dir: Path, default: int = 30) -> int:
    """The frame rate recorded when the frames were extracted from a video (seqinfo.ini
    beside them, already divided by the extraction interval), else ``default``."""
    from ..core.video_frames import read_seqinfo

    info = read_seqinfo(frames_dir) or {}
    try:
        rate = float(info.get("frameRate", default))
    except ValueError:
        return default
    return max(1, round(rate)) if rate > 0 else default


class MotExporter:
    def __init__(self, ctx: ExportContext) -> None:
        self.ctx = ctx
        self.class_index = ctx.class_index()
        self.videos: dict[str, list[ExportItem]] = {}
        self.files_written = 0
        self.notes: list[str] = []

    def add(self, item: ExportItem) -> list[Skip]:
        video = video_of(item.stem, item.image_path.parent.name or "video")
        self.videos.setdefault(video, []).append(item)
        # Only the skips are known now; rows are made in finish() once frame numbers are known.
        return [
            sk
            for s in item.shapes
            if isinstance(sk := classify(s, self.class_index, lambda sh: as_box(sh)), Skip)
        ]

    def finish(self) -> list[Path]:
        written = []
        new_ids = 0
        for video, items in self.videos.items():
            items.sort(key=lambda it: natural_key(it.image_path.name))
            used = [s.group_id for it in items for s in it.shapes if s.group_id is not None]
            next_id = max(used, default=0) + 1
            first_free = next_id
            rows: list[Row] = []
            for frame, it in enumerate(items, 1):
                new, _, next_id = dump_frame(it.shapes, frame, self.class_index, next_id)
                rows.extend(new)
            new_ids += next_id - first_free
            seq = self.ctx.out_dir / video
            gt = seq / "gt" / "gt.txt"
            atomic_write_text(gt, format_rows(rows))
            first = items[0]
            im_dir = os.path.relpath(first.image_path.parent.resolve(), seq.resolve()).replace(os.sep, "/")
            ini = seq / "seqinfo.ini"
            atomic_write_text(ini, seqinfo(video, im_dir, len(items), first.size, first.image_path.suffix,
                                           source_frame_rate(first.image_path.parent)))
            written += [gt, ini]
        if new_ids:
            self.notes.append(tr("{0} box(es) had no group_id (track id) and got a new id each").format(
                new_ids))
        return written


class MotImporter:
    """``--source`` is a gt.txt; frames are the sequence's images in natural order."""

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        try:
            self.text = ctx.source.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise FormatError(tr("{0}: file not found").format(ctx.source)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise FormatError(tr("{0}: cannot be read ({1})").format(ctx.source, exc)) from None
        self.rows, self.bad = parse_rows(self.text)
        self.name, self.ext = self._seqinfo()

    def _seqinfo(self) -> tuple[str | None, str | None]:
        for ini in (self.ctx.source.parent.parent / "seqinfo.ini", self.ctx.source.parent / "seqinfo.ini"):
            if ini.is_file():
                cp = configparser.ConfigParser()
                try:
                    cp.read(ini, encoding="utf-8")
                    sec = cp["Sequence"]
                    return sec.get("name"), sec.get("imExt")
                except (configparser.Error, KeyError, UnicodeDecodeError):
                    return None, None
        return None, None

    def frames(self) -> list[Path]:
        index = scan_folder(self.ctx.images_dir)
        names = index.names
        if self.name:
            mine = [
                n
                for n in names
                if video_of(os.path.splitext(n)[0], "") == self.name
                and (not self.ext or n.lower().endswith(self.ext.lower()))
            ]
            names = mine or names
        return [index.folder / n for n in names]

    def count(self) -> int:
        return len({r[0] for r in self.rows}) + len(self.bad)

    def items(self) -> Iterator[ImportItem | ImportFailure]:
        src = str(self.ctx.source)
        for n, problem in self.bad:
            yield ImportFailure(src, tr("line {0}: {1}").format(n, problem))
        frames = self.frames()
        by_frame: dict[int, list[Row]] = {}
        for r in self.rows:
            by_frame.setdefault(r[0], []).append(r)
        first = self.first_frame()
        for f in sorted(by_frame):
            if f - first >= len(frames):
                yield ImportFailure(
                    src, tr("frame {0} has no image: {1} holds {2} frame(s) (frames counted from "
                            "{3})").format(
                        f, self.ctx.images_dir, len(frames), first)
                )
                continue
            shapes = [row_to_shape(r, self.ctx.label_for(r[7] - 1)) for r in by_frame[f]]
            yield ImportItem(frames[f - first], shapes, None)

    def first_frame(self) -> int:
        """The number of the first image: 0 when the file has frame 0 rows, else 1 (MOT)."""
        return 0 if any(r[0] == 0 for r in self.rows) else 1
