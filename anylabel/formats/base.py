"""Types shared by every dataset format: what an exporter is given, what it reports back.

A format module holds pure ``dump``/``parse`` functions over core shapes and a small
exporter/importer class that puts their output on disk. The folder walking, class
files, progress, error collection and the summary live in ``driver.py`` (export) and ``import_driver.py`` only.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Protocol

from ..core.i18n import tr, tr_noop
from ..core.shape import Shape

ImageSize = tuple[int, int]  # (width, height) in pixels


class FormatError(ValueError):
    """A dataset file (or one line of it) that cannot be interpreted; the message says why."""


@dataclass(frozen=True)
class Skip:
    """One shape a format cannot carry, and why (reported in the summary, never silent)."""

    label: str
    shape_type: str
    reason: str


@dataclass
class ExportItem:
    """One image with its shapes, as the driver hands it to an exporter."""

    image_path: Path
    size: ImageSize
    shapes: list[Shape]
    subset: str = ""  # "train" / "val" / "test" when a split was asked for
    label_path: Path | None = None  # the label file the shapes came from (named when shapes are skipped)

    @property
    def stem(self) -> str:
        return self.image_path.stem


@dataclass
class ExportOptions:
    """Choices that only some formats use (they ignore the rest)."""

    pose_config: dict[str, list[str]] | None = None  # class -> keypoint names, in order
    split: tuple[float, float, float] | None = None  # train, val, test fractions
    seed: int = 0
    include_unlabelled: bool = True  # images without a label file become empty/background entries
    workers: int = 1  # processes for big folders (0 = one per CPU core); formats with spec.parallel only
    # Labels missing from an existing class list are appended to it (new indices after the
    # old ones) instead of being skipped; off by default so no index changes unasked.
    add_new_classes: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ExportContext:
    out_dir: Path
    # None in a worker process exporting without a class file, for formats whose spec says
    # ``classes_at_end``: the driver learns the list from every worker's labels.
    classes: list[str] | None
    options: ExportOptions
    _class_set: set[str] | None = field(default=None, init=False, repr=False, compare=False)

    def class_index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.classes or [])}

    def class_set(self) -> set[str] | None:
        """The labels that may be written; None when the list is learnt at the end (every
        label goes). Built once: it is asked for each of thousands of images."""
        if self.classes is None:
            return None
        if self._class_set is None:
            self._class_set = set(self.classes)
        return self._class_set


class Exporter(Protocol):
    """Receives every image once (``add``), then ``finish`` writes dataset-level files.

    ``add`` returns the shapes it had to leave out; it raises OSError/FormatError when the
    image cannot be written (the driver names the image and carries on). Exporters of
    formats marked ``parallel`` also have ``state()`` (what a worker process built, picklable)
    and ``merge(state)`` (join it, in image order, into the exporter that writes the files)."""

    files_written: int

    def add(self, item: ExportItem) -> list[Skip]: ...

    def finish(self) -> list[Path]: ...


@dataclass
class ImportItem:
    """Shapes read for one image of IMAGES_DIR."""

    image_path: Path
    shapes: list[Shape]
    size: ImageSize | None = None  # known from the dataset (COCO, VOC, MOT); else read from the image


@dataclass
class PlannedItem:
    """An entry of a dataset matched to its image, its shapes not built yet: importers with
    ``plan()`` and ``builder()`` let import workers build them (formats/import_workers.py)."""

    image_path: Path
    payload: Any


@dataclass
class ImportFailure:
    """A dataset file, or one entry of it, that could not be imported."""

    path: str
    problem: str


@dataclass
class ImportContext:
    source: Path
    images_dir: Path
    classes: list[str] | None
    options: ExportOptions

    def label_for(self, index: int) -> str:
        """Class name of an index; the index itself when no class list says otherwise."""
        if self.classes is not None and 0 <= index < len(self.classes):
            return self.classes[index]
        return str(index)


class Importer(Protocol):
    def items(self) -> Iterator[ImportItem | ImportFailure]: ...

    def count(self) -> int: ...


#: The actions of a Summary, marked for the message catalogue (``lines`` translates them).
ACTIONS = (tr_noop("export"), tr_noop("import"))

ProgressFn = Callable[[str, int, int], None]  # (stage, done, total)
CancelFn = Callable[[], bool]


@dataclass
class Summary:
    """What a run did, for the CLI's last lines and the GUI's closing dialog."""

    action: str  # "export" / "import" (a key; ACTIONS names them for the catalogue)
    fmt: str
    images: int = 0
    files_written: int = 0
    shapes_written: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (file, problem)
    skipped: Counter[tuple[str, str]] = field(default_factory=Counter)  # (shape_type, reason) -> n
    # (shape_type, reason) -> the files holding such shapes, in the order met
    skipped_in: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    # Files the run did not take, with why; not failures (e.g. a label file with no image)
    left_out: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cancelled: bool = False
    outputs: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.cancelled

    def absorb(self, other: "Summary") -> None:
        """Add the counts of a part of the run (a worker's share)."""
        self.images += other.images
        self.shapes_written += other.shapes_written
        self.failures.extend(other.failures)
        self.skipped.update(other.skipped)
        for key, files in other.skipped_in.items():
            self._files_for(key).extend(files)  # chunks hold different files
        self.left_out.extend(other.left_out)

    def fail(self, path: str | Path, problem: str) -> None:
        self.failures.append((printable_path(path), problem))

    def leave_out(self, path: str | Path, reason: str) -> None:
        self.left_out.append((printable_path(path), reason))

    def skip(self, skips: list[Skip], source: str | Path | None = None) -> None:
        """Count the skipped shapes, and name ``source`` (the file they came from) under each reason."""
        if not skips:
            return
        name = None if source is None else printable_path(source)
        for s in skips:
            key = (s.shape_type, s.reason)
            self.skipped[key] += 1
            if name is not None:
                files = self._files_for(key)
                if not files or files[-1] != name:
                    files.append(name)

    def _files_for(self, key: tuple[str, str]) -> list[str]:
        files = self.skipped_in.get(key)
        if files is None:
            files = self.skipped_in[key] = []
        return files

    def lines(self) -> list[str]:
        """The summary as text, in the current message language. Skip reasons are often
        the constants of ``convert.py`` (marked, not translated, where they are defined)
        and are translated here; other texts were made in the language already."""
        out = [
            tr("{0} {1}: {2} image(s), {3} file(s) written, {4} shape(s) converted").format(
                tr(self.action), self.fmt, self.images, self.files_written, self.shapes_written)
        ]
        for (shape_type, reason), n in sorted(self.skipped.items()):
            out.append(tr("  skipped {0} {1} shape(s): {2}").format(n, shape_type, tr(reason)))
            files = self.skipped_in.get((shape_type, reason))
            if files:
                out.append(tr("    in {0}").format(_some(files)))
        if self.left_out:
            out.append(tr("  {0} file(s) left out:").format(len(self.left_out)))
            out.extend(f"    {path}: {reason}" for path, reason in self.left_out[:LISTED])
            if len(self.left_out) > LISTED:
                out.append(tr("    ... and {0} more").format(len(self.left_out) - LISTED))
        out.extend(tr("  note: {0}").format(n) for n in self.notes)
        if self.cancelled:
            out.append(tr("  cancelled before the end: the output is incomplete"))
        if self.failures:
            out.append(tr("  {0} file(s) failed:").format(len(self.failures)))
            out.extend(f"    {path}: {problem}" for path, problem in self.failures)
        return out


#: How many files a summary line names before it says "and N more" (the object keeps all).
LISTED = 20


#: Files named on one "in a.json, b.json ..." line (a comma list wraps into many lines).
LISTED_INLINE = 5


def _some(files: list[str]) -> str:
    shown = ", ".join(files[:LISTED_INLINE])
    more = len(files) - LISTED_INLINE
    return shown if more <= 0 else tr("{0} and {1} more file(s)").format(shown, more)


def printable_path(path: str | os.PathLike[str]) -> str:
    """The path as text that can be printed and saved: a file name that is not valid UTF-8
    (its bytes were decoded with surrogate escapes) shows its odd bytes as ``\\xff``."""
    text = os.fsdecode(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")


def finite(values: Any) -> bool:
    """True when every number is finite (NaN coordinates are refused, not written)."""
    try:
        return all(math.isfinite(float(v)) for v in values)
    except (TypeError, ValueError):
        return False


def fmt_num(v: float, digits: int = 6) -> str:
    """A compact decimal: no exponent, no trailing zeros (``0.5``, ``12``, ``0.333333``)."""
    s = f"{v:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s
