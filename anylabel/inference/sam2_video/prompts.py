"""Prompts for SAM 2 video: what the user gave for one object on one frame, and the
prompts JSON file of ``anylabel track --model ... --prompts FILE`` (docs/video.md).

```json
{"objects": [
  {"id": 1, "label": "car",
   "prompts": [{"frame": "clip_000001.jpg", "points": [[120, 80]], "labels": [1]},
               {"frame": 40, "box": [100, 60, 180, 120]}]},
  {"id": 2, "label": "person", "prompts": [{"frame": 1, "points": [[30, 40], [35, 60]], "labels": [1, 0]}]}
]}
```

``frame`` is an image name in the folder or a 1-based position; ``points`` are pixels of
that frame with ``labels`` 1 (object) / 0 (not the object), all 1 when left out; ``box`` is
x0, y0, x1, y1. ``id`` is the track id (``group_id``) the object's shapes get; without one
an object gets the next free id. ``label`` defaults to "object".
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ...core.errors import AnyLabelError
from ...core.i18n import tr

MAX_PROMPTS_BYTES = 16 * 1024 * 1024
MAX_OBJECTS = 1000
MAX_POINTS = 64


class PromptsError(AnyLabelError, ValueError):
    """A prompts file that cannot be used; the message names the file and the place."""

    def __init__(self, path: str | os.PathLike[str], problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = Path(path)


@dataclass
class FramePrompt:
    """Clicks and/or a box, or a drawn mask, for one object on one frame (frame pixels)."""

    frame: int                                   # 0-based position in the sequence
    points: list[tuple[float, float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    box: tuple[float, float, float, float] | None = None
    mask: np.ndarray | None = None               # bool [H, W]: a drawn or corrected shape

    def decoder_points(self) -> tuple[np.ndarray, np.ndarray]:
        """SAM 2's point layout: the box corners (labels 2, 3) first, then the clicks."""
        coords = [(self.box[0], self.box[1]), (self.box[2], self.box[3])] if self.box else []
        labels = [2, 3] if self.box else []
        coords += list(self.points)
        labels += list(self.labels)
        return np.asarray(coords, np.float32).reshape(-1, 2), np.asarray(labels, np.float32)

    def has_object(self) -> bool:
        return self.box is not None or any(l == 1 for l in self.labels) or (
            self.mask is not None and bool(self.mask.any()))


@dataclass
class ObjectPrompts:
    track_id: int | None
    label: str = "object"
    prompts: list[FramePrompt] = field(default_factory=list)


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def read_prompts_file(path: str | os.PathLike[str], frame_position: Callable[[str | int], int | None],
                      num_frames: int) -> list[ObjectPrompts]:
    """Objects and their prompts from a prompts JSON; ``frame_position`` maps a frame
    name or 1-based number to the 0-based position (None when the folder lacks it)."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise PromptsError(p, tr("cannot be read ({0})").format(exc.strerror or exc)) from exc
    if size > MAX_PROMPTS_BYTES:
        raise PromptsError(p, tr("{0} bytes is more than a prompts file may have ({1})").format(
            size, MAX_PROMPTS_BYTES))
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise PromptsError(p, tr("not UTF-8 text ({0})").format(exc.reason)) from exc
    except json.JSONDecodeError as exc:
        raise PromptsError(p, tr("not valid JSON (line {0}, column {1}: {2})").format(
            exc.lineno, exc.colno, exc.msg)) from exc
    except OSError as exc:
        raise PromptsError(p, tr("cannot be read ({0})").format(exc.strerror or exc)) from exc
    return parse_prompts(data, p, frame_position, num_frames)


def parse_prompts(data: Any, path: Path, frame_position: Callable[[str | int], int | None],
                  num_frames: int) -> list[ObjectPrompts]:
    if isinstance(data, list):
        data = {"objects": data}
    if not isinstance(data, dict) or not isinstance(data.get("objects"), list):
        raise PromptsError(path, tr("expected {0} (see docs/video.md, {1})").format(
            '{"objects": [...]}', '"Prompts file"'))
    objects = data["objects"]
    if not objects:
        raise PromptsError(path, tr("no objects: nothing to track"))
    if len(objects) > MAX_OBJECTS:
        raise PromptsError(path, tr("{0} objects; at most {1}").format(len(objects), MAX_OBJECTS))
    out: list[ObjectPrompts] = []
    seen: set[int] = set()
    for i, obj in enumerate(objects, 1):
        where = f"objects[{i}]"
        if not isinstance(obj, dict):
            raise PromptsError(path, tr("{0}: expected an object with 'prompts'").format(where))
        unknown = set(obj) - {"id", "label", "prompts"}
        if unknown:
            raise PromptsError(path, tr("{0}: unknown key(s) {1}").format(
                where, ", ".join(sorted(map(str, unknown)))))
        tid = obj.get("id")
        if tid is not None and (not isinstance(tid, int) or isinstance(tid, bool) or tid < 0):
            raise PromptsError(path, tr("{0}.id: expected a whole number >= 0, got {1!r}").format(where, tid))
        if tid is not None and tid in seen:
            raise PromptsError(path, tr("{0}.id: {1} is given to two objects").format(where, tid))
        if tid is not None:
            seen.add(tid)
        label = obj.get("label", "object")
        if not isinstance(label, str) or not label.strip():
            raise PromptsError(path, tr("{0}.label: expected a non-empty text").format(where))
        prompts = obj.get("prompts")
        if not isinstance(prompts, list) or not prompts:
            raise PromptsError(path, tr("{0}.prompts: expected a list of "
                                        "prompts with at least one entry").format(where))
        entry = ObjectPrompts(tid, label.strip())
        for j, pr in enumerate(prompts, 1):
            entry.prompts.append(_parse_frame_prompt(pr, f"{where}.prompts[{j}]", path, frame_position, num_frames))
        out.append(entry)
    return out


def _parse_frame_prompt(pr: Any, where: str, path: Path, frame_position: Callable[[str | int], int | None],
                        num_frames: int) -> FramePrompt:
    if not isinstance(pr, dict):
        raise PromptsError(path, tr("{0}: expected an object with 'frame' and 'points' or 'box'").format(
            where))
    unknown = set(pr) - {"frame", "points", "labels", "box"}
    if unknown:
        raise PromptsError(path, tr("{0}: unknown key(s) {1}").format(
            where, ", ".join(sorted(map(str, unknown)))))
    frame = pr.get("frame")
    if isinstance(frame, bool) or not isinstance(frame, (int, str)):
        raise PromptsError(path, tr("{0}.frame: expected an image name or a 1-based frame number").format(
            where))
    pos = frame_position(frame)
    if pos is None:
        raise PromptsError(path, tr("{0}.frame: {1!r} is not a frame of the "
                                    "folder ({2} frames, numbered from 1)").format(
            where, frame, num_frames))
    fp = FramePrompt(pos)
    points = pr.get("points", [])
    if not isinstance(points, list) or len(points) > MAX_POINTS or not all(
            isinstance(q, list) and len(q) == 2 and all(_number(c) for c in q) for q in points):
        raise PromptsError(path, tr("{0}.points: expected a list of [x, y] pixel pairs (at most {1})").format(
            where, MAX_POINTS))
    labels = pr.get("labels", [1] * len(points))
    if not isinstance(labels, list) or len(labels) != len(points) or not all(
            l in (0, 1) and not isinstance(l, bool) for l in labels):
        raise PromptsError(path, tr("{0}.labels: expected one 1 (object) "
                                    "or 0 (not the object) per point").format(where))
    fp.points = [(float(x), float(y)) for x, y in points]
    fp.labels = [int(l) for l in labels]
    box = pr.get("box")
    if box is not None:
        if not isinstance(box, list) or len(box) != 4 or not all(_number(c) for c in box):
            raise PromptsError(path, tr("{0}.box: expected [x0, y0, x1, y1] in pixels").format(where))
        x0, y0, x1, y1 = (float(c) for c in box)
        if x1 - x0 < 1 and x0 - x1 < 1 or y1 - y0 < 1 and y0 - y1 < 1:
            raise PromptsError(path, tr("{0}.box: {1} has no area").format(where, box))
        fp.box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    if not fp.has_object():
        raise PromptsError(path, tr("{0}: needs a box or at least one point with label 1").format(where))
    return fp
