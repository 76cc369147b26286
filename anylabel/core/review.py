"""Review state of an image and review comments on its shapes, kept in the label file.

X-AnyLabeling marks an image as checked with the top-level boolean ``checked`` (it reads
``checked is True`` and always writes a boolean back), and it keeps top-level and shape
keys it does not know. So the three states are written in a form X-AnyLabeling keeps:

- unchecked: ``"checked": false`` (or no key), no rejection recorded;
- accepted:  ``"checked": true``;
- rejected:  ``"checked": false`` and ``"review": {"state": "rejected", ...}``.

The ``review`` record also names the reviewer, the time and an optional comment. When the
two disagree, ``checked`` wins: ``checked: true`` is accepted even if an old record says
rejected (someone ticked the image in X-AnyLabeling after the rejection), and a record
saying accepted with ``checked: false`` is unchecked (someone unticked it).

A comment on a shape lives in the shape key ``review_comment`` (X-AnyLabeling keeps it too).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from .i18n import tr
from .label_file import ImageAnnotation
from .shape import Shape

UNCHECKED, ACCEPTED, REJECTED = "unchecked", "accepted", "rejected"
REVIEW_STATES = (UNCHECKED, ACCEPTED, REJECTED)
REVIEW_KEY = "review"
SHAPE_COMMENT_KEY = "review_comment"


def review_record(ann: ImageAnnotation) -> dict[str, Any] | None:
    rec = ann.extra.get(REVIEW_KEY)
    return rec if isinstance(rec, dict) else None


def review_state(ann: ImageAnnotation | None) -> str:
    """UNCHECKED, ACCEPTED or REJECTED (no annotation at all is UNCHECKED)."""
    if ann is None:
        return UNCHECKED
    if ann.checked is True:
        return ACCEPTED
    rec = review_record(ann)
    if rec is not None and rec.get("state") == REJECTED:
        return REJECTED
    return UNCHECKED


def is_reviewed(ann: ImageAnnotation | None) -> bool:
    return review_state(ann) != UNCHECKED


def set_review_state(ann: ImageAnnotation, state: str, reviewer: str | None = None,
                     comment: str | None = None, when: datetime | None = None) -> None:
    """Record a review decision (save the file afterwards). UNCHECKED clears the record."""
    if state not in REVIEW_STATES:
        raise ValueError(tr("review state must be one of {0}, got {1!r}").format(
            ", ".join(REVIEW_STATES), state))
    ann.checked = state == ACCEPTED
    if state == UNCHECKED:
        ann.extra.pop(REVIEW_KEY, None)
        return
    rec: dict[str, Any] = {"state": state,
                           "at": (when or datetime.now(timezone.utc)).isoformat(timespec="seconds")}
    if reviewer:
        rec["by"] = reviewer
    if comment:
        rec["comment"] = comment
    ann.extra[REVIEW_KEY] = rec


def review_comment(ann: ImageAnnotation) -> str:
    rec = review_record(ann)
    value = rec.get("comment") if rec else None
    return value if isinstance(value, str) else ""


def shape_comment(shape: Shape) -> str:
    value = shape.extra.get(SHAPE_COMMENT_KEY)
    return value if isinstance(value, str) else ""


def set_shape_comment(shape: Shape, comment: str | None) -> None:
    """Attach a review comment to a shape; an empty comment removes the key."""
    if comment:
        shape.extra[SHAPE_COMMENT_KEY] = comment
    else:
        shape.extra.pop(SHAPE_COMMENT_KEY, None)
