"""Who owns a frame's labels: the user, or the machine that wrote them (see ADR 0003).

Propagation, interpolation and tracking write label files for frames nobody drew;
they must never overwrite a frame the user edited. Instead of asking every editor to
set an "edited" flag, a machine-written label file carries a record of what the
machine wrote::

    "generated": {"by": "propagation", "digest": "<sha1 of the shapes>", "interpolated": [3]}

A frame is the machine's while its shapes still hash to that digest. Any change, in
AnyLabel, LabelMe or a text editor, breaks the match and the frame becomes the
user's for good; a tool that drops the unknown key also hands the frame to the user.
The safe direction is the default: no record means a user frame, except a file with no
shapes at all (nothing there to lose).
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from .label_file import ImageAnnotation, shape_to_dict
from .shape import Shape

GENERATED_KEY = "generated"

#: What a frame's label file is, for tools that write frames.
NO_LABELS, MACHINE, USER = "none", "machine", "user"


def shapes_digest(shapes: list[Shape]) -> str:
    """A hash of the shapes as saved (coordinates to 0.01 px, so a re-save does not count as an edit)."""
    rows = []
    for s in shapes:
        d = shape_to_dict(s)
        d["points"] = [[round(x, 2), round(y, 2)] for x, y in d["points"]]
        if "direction" in d:
            d["direction"] = round(d["direction"], 4)
        d.pop("score", None)   # a score is not an edit
        rows.append(d)
    text = json.dumps(rows, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def generated_record(ann: ImageAnnotation) -> dict[str, Any] | None:
    rec = ann.extra.get(GENERATED_KEY)
    return rec if isinstance(rec, dict) else None


def ownership(ann: ImageAnnotation | None) -> str:
    """NO_LABELS (no file, or a file without shapes and no record), MACHINE or USER."""
    if ann is None:
        return NO_LABELS
    rec = generated_record(ann)
    if rec is None:
        return NO_LABELS if not ann.shapes else USER
    return MACHINE if rec.get("digest") == shapes_digest(ann.shapes) else USER


def is_user_edited(ann: ImageAnnotation | None) -> bool:
    return ownership(ann) == USER


def mark_generated(ann: ImageAnnotation, by: str, interpolated: list[int] | None = None) -> None:
    """Record that the machine (``by``) wrote these shapes; call right before saving."""
    rec: dict[str, Any] = {"by": by, "digest": shapes_digest(ann.shapes)}
    if interpolated:
        rec["interpolated"] = sorted({int(i) for i in interpolated})
    ann.extra[GENERATED_KEY] = rec


def refresh_digest(ann: ImageAnnotation, owner_before: str) -> None:
    """After a bulk edit the user asked for (rename, merge, new ids), keep a frame that was the
    machine's (``owner_before``, taken before the edit) the machine's; a user frame stays the user's."""
    rec = generated_record(ann)
    if rec is not None and owner_before == MACHINE:
        rec["digest"] = shapes_digest(ann.shapes)


def interpolated_ids(ann: ImageAnnotation) -> set[int]:
    """Track ids whose shape on this machine frame came from interpolation (not keyframes)."""
    rec = generated_record(ann)
    if rec is None or ownership(ann) != MACHINE:
        return set()
    return {int(i) for i in rec.get("interpolated", []) if isinstance(i, (int, float))}
