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

import yaml

from ..core.bulk import AtomicBatch, with_paused_gc
from ..core.errors import LabelFileError
from ..core.label_file import label_path_for, new_annotation_for, read_label_file, write_label_file
from ..core.safe_yaml import load_yaml_file
from .base import CancelFn, ExportOptions, FormatError, ImportContext, ImportFailure, ProgressFn, Summary
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
            raise ClassFileProblem(path, f"cannot be read ({exc})") from None
        if data is None:
            return None
        if not isinstance(data, dict):
            raise ClassFileProblem(path, "is not a mapping (expected 'names:' and the split folders)")
        names = data.get("names")
        if names is None:
            return None
        if isinstance(names, dict):
            try:
                return [str(names[k]) for k in sorted(names, key=int)], path
            except (TypeError, ValueError):
                raise ClassFileProblem(path, "'names' must map class indices (0, 1, ...) to names") from None
        if isinstance(names, list):
            return [str(n) for n in names], path
        raise ClassFileProblem(path, f"'names' must be a list or a map of names, not {type(names).__name__}")
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
        raise ValueError(f"on_exists must be one of {ON_EXISTS}")
    spec = get_format(fmt)
    options = options or ExportOptions()
    progress = progress or no_progress
    cancelled = cancelled or never_cancelled
    summary = Summary("import", spec.name)
    src, images = Path(source), Path(images_dir)
    if spec.importer is None:
        summary.fail(src, f"importing {spec.name} is not supported")
        return summary
    if not images.is_dir():
        summary.fail(images, "not a folder of images")
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
                summary.notes.append(f"class names read from {src / CLASSES_FILE}")
        elif src.is_dir() and spec.needs_class_names:
            found = _names_from_data_yaml(src)
            if found:
                classes, where = found
                summary.notes.append(f"class names read from {where}")
        ctx = ImportContext(src, images, classes, options)
        importer = spec.importer(ctx)
    except ClassFileProblem as exc:  # names its own file (classes.txt, data.yaml)
        summary.fail(exc.path, exc.problem)
        return summary
    except FormatError as exc:  # the source is named once, also when the message starts with it
        summary.fail(src, ClassFileProblem.from_error(src, exc).problem)
        return summary
    if spec.uses_classes and classes is None and spec.needs_class_names:
        summary.notes.append("no class file: labels are the class indices")
    total = importer.count()
    done = present = unchanged = 0

    def record(outcome: tuple[tuple[Path, int], BaseException | None]) -> None:
        (image_path, n_added), error = outcome
        if error is None:
            summary.files_written += 1
            summary.shapes_written += n_added
        elif isinstance(error, LabelFileError):
            summary.fail(error.path, error.problem)
        elif isinstance(error, OSError) and error.filename:  # the commit of a batch (fsync, rename)
            summary.fail(error.filename, f"cannot be written ({error.strerror or error})")
        else:  # e.g. an unwritable folder; name the image and go on
            summary.fail(image_path, f"cannot be imported ({error})")

    # Label files are saved in batches: all written, then fsynced together, then renamed
    # into place (docs/adr/0014-import-durability.md); outcomes come back in order.
    with AtomicBatch() as writes:
        for entry in importer.items():
            if cancelled():
                summary.cancelled = True
                break
            done += 1
            progress("import", min(done, total), total)
            if isinstance(entry, ImportFailure):
                summary.fail(entry.path, entry.problem)
                continue
            summary.images += 1
            label_path = label_path_for(entry.image_path)
            for outcome in writes.settle(label_path):  # a second entry for the same image sees the first's file
                record(outcome)
            try:
                exists = label_path.exists()
                if exists and on_exists == "refuse":
                    summary.fail(
                        label_path, "a label file already exists; not overwritten (choose merge or overwrite)"
                    )
                    continue
                added = entry.shapes
                if exists and on_exists == "merge":
                    ann = read_label_file(label_path)
                    added = shapes_to_add(ann.shapes, entry.shapes)
                    present += len(entry.shapes) - len(added)
                    if not added:  # nothing new: the file keeps its bytes (no version bump, no new keys)
                        unchanged += 1
                        continue
                    ann.shapes.extend(added)
                else:
                    ann = new_annotation_for(entry.image_path, entry.shapes, entry.size)
                if entry.size and not (ann.image_width and ann.image_height):
                    ann.image_width, ann.image_height = entry.size
            except LabelFileError as exc:
                summary.fail(exc.path, exc.problem)
                continue
            except Exception as exc:  # noqa: BLE001  # e.g. an unreadable image header; name it and go on
                summary.fail(entry.image_path, f"cannot be imported ({exc})")
                continue
            tag = (entry.image_path, len(added))
            for outcome in writes.submit(tag, label_path, functools.partial(write_label_file, label_path, ann)):
                record(outcome)
        for outcome in writes.finish():
            record(outcome)
    summary.notes.extend(getattr(importer, "notes", []))  # e.g. COCO images matched by stem
    if present:
        summary.notes.append(f"{present} shape(s) already in the label files were not added again")
    if unchanged:
        summary.notes.append(f"{unchanged} label file(s) had nothing new and were left as they were")
    return summary
