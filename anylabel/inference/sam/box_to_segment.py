"""Rectangles -> segments with SAM box prompts (per image; the folder loop is the caller's)."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from ...core.shape import RECTANGLE, Shape
from .decoder import Prompt
from .embedding import ImageEmbedding

if TYPE_CHECKING:  # pragma: no cover
    from .model import SamModel


def boxes_to_segments(model: "SamModel", emb: ImageEmbedding, shapes: Sequence[Shape],
                      mode: str | None = None) -> list[Shape]:
    """All shapes of an image, rectangles replaced by SAM's segment inside them.

    The new shapes keep the rectangle's label, group id, description, difficult, flags,
    attributes and score; a rectangle where SAM finds nothing is kept as it was (the user's
    box is never silently lost). Parts of one object share the rectangle's group id, or a
    new one when the rectangle had none and the object has several parts.
    """
    used = {s.group_id for s in shapes if s.group_id is not None}
    next_gid = max(used, default=0) + 1
    out: list[Shape] = []
    for s in shapes:
        if s.shape_type != RECTANGLE or len(s.points) != 2:
            out.append(s)
            continue
        (x0, y0), (x1, y1) = s.points
        pred = model.segment(emb, Prompt(box=(float(x0), float(y0), float(x1), float(y1))))
        new = model.to_shapes(pred, s.label, s.group_id, s.score, mode)
        if not new:
            out.append(s)
            continue
        if len(new) > 1 and s.group_id is None:
            for n in new:
                n.group_id = next_gid
            next_gid += 1
        for n in new:
            n.description = s.description
            n.difficult = s.difficult
            n.flags = dict(s.flags)
            n.attributes = dict(s.attributes)
        out.extend(new)
    return out


@dataclass
class FolderResult:
    written: int = 0
    skipped: int = 0       # no label file or no rectangle
    failed: list[str] = field(default_factory=list)


def segment_label_files(model: "SamModel", image_paths: Sequence[Path], mode: str | None = None,
                        progress: Callable[[int, int], None] | None = None,
                        cancel: threading.Event | None = None) -> FolderResult:
    """Box-to-segment over images whose label files hold rectangles, writing each label
    file atomically. A bad image or label file is reported and the others go on."""
    from ...core.image_io import read_image_rgb
    from ...core.label_file import label_path_for, read_label_file, write_label_file

    res = FolderResult()
    total = len(image_paths)
    for i, path in enumerate(image_paths):
        if cancel is not None and cancel.is_set():
            break
        try:
            lp = label_path_for(path)
            ann = read_label_file(lp) if lp.exists() else None
            if ann is None or not any(s.shape_type == RECTANGLE for s in ann.shapes):
                res.skipped += 1
            else:
                emb = model.encoder.encode(read_image_rgb(path))
                ann.shapes = boxes_to_segments(model, emb, ann.shapes, mode)
                write_label_file(lp, ann)
                res.written += 1
        except Exception as exc:  # noqa: BLE001  # one bad file must not stop the folder
            res.failed.append(f"{path}: {exc}")
        if progress is not None:
            progress(i + 1, total)
    return res
