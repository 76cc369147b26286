"""Putting a prediction into an image's annotation without losing manual work.

By default new shapes are added beside the existing ones (manual shapes are never
touched); ``replace`` swaps all shapes for the prediction. Shapes the model already
added on an earlier run (same type, label and points) are not added twice, so running
twice changes nothing, and callers can skip writing when ``changed`` is False. Group ids
of new shapes are moved above the existing ones so pose keypoints never join a manual group.
"""
from __future__ import annotations

import numpy as np

from pathlib import Path

from ..core.label_file import ImageAnnotation, label_path_for, new_annotation_for, write_label_file
from ..core.provenance import (PredictionSource, predicted_shapes, prediction_record, record_prediction,
                               shape_digest)
from ..core.shape import Shape
from .base import Prediction


def _same(a: Shape, b: Shape, tol: float = 0.5) -> bool:
    return (a.shape_type == b.shape_type and a.label == b.label and a.points.shape == b.points.shape
            and bool(np.allclose(a.points, b.points, atol=tol)))


def renumber_groups(new: list[Shape], existing: list[Shape]) -> list[Shape]:
    used = [s.group_id for s in existing if s.group_id is not None]
    start = (max(used) + 1) if used else 0
    mapping: dict[int, int] = {}
    for s in new:
        if s.group_id is not None:
            if s.group_id not in mapping:
                mapping[s.group_id] = start + len(mapping)
            s.group_id = mapping[s.group_id]
    return new


def merge_shapes(existing: list[Shape], new: list[Shape], replace: bool = False,
                 keep_group_ids: bool = False) -> list[Shape]:
    """The shape list after a prediction (see module docstring).

    ``keep_group_ids``: the group ids are track ids (video) and must stay as they are.
    """
    if replace:
        return list(new) if keep_group_ids else renumber_groups(list(new), [])
    fresh = [s for s in new if not any(_same(s, e) for e in existing)]
    return list(existing) + (fresh if keep_group_ids else renumber_groups(fresh, existing))


def apply_prediction(ann: ImageAnnotation, pred: Prediction, replace: bool = False,
                     keep_group_ids: bool = False, source: PredictionSource | None = None,
                     replace_own: bool = False) -> bool:
    """Update ``ann`` in place; returns whether anything changed.

    A classifier's prediction (image flags, no shapes) never replaces the shapes, even with
    ``replace``: there is nothing to replace them with. Flags the model does not name (the
    user's own, such as "blurry") are always kept; the model's names take its values.

    ``source`` (batch runs) records in ``ann`` which model and settings produced the
    prediction, and which shapes are its (see ``core.provenance``). ``replace_own`` first
    removes the shapes the same model wrote on an earlier run and nobody edited since, so a
    second run with other settings does not add a second set of boxes; manual shapes stay.
    """
    before_shapes = list(ann.shapes)
    before_flags = dict(ann.flags)
    before_record = prediction_record(ann, source.model) if source is not None else None
    own = predicted_shapes(ann, source.model) if source is not None else set()
    existing = list(ann.shapes)
    if replace_own and own and not pred.leaves_shapes:
        existing = [s for s in existing if shape_digest(s) not in own]
    if not pred.leaves_shapes:
        ann.shapes = merge_shapes(existing, pred.shapes, replace, keep_group_ids or pred.keep_group_ids)
    if pred.flags:
        ann.flags = {**ann.flags, **pred.flags}
    if source is not None:
        if replace and not pred.leaves_shapes:
            mine = list(ann.shapes)
        else:  # what this run added, and this model's earlier shapes that are still there unedited
            kept = ann.shapes[:len(existing)] if not pred.leaves_shapes else ann.shapes
            mine = [s for s in kept if shape_digest(s) in own] + ann.shapes[len(kept):]
        record_prediction(ann, source, mine)
    changed = ann.flags != before_flags or len(ann.shapes) != len(before_shapes) or any(
        a != b for a, b in zip(ann.shapes, before_shapes))
    if source is not None and prediction_record(ann, source.model) != before_record:
        changed = True  # a new record (other settings, a changed image) is worth a write
    return changed


def write_prediction(image_path: Path, pred: Prediction, ann: ImageAnnotation | None,
                     size: tuple[int, int], replace: bool = False, keep_group_ids: bool = False,
                     source: PredictionSource | None = None, replace_own: bool = False) -> bool:
    """Merge a prediction into an image's label file and write it (atomically) only when
    something changed; ``ann`` is the file as read before the run (None: no label file yet).
    Returns whether the file was written. The one path the CLI and the GUI's batch runs share.

    An image with no label file on which the model found nothing gets no file (an empty
    label file would mark the image as labelled)."""
    if ann is None:
        if not pred.shapes and not pred.flags and not pred.layers:
            return False
        ann = new_annotation_for(image_path, [], size)
    changed = apply_prediction(ann, pred, replace, keep_group_ids, source, replace_own)
    if pred.layers:
        from .layers import save_layers

        changed = save_layers(image_path, pred.layers, ann) or changed
    if not changed:
        return False
    write_label_file(label_path_for(image_path), ann)
    return True
