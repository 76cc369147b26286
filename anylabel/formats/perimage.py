"""The on-disk side of formats with one label file per image (YOLO, VOC, DOTA):
write each image's file atomically, and pair each image with its file on import."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Callable, Iterator

from .output import path_for, write_text
from ..core.folder_index import scan_folder
from ..core.i18n import tr
from ..core.image_io import image_size
from ..core.shape import Shape
from .base import (
    ExportContext,
    ExportItem,
    FormatError,
    ImageSize,
    ImportContext,
    ImportFailure,
    ImportItem,
    PlannedItem,
    Skip,
)

DumpText = Callable[[ExportItem, ExportContext], tuple[str, list[Skip]]]
# (label-file text, image path, import context) -> shapes and the size the file states (or None)
ParseText = Callable[[str, Path, ImportContext], tuple[list[Shape], ImageSize | None]]


class PerImageExporter:
    """Writes ``<out>/<stem><suffix>``, or ``<out>/labels/<subset>/<stem><suffix>`` in a split."""

    def __init__(self, ctx: ExportContext, suffix: str, dump: DumpText) -> None:
        self.ctx = ctx
        self.suffix = suffix
        self.dump = dump
        self.files_written = 0

    def path_for(self, item: ExportItem) -> Path:
        return path_for(self.ctx.out_dir, "labels", item, self.suffix, flat=True)

    def add(self, item: ExportItem) -> list[Skip]:
        text, skips = self.dump(item, self.ctx)
        write_text(self.path_for(item), text)
        self.files_written += 1
        return skips

    def state(self) -> int:
        return self.files_written

    def merge(self, files_written: int) -> None:
        self.files_written += files_written

    def finish(self) -> list[Path]:
        return []


class PerImageImporter:
    """Pairs each image of IMAGES_DIR with ``<source>/<stem><suffix>``; label files with no
    image are reported, images with no label file are left alone."""

    def __init__(self, ctx: ImportContext, suffix: str, parse: ParseText) -> None:
        self.ctx = ctx
        self.suffix = suffix
        self.parse = parse
        if not ctx.source.is_dir():
            raise FormatError(tr("{0}: not a folder of {1} label files").format(ctx.source, suffix))
        self._labels = sorted(
            p
            for p in ctx.source.iterdir()
            if p.suffix.lower() == suffix and not p.name.startswith(".") and p.name not in IGNORED_NAMES
        )

    def count(self) -> int:
        return len(self._labels)

    def items(self) -> Iterator[ImportItem | ImportFailure]:
        build = self.builder()
        for planned in self.plan():
            yield planned if isinstance(planned, ImportFailure) else build(planned)

    def plan(self) -> Iterator[PlannedItem | ImportFailure]:
        """Each label file paired with its image (read and parsed by ``builder()``, which
        import workers run), and the label files without an image."""
        index = scan_folder(self.ctx.images_dir)
        by_stem: dict[str, Path] = {}
        for name in index.names:
            by_stem.setdefault(os.path.splitext(name)[0], index.folder / name)
        for label_path in self._labels:
            image = by_stem.get(label_path.stem)
            if image is None:
                yield ImportFailure(
                    str(label_path), tr("no image named {0}.* in {1}").format(
                        label_path.stem, self.ctx.images_dir)
                )
                continue
            yield PlannedItem(image, label_path)

    def builder(self) -> Callable[[PlannedItem], ImportItem | ImportFailure]:
        return functools.partial(_read_planned, self.parse, self.ctx)


def _read_planned(parse: ParseText, ctx: ImportContext, planned: PlannedItem) -> ImportItem | ImportFailure:
    label_path, image = planned.payload, planned.image_path
    try:
        text = label_path.read_text(encoding="utf-8-sig")
        shapes, size = parse(text, image, ctx)
    except (FormatError, UnicodeDecodeError) as exc:
        return ImportFailure(str(label_path), str(exc))
    except OSError as exc:
        return ImportFailure(str(label_path), tr("cannot be read ({0})").format(exc.strerror or exc))
    return ImportItem(image, shapes, size)


#: Files that sit next to label files in exported folders but are not label files.
IGNORED_NAMES = frozenset({"classes.txt", "data.yaml", "Label.txt", "rec_gt.txt", "fileState.txt"})


def size_of(image: Path) -> ImageSize:
    """The image size from its header; FormatError naming the image when unreadable."""
    try:
        return image_size(image)
    except Exception as exc:  # noqa: BLE001  # PIL raises many types; all mean "not readable"
        raise FormatError(tr("image {0} cannot be read for its size ({1})").format(image, exc)) from None
