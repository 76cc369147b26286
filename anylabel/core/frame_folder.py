"""A folder of frames seen as a sequence: load each frame's labels, save only what changed.

Shared by the sequence tools (tracking existing boxes, interpolation, propagation,
track edits). A label file that cannot be read is reported by name and left alone;
the other frames go on. Saves are atomic and a file whose content would not change is
not rewritten (its modification time stays, backups and sync tools see nothing).
"""
from __future__ import annotations

import functools
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

from .bulk import OrderedWrites
from .errors import LabelFileError
from .folder_index import FolderIndex, scan_folder
from .i18n import tr
from .label_file import ImageAnnotation, dumps, new_annotation_for, read_label_file, write_label_file

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class EditReport:
    """What a folder-wide operation did."""

    changed: list[Path] = field(default_factory=list)
    unchanged: int = 0
    protected: list[Path] = field(default_factory=list)   # user frames left as they were
    errors: list[str] = field(default_factory=list)       # "path: problem"

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary_lines(self) -> list[str]:
        out = [tr("{0} label file(s) written, {1} unchanged").format(len(self.changed), self.unchanged)]
        if self.protected:
            out.append(tr("{0} frame(s) edited by the user left untouched").format(len(self.protected)))
        return out

    def error_lines(self) -> list[str]:
        return [tr("error: {0}").format(e) for e in self.errors]

    def lines(self) -> list[str]:
        return self.summary_lines() + self.error_lines()


class FrameFolder:
    """Frames of one folder in natural order (the order of the video)."""

    def __init__(self, folder: str | os.PathLike[str], index: FolderIndex | None = None) -> None:
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise LabelFileError(self.folder, tr("not a folder"))
        self.index = index if index is not None else scan_folder(self.folder)
        self._writes: OrderedWrites | None = None

    def __len__(self) -> int:
        return len(self.index)

    def image_path(self, i: int) -> Path:
        return self.index.path(i)

    def label_path(self, i: int) -> Path:
        return self.index.label_path(i)

    def position_of(self, image: str | os.PathLike[str]) -> int:
        return self.index.index_of(Path(image).name)

    def clamp_range(self, start: int | None, end: int | None) -> range:
        """Positions from ``start`` to ``end`` inclusive (0-based; None = the ends)."""
        n = len(self)
        s = 0 if start is None else max(0, start)
        e = n - 1 if end is None else min(n - 1, end)
        return range(s, e + 1)

    def load(self, i: int) -> ImageAnnotation | None:
        """The frame's labels, None when it has no label file; raises LabelFileError."""
        path = self.label_path(i)
        if self._writes is not None:
            self._writes.wait_for(str(path))  # a save of this frame may still be running
        if not path.exists():
            return None
        return read_label_file(path)

    @contextmanager
    def saves_in_background(self) -> Iterator[None]:
        """Inside, ``save_if_changed`` hands each write to a few threads and goes on.

        Every save stays atomic and fsynced, but a video of 10,000 frames would otherwise
        wait 2-4 ms per frame for the disk; fsyncs issued together are committed at once.
        The report is complete when the block ends: written files in frame order, failed
        writes as errors."""
        if self._writes is not None:  # nested: the outer block collects everything
            yield
            return
        with OrderedWrites() as writes:
            self._writes = writes
            try:
                yield
            finally:
                self._writes = None
                for outcome in writes.finish():
                    self._record(*outcome)

    def new_annotation(self, i: int) -> ImageAnnotation:
        return new_annotation_for(self.image_path(i))

    def save_if_changed(self, i: int, ann: ImageAnnotation, before: str | None, report: EditReport) -> bool:
        """Write ``ann`` unless it serialises to ``before`` (the text of the loaded annotation)."""
        if before is not None and dumps(ann) == before:
            report.unchanged += 1
            return False
        if self._writes is not None:
            path = self.label_path(i)
            for outcome in self._writes.submit((i, report), str(path), write_label_file, path, ann):
                self._record(*outcome)
            return True
        try:
            write_label_file(self.label_path(i), ann)
        except LabelFileError as exc:
            report.errors.append(str(exc))
            return False
        self._record((i, report), None)
        return True

    def _record(self, tag: tuple[int, EditReport], error: BaseException | None) -> None:
        i, report = tag
        if error is None:
            report.changed.append(self.label_path(i))
            self.index.mark_labelled(self.index.names[i])
        elif isinstance(error, LabelFileError):
            report.errors.append(str(error))
        else:  # anything else one frame's save raised must not hide the others
            report.errors.append(f"{self.label_path(i)}: cannot be written ({error})")


def saves_in_background(fn: F) -> F:
    """Decorator for operations whose first argument is a folder (or a FrameFolder): the
    operation gets a FrameFolder whose saves run in the background until it returns."""

    @functools.wraps(fn)
    def wrapper(folder: Any, *args: Any, **kwargs: Any) -> Any:
        frames = folder if isinstance(folder, FrameFolder) else FrameFolder(folder)
        with frames.saves_in_background():
            return fn(frames, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def snapshot(ann: ImageAnnotation | None) -> str | None:
    """What ``save_if_changed`` compares against (None: no file yet, any content is a change)."""
    return None if ann is None else dumps(ann)
