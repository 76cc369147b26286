"""Undo/redo history of an image's shapes, Qt-free.

The history stores *snapshots* (tuples of Shape objects), not commands. Snapshots
share the Shape objects that did not change, so a step costs one pointer per shape
rather than a deep copy: the rule that makes this safe is that code which edits a
shape replaces it with an edited copy instead of mutating an object a snapshot holds
(the canvas copies the shapes it is about to drag). Hundreds of steps of a
2,000-polygon image therefore cost megabytes, not gigabytes.

"Modified" is tracked against the snapshot that was last saved (or loaded): any
undo or redo that moves away from it marks the image changed, one that lands back
on it marks it clean, so a redone edit is saved and an undone one is not lost.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .shape import Shape

Snapshot = tuple[Shape, ...]


@dataclass(frozen=True)
class Step:
    """One state of the shapes and the name of the edit that produced it."""

    shapes: Snapshot
    label: str


class UndoHistory:
    """A linear history of snapshots with a cursor, a depth limit and a saved marker."""

    def __init__(self, limit: int = 1000) -> None:
        if limit < 1:
            raise ValueError("the undo limit must be at least 1")
        self.limit = limit
        self._steps: list[Step] = [Step((), "open")]
        self._pos = 0
        self._saved: int | None = 0  # index of the step that matches the file on disk

    # --------------------------------------------------------------- state
    def reset(self, shapes: Sequence[Shape], label: str = "open") -> None:
        """Forget the history and start from ``shapes`` (as loaded: not modified)."""
        self._steps = [Step(tuple(shapes), label)]
        self._pos = 0
        self._saved = 0

    def push(self, shapes: Sequence[Shape], label: str) -> None:
        """Record the state after an edit; drops the redo branch and the oldest steps."""
        del self._steps[self._pos + 1:]
        if self._saved is not None and self._saved > self._pos:
            self._saved = None  # the saved state was on the dropped redo branch
        self._steps.append(Step(tuple(shapes), label))
        self._pos += 1
        overflow = len(self._steps) - (self.limit + 1)
        if overflow > 0:
            del self._steps[:overflow]
            self._pos -= overflow
            if self._saved is not None:
                self._saved = self._saved - overflow if self._saved >= overflow else None

    @property
    def current(self) -> Snapshot:
        return self._steps[self._pos].shapes

    def can_undo(self) -> bool:
        return self._pos > 0

    def can_redo(self) -> bool:
        return self._pos < len(self._steps) - 1

    def undo_label(self) -> str | None:
        return self._steps[self._pos].label if self.can_undo() else None

    def redo_label(self) -> str | None:
        return self._steps[self._pos + 1].label if self.can_redo() else None

    def undo(self) -> Snapshot | None:
        """Step back; returns the state to show, or None when there is nothing to undo."""
        if not self.can_undo():
            return None
        self._pos -= 1
        return self.current

    def redo(self) -> Snapshot | None:
        if not self.can_redo():
            return None
        self._pos += 1
        return self.current

    def __len__(self) -> int:
        """Number of undoable steps."""
        return self._pos

    # --------------------------------------------------------------- saved marker
    def mark_saved(self) -> None:
        self._saved = self._pos

    def mark_modified(self) -> None:
        """Mark the current state as differing from the file (e.g. a failed load was replaced)."""
        self._saved = None

    @property
    def modified(self) -> bool:
        return self._saved != self._pos
