"""The open image's annotation document: what was loaded, the undo history, saving.

No Qt here. Rules it enforces: a file is written only when the user changed
something; a label file that could not be read is never overwritten; a label file
that changed on disk since it was read (a batch run, the SAM folder run, a tracker,
another program) is never overwritten blindly: the user's unsaved edits are merged
into what is on disk now (see ``merge_shapes``).

Image-level flags (the label file's ``flags``: set in the Flags dock or by a classifier)
live in the same undo history as the shapes (``DocumentHistory``): every step holds the
shapes and the flags, so a flag change is a step of its own that marks the image
modified, is saved like a shape edit and is undone by Ctrl+Z; shape edits carry the
current flags forward.

The review decision (the label file's ``checked`` and ``review`` record, see
``anylabel.core.review``) is kept the same way: each step holds it, so accepting or
rejecting an image is an undoable step that is saved like any edit.
"""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np

from ..core.errors import LabelFileError
from ..core.label_file import (ImageAnnotation, label_path_for, read_label_file, relative_image_path,
                               write_label_file)
from ..core.review import REVIEW_KEY, review_record
from ..core.shape import Shape
from ..core.undo import UndoHistory
from .i18n import translate


def disk_stamp(path: Path) -> tuple[int, int, int] | None:
    """What identifies a label file's version on disk: (mtime_ns, size, inode); None: no file."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)  # atomic writes replace the inode too


def shape_key(shape: Shape) -> tuple:
    """A hashable fingerprint of a shape's content. Two shapes read from the same JSON, or a
    shape and its copy, have equal keys; anything else that differs makes keys differ (at
    worst a dict written in another key order counts as different: both copies are kept)."""
    return (shape.shape_type, shape.label, shape.group_id, shape.description, bool(shape.difficult),
            shape.score, float(shape.direction), shape.saved_as, shape.points.shape,
            np.ascontiguousarray(shape.points, dtype=np.float64).tobytes(),
            repr(shape.flags), repr(shape.attributes), repr(shape.kie_linking), repr(shape.extra))


@dataclass
class Merge:
    """How the user's unsaved edits were combined with a label file that changed on disk."""

    shapes: list[Shape]
    from_disk: int      # shapes kept from the file as it is now
    mine: int           # the user's new or edited shapes added on top
    dropped: int        # shapes of the file the user had deleted or edited (unchanged on disk)

    def message(self, name: str) -> str:
        text = translate("document", "{0} was changed on disk by another program or a background run: kept its "
                                     "{1} shapes and added your {2} unsaved new/edited shapes").format(
                                         name, self.from_disk, self.mine)
        if self.dropped:
            text += translate("document", " (your deletion/edit of {0} of its shapes applied)").format(self.dropped)
        return text


def merge_shapes(base: list[Shape], mine: list[Shape], disk: list[Shape]) -> Merge:
    """Three-way merge of shape lists: ``base`` as the user's copy was loaded (or last saved),
    ``mine`` the user's current shapes, ``disk`` the file's shapes now.

    Safe by construction: every shape on disk is kept, except one that is byte-for-byte what
    was loaded (the other writer left it alone) and that the user deleted or edited; every
    shape the user added or edited is appended unless the disk already has an identical one.
    Nothing either side produced is lost; an edited shape moves to the end of the list.
    """
    base_n = Counter(shape_key(s) for s in base)
    mine_keys = [shape_key(s) for s in mine]
    mine_n = Counter(mine_keys)
    removed = base_n - mine_n       # loaded shapes the user deleted or changed
    added = mine_n - base_n         # the user's new or changed shapes
    out: list[Shape] = []
    disk_keys = [shape_key(s) for s in disk]
    new_on_disk = Counter(disk_keys) - base_n  # what the other writer added
    dropped = 0
    for s, k in zip(disk, disk_keys):
        if removed[k] > 0:
            removed[k] -= 1
            dropped += 1
            continue
        out.append(s)
    kept = len(out)
    for s, k in zip(mine, mine_keys):
        if added[k] <= 0:
            continue
        added[k] -= 1
        if new_on_disk[k] > 0:  # the other writer produced the very same shape
            new_on_disk[k] -= 1
            continue
        out.append(s)
    return Merge(out, kept, len(out) - kept, dropped)


_MISSING = object()


def merge_flags(base: Mapping[str, bool], mine: Mapping[str, bool], disk: Mapping[str, bool]) -> dict[str, bool]:
    """Three-way merge of image flags, like ``merge_shapes``: the file's flags as they are now,
    with the flags the user changed since ``base`` (set, cleared or removed) applied on top."""
    out = dict(disk)
    for name in list(base) + [k for k in mine if k not in base]:
        if mine.get(name, _MISSING) == base.get(name, _MISSING):
            continue  # the user left this one alone: the file's value wins
        if name in mine:
            out[name] = mine[name]  # as the user left it (other tools write non-bool values)
        else:
            out.pop(name, None)
    return out


def review_of(ann: ImageAnnotation | None) -> tuple[bool, dict | None]:
    """The review decision a label file holds: (``checked``, its ``review`` record or None)."""
    if ann is None:
        return (False, None)
    rec = review_record(ann)
    return (ann.checked is True, dict(rec) if rec is not None else None)


def apply_review(ann: ImageAnnotation, review: tuple[bool, dict | None]) -> None:
    """Write a review decision into an annotation (before saving it)."""
    checked, rec = review
    # A file that never had the key stays without it while unchecked (LabelMe files stay as they were).
    if checked or ann.checked is not None:
        ann.checked = bool(checked)
    if rec:
        ann.extra[REVIEW_KEY] = dict(rec)
    else:
        ann.extra.pop(REVIEW_KEY, None)


def merge_review(base: tuple[bool, dict | None], mine: tuple[bool, dict | None],
                 disk: tuple[bool, dict | None]) -> tuple[bool, dict | None]:
    """The user's review decision when they made one since ``base``, else the file's."""
    return mine if mine != base else disk


class DocumentHistory(UndoHistory):
    """The shapes' undo history, with the image flags of every step beside the shapes.

    A subclass rather than a field of ``Step`` so that every caller that pushes shapes only
    (the canvas, the edit actions, extensions) keeps working: its step carries the current
    flags forward. The flags of step i are ``_flag_steps[i]``, kept in step with the base
    class through its public cursor (``len(self)``). Listeners are called after every change
    of the current step (push, undo, redo, reset), so views such as the Flags dock follow.
    """

    def __init__(self, limit: int = 1000) -> None:
        super().__init__(limit)
        self._flag_steps: list[dict[str, bool]] = [{}]
        #: The review decision of each step: (checked, review record or None).
        self._review_steps: list[tuple[bool, dict | None]] = [(False, None)]
        #: Counts pushes: tells a caller whether an edit it triggered made a new step.
        self.pushes = 0
        self.listeners: list[Callable[[], None]] = []

    @property
    def flags(self) -> dict[str, bool]:
        """The image flags of the current step (a copy)."""
        return dict(self._flag_steps[len(self)])

    @property
    def review(self) -> tuple[bool, dict | None]:
        """The review decision of the current step: (checked, review record or None)."""
        return self._review_steps[len(self)]

    def reset(self, shapes: Sequence[Shape], label: str = "open", flags: Mapping[str, bool] | None = None,
              review: tuple[bool, dict | None] = (False, None)) -> None:
        super().reset(shapes, label)
        self._flag_steps = [dict(flags or {})]
        self._review_steps = [review]
        self._notify()

    def push(self, shapes: Sequence[Shape], label: str, flags: Mapping[str, bool] | None = None,
             review: tuple[bool, dict | None] | None = None) -> None:
        """Record an edit; ``flags`` / ``review`` None keep the current ones."""
        pos = len(self)
        new_review = self._review_steps[pos] if review is None else review
        # No copy when the flags stay: the dict is never changed in place (``flags`` hands out
        # copies, ``amend_flags`` replaces the slot), and a 1,000-class classifier's flags
        # copied on every edit cost megabytes of history.
        new_flags = self._flag_steps[pos] if flags is None else dict(flags)
        super().push(shapes, label)
        overflow = pos + 1 - len(self)  # steps the depth limit dropped from the front
        del self._flag_steps[pos + 1:]
        self._flag_steps.append(new_flags)
        del self._flag_steps[:overflow]
        del self._review_steps[pos + 1:]
        self._review_steps.append(new_review)
        del self._review_steps[:overflow]
        self.pushes += 1
        self._notify()

    def amend_flags(self, flags: Mapping[str, bool]) -> None:
        """Change the flags of the current step in place: for an edit that changes shapes and
        flags at once (a prediction) and must stay one undo step. Only for a step just pushed
        (the saved step must keep what the file holds)."""
        if not self.modified:
            raise ValueError("amend_flags on the saved step; push a new step instead")
        self._flag_steps[len(self)] = dict(flags)
        self._notify()

    def undo(self):  # type: ignore[no-untyped-def]
        snap = super().undo()
        if snap is not None:
            self._notify()
        return snap

    def redo(self):  # type: ignore[no-untyped-def]
        snap = super().redo()
        if snap is not None:
            self._notify()
        return snap

    def _notify(self) -> None:
        for listener in list(self.listeners):
            listener()


class ImageDocument:
    def __init__(self, image_path: Path, size: tuple[int, int], undo_limit: int = 1000) -> None:
        self.image_path = Path(image_path)
        self.label_path = label_path_for(self.image_path)
        self.size = size
        self.annotation: ImageAnnotation | None = None
        self.load_error: str | None = None
        self.history = DocumentHistory(undo_limit)
        #: The label file as last read or written by this document (None: there was none).
        self.stamp: tuple[int, int, int] | None = None
        #: The shapes and image flags that file held then: the base of a merge when it changes on disk.
        self.base: tuple[Shape, ...] = ()
        self.base_flags: dict[str, bool] = {}
        self.base_review: tuple[bool, dict | None] = (False, None)
        #: Set by ``save`` when it had to merge with a file changed on disk (None otherwise).
        self.last_merge: Merge | None = None

    def load(self) -> None:
        """Read the label file if there is one; on failure remember why and keep no shapes."""
        self.stamp = disk_stamp(self.label_path)
        if self.stamp is None:
            self.history.reset([])
            return
        try:
            self.annotation = read_label_file(self.label_path)
        except LabelFileError as exc:
            self.load_error = str(exc)
            self.history.reset([])
            return
        self.base = tuple(self.annotation.shapes)
        self.base_flags = dict(self.annotation.flags)
        self.base_review = review_of(self.annotation)
        self.history.reset(self.annotation.shapes, flags=self.annotation.flags, review=self.base_review)

    @property
    def shapes(self) -> list[Shape]:
        return list(self.history.current)

    @property
    def flags(self) -> dict[str, bool]:
        """The image-level flags as edited (a copy)."""
        return self.history.flags

    def set_flags(self, flags: Mapping[str, bool], label: str = "Image flags") -> bool:
        """Replace the image flags as one undoable step; False when nothing changes."""
        # Values as given: callers set True/False on the names they change, and the flags of
        # other tools ("weather": "sunny", "score": 0.9) must not become booleans on save.
        new = {str(k): v for k, v in flags.items()}
        if new == self.history.flags:
            return False
        self.history.push(self.history.current, label, flags=new)
        return True

    @property
    def review(self) -> tuple[bool, dict | None]:
        """The review decision as edited: (checked, review record or None)."""
        return self.history.review

    def set_review(self, checked: bool, record: dict | None, label: str = "Review") -> bool:
        """Replace the review decision as one undoable step; False when nothing changes."""
        new = (bool(checked), dict(record) if record else None)
        if new == self.history.review:
            return False
        self.history.push(self.history.current, label, review=new)
        return True

    @property
    def modified(self) -> bool:
        return self.history.modified

    def changed_on_disk(self) -> bool:
        """True when the label file is not the one this document last read or wrote."""
        return disk_stamp(self.label_path) != self.stamp

    def _read_changed(self) -> ImageAnnotation | None:
        """The label file as it is now (None when it was deleted); raises LabelFileError naming
        the file when it cannot be read, so that nothing is overwritten."""
        if disk_stamp(self.label_path) is None:
            return None
        try:
            return read_label_file(self.label_path)
        except LabelFileError as exc:
            raise LabelFileError(self.label_path, translate(
                "document", "changed on disk and cannot be read now ({0}); it is not overwritten and your "
                            "edits are kept in the window").format(exc.problem)) from None

    def reload(self) -> Merge | None:
        """Take the label file as it is on disk now, keeping the user's unsaved edits on top.

        Without unsaved edits the file's shapes replace the current ones (one undoable step,
        not modified). With unsaved edits the result is ``merge_shapes`` (modified: the next
        save writes it). Returns the merge, or None when there was nothing to merge.
        Raises LabelFileError when the file cannot be read (nothing changes then).
        """
        stamp = disk_stamp(self.label_path)
        ann = self._read_changed()
        disk = list(ann.shapes) if ann is not None else []
        disk_flags = dict(ann.flags) if ann is not None else {}
        disk_review = review_of(ann)
        had_edits = self.history.modified
        merge = merge_shapes(list(self.base), self.shapes, disk) if had_edits else None
        new_flags = merge_flags(self.base_flags, self.flags, disk_flags) if had_edits else disk_flags
        new_review = merge_review(self.base_review, self.review, disk_review) if had_edits else disk_review
        self.annotation = ann
        self.load_error = None
        self.stamp = stamp
        self.base = tuple(disk)
        self.base_flags = disk_flags
        self.base_review = disk_review
        new = merge.shapes if merge is not None else disk
        if merge is not None:
            # No earlier step matches the file now: undoing back to the one read before must
            # not look saved while the file holds something else.
            self.history.mark_modified()
        if ([shape_key(s) for s in new] != [shape_key(s) for s in self.history.current]
                or new_flags != self.flags or new_review != self.review):
            self.history.push(new, "Reload from disk", flags=new_flags, review=new_review)
        if merge is None:
            self.history.mark_saved()
        return merge

    def save(self, shapes: list[Shape] | None = None) -> bool:
        """Write the current shapes. Returns False when nothing needed writing.

        When the file changed on disk since it was read, the user's edits are merged into it
        (``last_merge`` tells how; the history gets the merged shapes as one step).
        Raises LabelFileError when the file cannot be written or must not be (it failed to load,
        or it changed on disk and cannot be read now).
        """
        self.last_merge = None
        if self.load_error is not None and not self.changed_on_disk():
            raise LabelFileError(self.label_path, "was not readable when opened, so it is not overwritten "
                                 "(fix or move it, then reopen the image)")
        shapes = list(self.history.current) if shapes is None else shapes
        if not self.history.modified:
            return False
        flags = self.flags
        review = self.review
        ann = self.annotation
        if self.changed_on_disk():
            stamp_before = disk_stamp(self.label_path)
            disk_ann = self._read_changed()
            if disk_ann is not None:
                merge = merge_shapes(list(self.base), shapes, list(disk_ann.shapes))
                if disk_stamp(self.label_path) != stamp_before:  # still being written: try later
                    raise LabelFileError(self.label_path, "is being changed by another program; "
                                         "not saved now, your edits are kept in the window")
                self.last_merge = merge
                self.load_error = None
                shapes = merge.shapes
                flags = merge_flags(self.base_flags, flags, disk_ann.flags)
                review = merge_review(self.base_review, review, review_of(disk_ann))
                ann = disk_ann
        no_flags = all(v is False for v in flags.values())  # ticked and unticked again is none
        if ann is None and not shapes and no_flags and review == (False, None) and not self.label_path.exists():
            self.history.mark_saved()  # drew and deleted: no need for an empty file
            return False
        ann = ann or ImageAnnotation()
        ann.shapes = [s.copy() for s in shapes]
        ann.flags = dict(flags)
        apply_review(ann, review)
        ann.image_path = relative_image_path(self.label_path, self.image_path)
        ann.image_width, ann.image_height = int(self.size[0]), int(self.size[1])
        write_label_file(self.label_path, ann)
        self.annotation = ann
        self.stamp = disk_stamp(self.label_path)
        self.base = tuple(ann.shapes)
        self.base_flags = dict(flags)
        self.base_review = review
        if self.last_merge is not None:
            self.history.push(shapes, "Merge with the file on disk", flags=flags, review=review)
        self.history.mark_saved()
        return True
