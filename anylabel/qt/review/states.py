"""Review state of every image of a folder, read from the label files and cached by file
version, so the file list can colour and filter 10,000 rows without reading a file twice."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Callable

from ...core.errors import LabelFileError
from ...core.folder_index import FolderIndex
from ...core.label_file import ImageAnnotation, read_label_file
from ...core.review import REVIEW_KEY, UNCHECKED, review_state
from ..document import disk_stamp

Review = tuple[bool, "dict | None"]  # (checked, review record), as ImageDocument keeps it


def state_of(review: Review) -> str:
    """UNCHECKED / ACCEPTED / REJECTED of a document's review decision (core rules)."""
    checked, rec = review
    return review_state(ImageAnnotation(checked=checked, extra={REVIEW_KEY: rec} if rec else {}))


class FolderReviewStates:
    """``state(i)`` for the images of a folder index. ``override(i)`` may answer first (the image
    open in the window, whose decision may not be saved yet)."""

    def __init__(self, index: FolderIndex, override: Callable[[int], "str | None"] | None = None) -> None:
        self.index = index
        self.override = override
        self._cache: dict[Path, tuple[object, str]] = {}
        self.unreadable: list[str] = []  # label files that could not be read (counted unchecked)

    def state(self, i: int) -> str:
        if self.override is not None:
            s = self.override(i)
            if s is not None:
                return s
        if not self.index.has_label(i):
            return UNCHECKED
        path = self.index.label_path(i)
        stamp = disk_stamp(path)
        hit = self._cache.get(path)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        try:
            s = review_state(read_label_file(path)) if stamp is not None else UNCHECKED
        except LabelFileError as exc:
            s = UNCHECKED
            self.unreadable.append(str(exc))
        self._cache[path] = (stamp, s)
        return s

    def counts(self) -> Counter:
        """How many images are in each state (reads the files not cached yet)."""
        self.unreadable = []
        return Counter(self.state(i) for i in range(len(self.index)))

    def find(self, start: int, step: int, wanted: str = UNCHECKED) -> int | None:
        """The first image from ``start`` (exclusive) in direction ``step`` in state ``wanted``,
        going round the end of the folder; None when there is none."""
        n = len(self.index)
        for k in range(1, n + 1):
            i = (start + step * k) % n
            if i == start % n and k != n:
                continue
            if self.state(i) == wanted:
                return i
        return None
