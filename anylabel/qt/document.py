"""The open image's annotation document: what was loaded, the undo history, saving.

No Qt here. Rules it enforces: a file is written only when the user changed
something; a label file that could not be read is never overwritten.
"""
from __future__ import annotations

from pathlib import Path

from ..core.errors import LabelFileError
from ..core.label_file import (ImageAnnotation, label_path_for, read_label_file, relative_image_path,
                               write_label_file)
from ..core.shape import Shape
from ..core.undo import UndoHistory


class ImageDocument:
    def __init__(self, image_path: Path, size: tuple[int, int], undo_limit: int = 1000) -> None:
        self.image_path = Path(image_path)
        self.label_path = label_path_for(self.image_path)
        self.size = size
        self.annotation: ImageAnnotation | None = None
        self.load_error: str | None = None
        self.history = UndoHistory(undo_limit)

    def load(self) -> None:
        """Read the label file if there is one; on failure remember why and keep no shapes."""
        if not self.label_path.exists():
            self.history.reset([])
            return
        try:
            self.annotation = read_label_file(self.label_path)
        except LabelFileError as exc:
            self.load_error = str(exc)
            self.history.reset([])
            return
        self.history.reset(self.annotation.shapes)

    @property
    def shapes(self) -> list[Shape]:
        return list(self.history.current)

    @property
    def modified(self) -> bool:
        return self.history.modified

    def save(self, shapes: list[Shape] | None = None) -> bool:
        """Write the current shapes. Returns False when nothing needed writing.

        Raises LabelFileError when the file cannot be written or must not be (it failed to load).
        """
        if self.load_error is not None:
            raise LabelFileError(self.label_path, "was not readable when opened, so it is not overwritten "
                                 "(fix or move it, then reopen the image)")
        shapes = list(self.history.current) if shapes is None else shapes
        if not self.history.modified:
            return False
        if self.annotation is None and not shapes and not self.label_path.exists():
            self.history.mark_saved()  # drew and deleted: no need for an empty file
            return False
        ann = self.annotation or ImageAnnotation()
        ann.shapes = [s.copy() for s in shapes]
        ann.image_path = relative_image_path(self.label_path, self.image_path)
        ann.image_width, ann.image_height = int(self.size[0]), int(self.size[1])
        write_label_file(self.label_path, ann)
        self.annotation = ann
        self.history.mark_saved()
        return True
