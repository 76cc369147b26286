"""Counts over a folder's label files: shapes per label and per type, images labelled."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .errors import LabelFileError
from .folder_index import FolderIndex
from .label_file import read_label_file
from .shape import Shape


@dataclass
class LabelStatistics:
    per_label: Counter = field(default_factory=Counter)
    per_type: Counter = field(default_factory=Counter)
    images_total: int = 0
    images_labelled: int = 0  # images whose label file holds at least one shape
    shapes_total: int = 0
    errors: list[str] = field(default_factory=list)  # files that could not be read

    def add_shapes(self, shapes: Iterable[Shape]) -> None:
        n = 0
        for s in shapes:
            self.per_label[s.label] += 1
            self.per_type[s.shape_type] += 1
            n += 1
        self.shapes_total += n
        if n:
            self.images_labelled += 1


def folder_statistics(index: FolderIndex, override: Callable[[int], list[Shape] | None] | None = None
                      ) -> LabelStatistics:
    """Read every label file of the folder once; ``override(i)`` may supply unsaved shapes.

    A file that cannot be read is listed in ``errors`` and the others are still counted.
    """
    stats = LabelStatistics(images_total=len(index))
    for i in range(len(index)):
        shapes = override(i) if override is not None else None
        if shapes is None:
            if not index.has_label(i):
                continue
            try:
                shapes = read_label_file(index.label_path(i)).shapes
            except LabelFileError as exc:
                stats.errors.append(str(exc))
                continue
        stats.add_shapes(shapes)
    return stats
