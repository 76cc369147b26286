"""The one import driver behind ``anylabel import`` and the GUI's menu: it reads a dataset
with its format's importer, matches its entries to the images, merges or refuses existing
label files, and saves them in batches (``core.bulk.AtomicBatch``, adr/0014). Class files
are read as the export driver reads them.

Errors never stop a run: an unreadable entry or label file is recorded with its path and
the run carries on.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any, Iterator

import yaml

from ..core.bulk import AtomicBatch, with_paused_gc
from ..core.errors import LabelFileError
from ..core.i18n import tr, tr_noop
from ..core.label_file import label_path_for, new_annotation_for, read_label_file, write_label_file
from ..core.safe_yaml import load_yaml_file
from .base import (
    CancelFn, ExportOptions, FormatError, ImportContext, ImportFailure, ImportItem, PlannedItem, ProgressFn, Summary,
)
from .driver import CLASSES_FILE, ClassFileProblem, existing_class_list, never_cancelled, no_progress, load_classes
from .merge import shapes_to_add
from .registry import get_format

ON_EXISTS = ("refuse", "merge", "overwrite")


def _names_from_data_yaml(src: Path) -> tuple[list[str], Path] | None:
    """Class names of an Ultralytics layout: ``--source`` may be ``labels/train`` or the
    dataset root, with ``data.yaml`` at the root. None when there is no data.yaml or it
    names no classes; a data.yaml that cannot be used raises ClassFileProblem naming it
    (importing with class indices instead of its names would label every shape wrongly)."""
    for folder in (src, src.parent, src.parent.parent):
        path = folder / "data.yaml"
        if not path.is_file():
            continue
        try:
            data = load_yaml_file(path)
        except yaml.YAMLError as exc:  # YamlError (refused, not valid YAML) is one too
            raise ClassFileProblem(path, getattr(exc, "problem", None) or f"not valid YAML ({exc})") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ClassFileProblem(path, tr("cannot be read ({0})").format(exc)) from None
        if data is None:
            return None
        if not isinstance(data, dict):
            raise ClassFileProblem(path, tr("is not a mapping (expected 'names:' and the split folders)"))
        names = data.get("names")
        if names is None:
            return None
        if isinstance(names, dict):
            try:
                return [str(names[k]) for k in sorted(names, key=int)], path
            except (TypeError, ValueError):
                raise ClassFileProblem(path, tr("'names' must map class indices (0, 1, ...) to "
                                                "names")) from None
        if isinstance(names, list):
            return [str(n) for n in names], path
        raise ClassFileProblem(path, tr("'names' must be a list or a map of names, not {0}").format(
            type(names).__name__))
    return None


@with_paused_gc
def import_dataset(
    fmt: str,
    source: str | os.PathLike[str],
    images_dir: str | os.PathLike[str],
    classes_file: str | os.PathLike[str] | None = None,
    options: ExportOptions | None = None,
    on_exists: str = "refuse",
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
) -> Summary:
    """Read ``source`` as ``fmt`` and write AnyLabel label files next to the images of
    ``images_dir``. Existing label files are kept unless ``on_exists`` is merge/overwrite."""
    if on_exists not in ON_EXISTS:
        raise ValueError(tr("on_exists must be one of {0}").format(ON_EXISTS))
    spec = get_format(fmt)
    options = options or ExportOptions()
    progress = progress or no_progress
    cancelled = cancelled or never_cancelled
    summary = Summary("import", spec.name)
    src, images = Path(source), Path(images_dir)
    if spec.importer is None:
        summary.fail(src, tr("importing {0} is not supported").format(spec.name))
        return summary
    if not images.is_dir():
        summary.fail(images, tr("not a folder of images"))
        return summary
    classes: list[str] | None = None
    if classes_file:
        try:
            classes = load_classes(classes_file)
        except FormatError as exc:  # names the class file itself, not the source
            summary.fail(classes_file, str(exc).replace(f"{os.fspath(classes_file)}: ", "", 1))
            return summary
    try:
        if classes_file:
            pass  # read above
        elif src.is_dir() and (src / CLASSES_FILE).is_file():
            # An empty one (older exports of unlabelled folders wrote it) names no class:
            # the same as no file, as on export.
            classes = existing_class_list(src / CLASSES_FILE)
            if classes is not None:
                summary.notes.append(tr("class names read from {0}").format(src / CLASSES_FILE))
        elif src.is_dir() and spec.needs_class_names:
            found = _names_from_data_yaml(src)
            if found:
                classes, where = found
                summary.notes.append(tr("class names read from {0}").format(where))
        ctx = ImportContext(src, images, classes, options)
        importer = spec.importer(ctx)
    except ClassFileProblem as exc:  # names its own file (classes.txt, data.yaml)
        summary.fail(exc.path, exc.problem)
        return summary
    except FormatError as exc:  # the source is named once, also when the message starts with it
        summary.fail(src, ClassFileProblem.from_error(src, exc).problem)
        return summary
    if spec.uses_classes and classes is None and spec.needs_class_names:
        summary.notes.append(tr("no class file: labels are the class indices"))
    total = importer.count()
    tally = _Tally(summary)
    planned = _parallel_plan(importer, total, options)
    # Label files are saved in batches: all written, then fsynced together, then renamed
    # into place (docs/adr/0014-import-durability.md); outcomes come back in order.
    with AtomicBatch() as writes:
        items: Iterator[ImportItem | ImportFailure]
        if planned is None:
            items, done = importer.items(), 0
        else:
            workers, entries = planned
            resume_at = 0
            if workers > 1:
                resume_at = _import_in_workers(importer, entries, on_exists, workers, tally, writes, progress, cancelled)
            items, done = _built(importer, entries[resume_at:]), resume_at
        for entry in items if not summary.cancelled else ():
            if cancelled():
                summary.cancelled = True
                break
            done += 1
            progress("import", min(done, total), total)
            tally.one(entry, on_exists, writes)
        for outcome in writes.finish():
            tally.record(outcome)
    summary.notes.extend(getattr(importer, "notes", []))  # e.g. COCO images matched by stem
    if tally.present:
        summary.notes.append(tr("{0} shape(s) already in the label files were not added again").format(
            tally.present))
    if tally.unchanged:
        summary.notes.append(tr("{0} label file(s) had nothing new and were left as they were").format(
            tally.unchanged))
    return summary


def prepare_entry(entry: ImportItem, label_path: Path, on_exists: str) -> tuple[str, Any, int, int]:
    """What to do with one imported entry, whose label file is ``label_path``:
    ("write", the annotation to save, shapes added, shapes already present),
    ("unchanged", None, 0, shapes present) (merge found nothing new), or
    ("refused" / "failed", (path, problem), 0, 0). The one-process path and the import
    workers both decide here."""
    try:
        exists = label_path.exists()
        if exists and on_exists == "refuse":
            return "refused", (str(label_path), tr(REFUSED)), 0, 0
        added = entry.shapes
        present = 0
        if exists and on_exists == "merge":
            ann = read_label_file(label_path)
            added = shapes_to_add(ann.shapes, entry.shapes)
            present = len(entry.shapes) - len(added)
            if not added:  # nothing new: the file keeps its bytes (no version bump, no new keys)
                return "unchanged", None, 0, present
            ann.shapes.extend(added)
        else:
            ann = new_annotation_for(entry.image_path, entry.shapes, entry.size)
        if entry.size and not (ann.image_width and ann.image_height):
            ann.image_width, ann.image_height = entry.size
    except Exception as exc:  # noqa: BLE001  # e.g. an unreadable image header; name it and go on
        return "failed", failure_of(exc, entry.image_path, before_write=True), 0, 0
    return "write", ann, len(added), present


REFUSED = tr_noop("a label file already exists; not overwritten (choose merge or overwrite)")


def failure_of(error: BaseException, image_path: Path | str, before_write: bool = False) -> tuple[str, str]:
    """(path, problem) for the summary: the label file a LabelFileError names, the file a
    failed commit (fsync, rename) names, else the image."""
    if isinstance(error, LabelFileError):
        return os.fspath(error.path), error.problem
    if not before_write and isinstance(error, OSError) and error.filename:
        return os.fspath(error.filename), tr("cannot be written ({0})").format(error.strerror or error)
    return os.fspath(image_path), tr("cannot be imported ({0})").format(error)


class _Tally:
    """Counts and failures of an import, from the one-process path's entries and from the
    workers' results alike."""

    def __init__(self, summary: Summary) -> None:
        self.summary = summary
        self.present = self.unchanged = 0

    def record(self, outcome: tuple[tuple[Any, int], BaseException | None]) -> None:
        (image_path, n_added, *_), error = outcome
        if error is None:
            self.summary.files_written += 1
            self.summary.shapes_written += n_added
        else:
            self.summary.fail(*failure_of(error, image_path))

    def one(self, entry: ImportItem | ImportFailure, on_exists: str, writes: AtomicBatch) -> None:
        """An entry built in this process: checked, merged and staged here."""
        if isinstance(entry, ImportFailure):
            self.summary.fail(entry.path, entry.problem)
            return
        self.summary.images += 1
        label_path = label_path_for(entry.image_path)
        for outcome in writes.settle(label_path):  # a second entry for the same image sees the first's file
            self.record(outcome)
        kind, value, n_added, present = prepare_entry(entry, label_path, on_exists)
        self.present += present
        if kind == "unchanged":
            self.unchanged += 1
        elif kind != "write":
            self.summary.fail(*value)
        else:
            tag = (entry.image_path, n_added)
            for outcome in writes.submit(tag, label_path, functools.partial(write_label_file, label_path, value)):
                self.record(outcome)

    def take(self, result: tuple[str, Any, Any], writes: AtomicBatch) -> None:
        """A worker's result (``import_workers.stage_range``)."""
        kind, a, b = result
        if kind == "failed":
            self.summary.fail(a, b)
            return
        self.summary.images += 1
        if kind == "refused":
            self.summary.fail(a, b)
        elif kind == "unchanged":
            self.unchanged += 1
            self.present += a
        else:
            image_path, n_added, present = a
            self.present += present
            label_path = label_path_for(image_path)
            if kind == "unstaged":
                self.summary.fail(*b)
            else:
                for outcome in writes.adopt((image_path, n_added), label_path, b):
                    self.record(outcome)


def _parallel_plan(importer: Any, total: int, options: ExportOptions) -> tuple[int, list[Any]] | None:
    """(workers, the planned entries) when this import is worth sharing out among forked
    workers, else None (the importer then runs as it comes). Not when two entries name one
    image: the second must see the file the first wrote."""
    from .import_workers import worker_count
    from .parallel import can_fork

    if not hasattr(importer, "plan") or options.workers == 1:
        return None
    workers = worker_count(options.workers, total)
    if workers < 2 or not can_fork():
        return None
    entries = list(importer.plan())
    targets = [label_path_for(e.image_path) for e in entries if isinstance(e, PlannedItem)]
    return (workers if len(set(targets)) == len(targets) else 1), entries


def _import_in_workers(importer: Any, entries: list[Any], on_exists: str, workers: int, tally: "_Tally",
                       writes: AtomicBatch, progress: ProgressFn, cancelled: CancelFn) -> int:
    """Share ``entries`` out among forked workers (``import_workers``), committing their temp
    files as their results come; the index of the first entry left to do in this process
    (all of them when cancelled, the ones not handed out when the workers failed)."""
    from .import_workers import staged_in_workers
    from .parallel import PoolUnavailable

    done = 0
    try:
        for results in staged_in_workers(importer.builder(), entries, on_exists, workers, progress, cancelled):
            for result in results:
                tally.take(result, writes)
            done += len(results)
    except PoolUnavailable as exc:
        tally.summary.notes.append(tr("worker processes unavailable ({0}); imported in one process").format(
            exc))
        return exc.resume_at
    if done < len(entries):  # stopped early: cancelled
        tally.summary.cancelled = True
    return done


def _built(importer: Any, entries: list[Any]) -> Iterator[ImportItem | ImportFailure]:
    build = None
    for entry in entries:
        if isinstance(entry, ImportFailure):
            yield entry
            continue
        build = build or importer.builder()
        yield build(entry)
