"""Rectangles -> segments with SAM box prompts (per image; the folder loop is the caller's)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

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
        new = model.to_shapes(pred.mask, s.label, s.group_id, s.score, mode)
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
