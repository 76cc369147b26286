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
import os
from dataclasses import dataclass
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


# ---------------------------------------------------------------- which model predicted what
#
# A batch run (``anylabel predict``, the panel's "run all images") records in each label file
# it writes which model and config produced its predictions, for the image as it was::
#
#     "predicted_by": {"<model name>": {"config": "<hash of the model's settings>",
#                      "image": {"size": 123456, "mtime_ns": 1700000000000000000},
#                      "shapes": ["<digest of one shape>", ...]}}
#
# The record makes a job resumable (``--skip-done`` skips an image whose record matches the
# model, its settings and the image file) and lets a later run replace this model's earlier
# predictions without touching anything else: a shape is the model's while it still hashes to
# one of the recorded digests; once the user edits it, it is theirs (as with ``generated``).

PREDICTED_KEY = "predicted_by"


def shape_digest(shape: Shape) -> str:
    """One shape's digest (``shapes_digest``, shortened: it only tells the shapes of one file apart)."""
    return shapes_digest([shape])[:16]


@dataclass(frozen=True)
class PredictionSource:
    """Who produced a prediction, from what: written into the label file with the prediction."""

    model: str
    config: str          # ``batch.config_digest`` of the model's settings
    image_size: int      # bytes of the image file when it was read
    image_mtime_ns: int

    @classmethod
    def for_image(cls, model: str, config: str, image: str | os.PathLike[str]) -> "PredictionSource":
        st = os.stat(image)
        return cls(model, config, int(st.st_size), int(st.st_mtime_ns))

    def image_record(self) -> dict[str, int]:
        return {"size": self.image_size, "mtime_ns": self.image_mtime_ns}


def prediction_records(ann: ImageAnnotation) -> dict[str, Any]:
    rec = ann.extra.get(PREDICTED_KEY)
    return rec if isinstance(rec, dict) else {}


def prediction_record(ann: ImageAnnotation | None, model: str) -> dict[str, Any] | None:
    if ann is None:
        return None
    rec = prediction_records(ann).get(model)
    return rec if isinstance(rec, dict) else None


def is_done(ann: ImageAnnotation | None, source: PredictionSource) -> bool:
    """Whether the label file already holds this model's prediction, with these settings, for
    this very image file (same size and modification time)."""
    rec = prediction_record(ann, source.model)
    return (rec is not None and rec.get("config") == source.config
            and rec.get("image") == source.image_record())


def predicted_shapes(ann: ImageAnnotation | None, model: str) -> set[str]:
    """Digests of the shapes ``model`` wrote into this file on earlier runs (edited ones no longer match)."""
    rec = prediction_record(ann, model)
    digests = rec.get("shapes") if rec is not None else None
    return {d for d in digests if isinstance(d, str)} if isinstance(digests, list) else set()


def record_prediction(ann: ImageAnnotation, source: PredictionSource, shapes: list[Shape]) -> None:
    """Record that ``source`` produced ``shapes`` (as they are in ``ann``); call right before saving."""
    records = dict(prediction_records(ann))
    records[source.model] = {"config": source.config, "image": source.image_record(),
                             "shapes": [shape_digest(s) for s in shapes]}
    ann.extra[PREDICTED_KEY] = records
