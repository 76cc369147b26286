"""The one export driver behind ``anylabel export`` and the GUI's menu: folder walking,
class files, the train/val/test split, progress, error collection and the summary; its
import counterpart is ``import_driver``. Formats only convert; everything that touches
many files is here.

Errors never stop a run: a corrupt label file, a missing image or an unwritable output
is recorded with its path and the run carries on with the next image.
"""

from __future__ import annotations

import dataclasses
import os
import random
import shutil
from pathlib import Path
from typing import Any

import yaml

from ..core.atomic import atomic_write_text
from ..core.bulk import with_paused_gc
from ..core.class_list import ClassListError, class_name_problem, read_class_list, strict_class_list_text
from ..core.errors import LabelFileError
from ..core.folder_index import natural_key, scan_folder
from ..core.geometry import is_area_shape
from ..core.i18n import tr
from ..core.image_io import image_size
from ..core.label_file import LABEL_SUFFIX, ImageAnnotation, read_label_file
from ..core.safe_yaml import load_yaml_file
from .base import (
    CancelFn,
    ExportContext,
    ExportItem,
    ExportOptions,
    FormatError,
    ProgressFn,
    Summary,
)
from .pose_keypoints import describe_derived, keypoint_names_by_class
from .output import path_for
from .registry import get_format

CLASSES_FILE = "classes.txt"


def no_progress(stage: str, done: int, total: int) -> None:
    pass


def never_cancelled() -> bool:
    return False


# ----------------------------------------------------------------------------- classes


def load_classes(path: str | os.PathLike[str]) -> list[str]:
    """One label per line; the class index is the line number from 0. Trailing blank lines
    are ignored; a blank line inside or a repeated label is an error (it would shift indices).
    The reading rules are ``core.class_list.read_class_list(strict=True)``'s; an empty file
    is refused here because a dataset needs at least one class to mean anything."""
    try:
        names = read_class_list(path, strict=True)
    except ClassListError as exc:
        raise FormatError(str(exc)) from None
    if not names:
        raise FormatError(tr("{0}: the class file is empty").format(os.fspath(path)))
    return names


def load_pose_config(path: str | os.PathLike[str]) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """A small YAML naming the keypoints of each class, in order::

        classes:
          person: [nose, left_eye, right_eye]
        skeleton:            # optional, COCO 1-based index pairs per class
          person: [[1, 2], [1, 3]]
        flip_idx: [0, 2, 1]  # optional, copied to Ultralytics' data.yaml

    A plain ``{class: [names]}`` mapping is accepted too. Returns (keypoints, extras)."""
    p = Path(path)
    try:
        data = load_yaml_file(p)
    except FileNotFoundError:
        raise FormatError(tr("{0}: pose config not found").format(p)) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise FormatError(tr("{0}: pose config cannot be read ({1})").format(p, exc)) from None
    if not isinstance(data, dict):
        raise FormatError(tr("{0}: the pose config must be a mapping of class -> keypoint names").format(p))
    classes = data.get("classes", data)
    extras = {k: data[k] for k in ("skeleton", "flip_idx") if k in data and "classes" in data}
    if not isinstance(classes, dict) or not classes:
        raise FormatError(tr("{0}: 'classes' must map each class to its list of keypoint names").format(p))
    out: dict[str, list[str]] = {}
    for name, kps in classes.items():
        if not isinstance(kps, list) or not all(isinstance(k, (str, int)) for k in kps):
            raise FormatError(tr("{0}: the keypoints of {1!r} must be a list of names").format(p, name))
        out[str(name)] = [str(k) for k in kps]
    return out, extras


def collect_classes(annotations: list[ImageAnnotation]) -> list[str]:
    """Labels of area shapes in natural order (points and lines are never classes)."""
    return class_names(area_labels(s for a in annotations for s in a.shapes))


def area_labels(shapes: Any) -> set[str]:
    return {s.label for s in shapes if is_area_shape(s)}


def class_names(labels: set[str]) -> list[str]:
    """The class list made from the labels in use: natural order, so "cls2" < "cls10"."""
    return sorted(labels, key=natural_key)


# ----------------------------------------------------------------------------- split


def parse_split(text: str) -> tuple[float, float, float]:
    """``"0.8,0.2"`` or ``"0.7,0.2,0.1"`` (or percentages) -> (train, val, test) fractions."""
    try:
        parts = [float(v) for v in text.replace(" ", "").split(",") if v]
    except ValueError:
        raise FormatError(tr("--split {0!r}: expected numbers like 0.8,0.2 or 0.7,0.2,0.1").format(
            text)) from None
    if not 2 <= len(parts) <= 3 or any(v < 0 for v in parts) or sum(parts) <= 0:
        raise FormatError(tr("--split {0!r}: expected 2 or 3 non-negative numbers like 0.8,0.2").format(text))
    parts += [0.0] * (3 - len(parts))
    total = sum(parts)
    return parts[0] / total, parts[1] / total, parts[2] / total


def assign_subsets(names: list[str], split: tuple[float, float, float], seed: int) -> dict[str, str]:
    """Deterministic: the same names, fractions and seed always give the same split.
    Val gets at least one image when asked for and there are two or more images."""
    order = sorted(names, key=natural_key)
    random.Random(seed).shuffle(order)
    n = len(order)
    n_val = round(n * split[1])
    n_test = round(n * split[2])
    if split[1] > 0 and n_val == 0 and n >= 2:
        n_val = 1
    if split[2] > 0 and n_test == 0 and n >= 3:
        n_test = 1
    n_train = max(n - n_val - n_test, 0)
    out = {}
    for i, name in enumerate(order):
        out[name] = "train" if i < n_train else ("val" if i < n_train + n_val else "test")
    return out


def write_data_yaml(
    out_dir: Path, classes: list[str], subsets: set[str], task: str, options: ExportOptions
) -> Path:
    """The Ultralytics dataset file: ``path``, split folders, ``names`` (+ ``kpt_shape``)."""
    data: dict[str, Any] = {"path": str(out_dir.resolve())}
    for subset in ("train", "val", "test"):
        if subset in subsets:
            data[subset] = f"images/{subset}"
    if "val" not in data and "train" in data:
        data["val"] = "images/train"  # Ultralytics requires a val entry
    data["names"] = {i: name for i, name in enumerate(classes)}
    if task == "pose":
        from .yolo import keypoint_count

        pose = options.pose_config or {}
        data["kpt_shape"] = [keypoint_count(pose), 3]
        flip = options.extra.get("flip_idx")
        if flip:
            data["flip_idx"] = list(flip)
        # Ultralytics' key (coco-pose.yaml): the keypoint names of each class index
        data["kpt_names"] = {i: list(pose.get(name, [])) for i, name in enumerate(classes)}
    path = out_dir / "data.yaml"
    atomic_write_text(path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


# ----------------------------------------------------------------------------- export

Row = tuple[str, "str | None"]  # (image path, its label file or None)

#: Below this many images worker processes cost more to start than they save.
PARALLEL_MIN_IMAGES = 1000
MIN_IMAGES_PER_WORKER = 250


def list_rows(images_dir: Path, options: ExportOptions, summary: Summary | None = None) -> list[Row]:
    """The images to export, in natural order, with their label files. Label files with
    no image beside them are named in ``summary`` (left out: there are no pixels to export)."""
    index = scan_folder(images_dir)
    if summary is not None:
        for path in label_files_without_image(index):
            summary.leave_out(path, tr("a label file with no image of the same name beside it; not exported"))
    # Plain string joins: a Path per image costs a fifth of a second at 10,000 images.
    folder = "" if str(index.folder) == "." else os.path.join(str(index.folder), "")  # "a.json", not "./a.json"
    rows: list[Row] = []
    for i, name in enumerate(index.names):
        if index.has_label(i):
            rows.append((folder + name, folder + os.path.splitext(name)[0] + LABEL_SUFFIX))
        elif options.include_unlabelled:
            rows.append((folder + name, None))
    return rows


def label_files_without_image(index: Any) -> list[str]:
    """The ``.json`` files of the folder whose stem matches no image, in natural order."""
    stems = {os.path.splitext(n)[0] for n in index.names}
    try:
        names = os.listdir(index.folder)
    except OSError:
        return []
    orphans = [
        n
        for n in names
        if n[:1] != "." and n.lower().endswith(LABEL_SUFFIX) and n[: -len(LABEL_SUFFIX)] not in stems
    ]
    return [os.path.join(str(index.folder), n) for n in sorted(orphans, key=natural_key)]


def class_name_failure(shapes: list[Any]) -> str | None:
    """The problem of the first area shape whose label cannot be a line of classes.txt
    (``core.class_list.class_name_problem``): such a file is refused, not exported."""
    if not any(map(class_name_problem, {s.label for s in shapes})):  # labels repeat: check each once
        return None
    for i, s in enumerate(shapes):
        problem = class_name_problem(s.label)
        if problem and is_area_shape(s):
            return (
                tr("shape {0} ({1!r}): the label {2}, so it cannot be a class name (classes.txt "
                   "holds one name per line); fix the label").format(i, s.label, problem)
            )
    return None


def load_row(row: Row, class_names_checked: bool = True) -> ExportItem | tuple[str, str]:
    """The image with its shapes and size, or (file, problem) when it cannot be exported.
    ``class_names_checked``: refuse labels that cannot be class names (formats with a class file)."""
    image, label = Path(row[0]), row[1]
    bad_name = next((n for n in (image.name, image.parent.name) if not _is_utf8(n)), None)
    if bad_name is not None:
        # Dataset files (json, xml, txt lists) are UTF-8 text: such a name cannot be written
        # into them, so the image is reported instead of crashing the whole export.
        if bad_name == image.name:
            return str(image), tr("the file name is not valid UTF-8; rename it to export this image")
        return str(image), tr("the folder name is not valid UTF-8; rename it to export this image")
    if label is not None:
        try:
            ann = read_label_file(label)
        except LabelFileError as exc:
            return exc.path, exc.problem
        if class_names_checked:
            problem = class_name_failure(ann.shapes)
            if problem:
                return label, problem
    else:
        ann = ImageAnnotation()
    w, h = ann.image_width, ann.image_height
    if not (w and h and w > 0 and h > 0):
        try:
            w, h = image_size(image)
        except Exception as exc:  # noqa: BLE001  # any decoder error means "unreadable image"
            problem = tr("image size unknown: not in the label file and the image cannot be read "
                         "({0})").format(
                exc)
            return str(image), problem
    return ExportItem(image, (int(w), int(h)), ann.shapes, label_path=None if label is None else Path(label))


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
        return True
    except UnicodeEncodeError:  # undecodable bytes of the file system name (surrogate escapes)
        return False


def _check_inside_input(image: Path) -> None:
    real = image.resolve()
    if not real.is_relative_to(image.parent.resolve()):
        raise FormatError(tr("is a link to {0}, outside the input folder; not copied into the "
                             "dataset").format(
            real))


def add_item(exporter: Any, item: ExportItem, out: Path, tally: Summary) -> int:
    """Hand one image to the exporter (and copy it in a split); returns images copied."""
    copied = 0
    try:
        if item.subset:  # a split copies the image: a link out of the input folder is not followed
            _check_inside_input(item.image_path)
        skips = exporter.add(item)
        if item.subset:
            dest = path_for(out, "images", item, item.image_path.suffix)
            dest.parent.mkdir(parents=True, exist_ok=True)
            if dest.resolve() != item.image_path.resolve():
                shutil.copyfile(item.image_path, dest)
                copied = 1
    except FormatError as exc:
        tally.fail(item.image_path, str(exc))
    except OSError as exc:
        tally.fail(
            getattr(exc, "filename", None) or item.image_path, tr("cannot be written ({0})").format(
                exc.strerror or exc)
        )
    else:
        tally.images += 1
        tally.skip(skips, item.label_path or item.image_path)
        tally.shapes_written += len(item.shapes) - len(skips)
    return copied


def _resolve_classes(
    spec: Any, classes_file: Any, options: ExportOptions, summary: Summary, found: Any
) -> list[str] | None:
    """The class list: the file, else the pose config's classes, else ``found()`` (labels in use).

    With a file, labels in use but missing from it are skipped by the exporter (and named
    here), or appended after the file's names when ``options.add_new_classes``."""
    if classes_file:
        try:
            classes = load_classes(classes_file)
        except FormatError as exc:
            summary.fail(classes_file, str(exc))
            return None
        in_use = found()
        missing = [c for c in (in_use or []) if c not in set(classes)]
        if missing and options.add_new_classes:
            summary.notes.append(tr("class(es) appended to the list of {0}: {1}").format(
                classes_file, ', '.join(missing)))
            classes = classes + missing
        elif missing:
            summary.notes.append(
                tr("label(s) not in {0} are skipped: {1} (add them to the file, or use "
                   "--add-new-classes to append them)").format(classes_file, ', '.join(missing))
            )
        return classes
    if spec.needs_pose and options.pose_config:
        try:  # the other sources are checked already: the strict reader, the label files
            strict_class_list_text(options.pose_config, tr("the pose config"))
        except ClassListError as exc:
            summary.fail(options.extra.get("pose_config_path", "pose config"), str(exc))
            return None
        return list(options.pose_config)
    classes = found()
    if classes is not None:
        summary.notes.append(tr("{0} class(es) taken from the label files (no class file given)").format(
            len(classes)))
    return classes


class ClassFileProblem(FormatError):
    """A class file that cannot be used, or would be replaced by a different list."""

    def __init__(self, path: str | os.PathLike[str], problem: str) -> None:
        self.path, self.problem = os.fspath(path), problem
        super().__init__(f"{self.path}: {problem}")

    @classmethod
    def from_error(cls, path: str | os.PathLike[str], exc: Exception) -> "ClassFileProblem":
        text, prefix = str(exc), f"{os.fspath(path)}: "
        return cls(path, text[len(prefix) :] if text.startswith(prefix) else text)


def existing_class_list(path: Path) -> list[str] | None:
    """The names of a class file that exists and is not empty; None otherwise (an empty file
    fixes no index, so writing over it loses nothing). Raises FormatError when unreadable."""
    if not path.is_file():
        return None
    try:
        names = read_class_list(path, strict=True)
    except ClassListError as exc:
        raise ClassFileProblem.from_error(path, exc) from None
    return names or None


def _choose_class_file(
    spec: Any, src: Path, out: Path, classes_file: Any, options: ExportOptions
) -> Path | None:
    """The class file to export with, and a guard for the one already in the output folder.

    Without ``classes_file`` an existing OUT/classes.txt (else IMAGES_DIR/classes.txt) is the
    class list, so re-exporting never renumbers classes behind the user's back. A user's
    OUT/classes.txt is never replaced by a different list: an explicit ``classes_file`` or a
    pose config that disagrees with it is refused (one that only adds names after the
    existing ones keeps every old index and is allowed). Raises ClassFileProblem."""
    out_file, src_file = out / CLASSES_FILE, src / CLASSES_FILE
    existing = existing_class_list(out_file)
    if classes_file or (spec.needs_pose and options.pose_config):
        try:
            planned = load_classes(classes_file) if classes_file else list(options.pose_config or {})
        except FormatError as exc:
            raise ClassFileProblem.from_error(classes_file, exc) from None
        if existing is not None and planned[: len(existing)] != existing:
            given = f"--classes {classes_file}" if classes_file else tr("the pose config's classes")
            raise ClassFileProblem(
                out_file,
                tr("lists other classes than {0}; it is not overwritten (remove it, make them "
                   "agree, or choose another output folder)").format(given),
            )
        return Path(classes_file) if classes_file else None
    if existing is not None:
        if src_file.resolve() != out_file.resolve():
            other = existing_class_list(src_file)
            if other is not None and other != existing:
                raise ClassFileProblem(
                    out_file, tr("{0} lists different classes; pass --classes to choose one").format(src_file)
                )
        return out_file
    if existing_class_list(src_file) is not None:
        return src_file
    return None


def _worker_count(options: ExportOptions, spec: Any, n: int, classes_known: bool) -> int:
    if spec.needs_pose and not options.pose_config:
        return 1  # keypoint names are derived from every file before the first is written
    # Without a class list, formats that cannot learn it at the end (YOLO) read every label
    # file twice in the workers (once for the classes): worth it only for bigger folders.
    needs_scan = not (classes_known or spec.classes_at_end)
    if not spec.parallel or n < PARALLEL_MIN_IMAGES * (3 if needs_scan else 1):
        return 1
    workers = options.workers or (os.cpu_count() or 1)
    return max(1, min(workers, 16, n // MIN_IMAGES_PER_WORKER))


@with_paused_gc
def export_dataset(
    fmt: str,
    images_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    classes_file: str | os.PathLike[str] | None = None,
    options: ExportOptions | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
) -> Summary:
    """Export every image of ``images_dir`` (with its label file) to ``out_dir`` as ``fmt``."""
    spec = get_format(fmt)
    # A copy: the run may fill in what it derives (keypoint names), the caller's stays as given.
    options = dataclasses.replace(options, extra=dict(options.extra)) if options else ExportOptions()
    progress = progress or no_progress
    cancelled = cancelled or never_cancelled
    summary = Summary("export", spec.name)
    src, out = Path(images_dir), Path(out_dir)
    if not src.is_dir():
        summary.fail(src, tr("not a folder of images"))
        return summary
    if options.split and not spec.splittable:
        summary.fail(out, tr("--split is available for {0}, not {1}").format(
            ', '.join(n for n in _splittable()), spec.name))
        return summary

    if spec.uses_classes:
        try:
            auto = not classes_file
            classes_file = _choose_class_file(spec, src, out, classes_file, options)
        except ClassFileProblem as exc:
            summary.fail(exc.path, exc.problem)
            return summary
        if auto and classes_file:
            summary.notes.append(tr("class list read from {0} (index = line number)").format(classes_file))

    rows = list_rows(src, options, summary)
    subsets = (
        assign_subsets([Path(r[0]).name for r in rows], options.split, options.seed) if options.split else {}
    )
    # Appending new classes needs every label first: the list is then known only at the end.
    classes_known = not (classes_file and options.add_new_classes) and bool(
        classes_file or (spec.needs_pose and options.pose_config)
    )
    workers = _worker_count(options, spec, len(rows), classes_known)
    state = None
    done_in_parallel = False
    if workers > 1:
        from .parallel import PoolUnavailable, export_parallel

        mark = (len(summary.notes), len(summary.failures))
        try:
            state = export_parallel(
                spec, rows, subsets, out, classes_file, options, workers, summary, progress, cancelled,
                classes_known,
            )
            done_in_parallel = True
        except PoolUnavailable as exc:
            # e.g. a host program whose main module spawned workers cannot re-import
            del summary.notes[mark[0] :], summary.failures[mark[1] :]
            summary.notes.append(tr("worker processes unavailable ({0}); converted in one process").format(
                exc))
    if not done_in_parallel:
        state = _export_serial(spec, rows, subsets, out, classes_file, options, summary, progress, cancelled)
    if state is None:
        return summary
    exporter, classes, copied = state
    kept = 0  # outputs already on disk as they should be (not rewritten, not counted as written)
    try:
        summary.outputs.extend(exporter.finish())
        summary.notes.extend(getattr(exporter, "notes", []))
        if spec.uses_classes and classes:
            # Never empty (our importer refuses an empty class file, and it fixes no index);
            # rewritten only when it changes, so an unchanged user file keeps its bytes.
            path = out / CLASSES_FILE
            if existing_class_list(path) != classes:
                atomic_write_text(path, strict_class_list_text(classes, path))
            else:
                kept += 1
            summary.outputs.append(path)
        if spec.task and (options.split or options.extra.get("pose_derived")):
            # Derived keypoint names are written down even without a split: the files'
            # keypoint indices mean nothing without them.
            used = set(subsets.values())
            summary.outputs.append(write_data_yaml(out, classes, used, spec.task, options))
    except ClassListError as exc:
        summary.fail(out / CLASSES_FILE, tr("not written: {0}").format(exc))
    except (OSError, FormatError) as exc:
        summary.fail(out, tr("cannot be written ({0})").format(exc))
    summary.files_written = exporter.files_written + len(summary.outputs) - kept + copied
    if summary.skipped:
        summary.notes.append(tr("skipped shapes are not errors: the format cannot hold them (listed above)"))
    return summary


def make_exporter(spec: Any, out: Path, classes: list[str], options: ExportOptions, summary: Summary) -> Any:
    try:
        out.mkdir(parents=True, exist_ok=True)
        return spec.exporter(ExportContext(out, classes, options))
    except (OSError, FormatError) as exc:
        summary.fail(out, str(exc))
        return None


def _export_serial(
    spec: Any,
    rows: list[Row],
    subsets: dict[str, str],
    out: Path,
    classes_file: Any,
    options: ExportOptions,
    summary: Summary,
    progress: ProgressFn,
    cancelled: CancelFn,
) -> tuple[Any, list[str], int] | None:
    """Read every label file (the class list may depend on all of them), then write."""
    items: list[ExportItem] = []
    for i, row in enumerate(rows):
        if cancelled():
            summary.cancelled = True
            return None
        got = load_row(row, spec.uses_classes)
        if isinstance(got, ExportItem):
            got.subset = subsets.get(got.image_path.name, "")
            items.append(got)
        else:
            summary.fail(*got)
        progress("read", i + 1, len(rows))
    classes = _resolve_classes(
        spec,
        classes_file,
        options,
        summary,
        lambda: collect_classes([ImageAnnotation(shapes=it.shapes) for it in items]),
    )
    if classes is None:
        return None
    if spec.needs_pose and not options.pose_config:
        options.pose_config = derived_pose_config(classes, [it.shapes for it in items])
        options.extra["pose_derived"] = True
        summary.notes.append(describe_derived(options.pose_config))
    exporter = make_exporter(spec, out, classes, options, summary)
    if exporter is None:
        return None
    copied = 0
    for i, item in enumerate(items):
        if cancelled():
            summary.cancelled = True
            break
        copied += add_item(exporter, item, out, summary)
        progress("write", i + 1, len(items))
    return exporter, classes, copied


def derived_pose_config(classes: list[str], images: list[list[Any]]) -> dict[str, list[str]]:
    """The pose config made from the labels (``pose_keypoints``): every class of the list,
    in its order, with the keypoint names met with its boxes (none for classes without)."""
    found = keypoint_names_by_class(images)
    return {c: found.get(c, []) for c in classes}


def _splittable() -> list[str]:
    from .registry import FORMATS

    return [n for n, s in FORMATS.items() if s.splittable]
