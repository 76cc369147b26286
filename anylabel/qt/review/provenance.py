"""Where each shape of the open image came from: drawn by hand, or which model (and who /
when, where the label file records it), from the records ``anylabel.core.provenance`` keeps."""
from __future__ import annotations

from ...core.label_file import ImageAnnotation
from ...core.provenance import MACHINE, generated_record, ownership, prediction_records, shape_digest
from ...core.review import SHAPE_COMMENT_KEY
from ...core.shape import Shape

MANUAL = "manual"


class ShapeProvenance:
    """Answers ``source(shape)`` for the shapes of one label file as it was read."""

    def __init__(self, ann: ImageAnnotation | None) -> None:
        self.by_digest: dict[str, dict] = {}
        self.generated: dict | None = None
        if ann is None:
            return
        for model, rec in prediction_records(ann).items():
            if isinstance(rec, dict) and isinstance(rec.get("shapes"), list):
                info = {"model": str(model), "by": rec.get("by"), "at": rec.get("at")}
                for d in rec["shapes"]:
                    if isinstance(d, str):
                        self.by_digest[d] = info
        if ownership(ann) == MACHINE:  # propagation / tracking wrote the frame and nobody edited it
            rec = generated_record(ann) or {}
            self.generated = {"model": str(rec.get("by", "machine")), "by": None, "at": rec.get("at")}

    def source(self, shape: Shape) -> dict:
        """{"model": name or MANUAL, "by": who or None, "at": when or None, "score": float or None}."""
        info = None
        if self.by_digest:
            if SHAPE_COMMENT_KEY in shape.extra:  # a reviewer's comment does not make a shape manual
                shape = shape.copy()
                shape.extra.pop(SHAPE_COMMENT_KEY, None)
            info = self.by_digest.get(shape_digest(shape))
        if info is None and self.generated is not None:
            info = self.generated
        out = dict(info) if info is not None else {"model": MANUAL, "by": None, "at": None}
        if info is None and shape.score is not None:
            out["model"] = "model"  # a scored shape from a tool that keeps no record (X-AnyLabeling)
        out["score"] = shape.score
        return out
