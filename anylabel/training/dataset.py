"""A label folder as an Ultralytics dataset, with a train/val split.

Detection, segmentation, OBB and pose use the dataset exporters (the driver behind
``anylabel export --format yolo* --split``), so training sees exactly what an export
writes. Classification has no exporter: its labels are image flags (what a ``yolov8_cls``
model writes back), and an image with exactly one flag set is copied into
``<split>/<flag>/``, the folder layout Ultralytics' classifier reads.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..core.label_file import read_label_file
from ..core.errors import LabelFileError
from ..core.i18n import tr, tr_noop
from ..formats.base import ExportOptions
from ..formats.driver import assign_subsets, export_dataset, list_rows
from .errors import TrainingError

TASKS: tuple[str, ...] = ("detect", "segment", "obb", "pose", "classify")
EXPORT_FORMAT = {"detect": "yolo", "segment": "yolo-seg", "obb": "yolo-obb", "pose": "yolo-pose"}
#: What each task learns from, for the "no labels" message.
LEARNS_FROM = {
    "detect": tr_noop("rectangles, polygons, rotated boxes or circles"),
    "segment": tr_noop("polygons, rectangles, rotated boxes or circles"),
    "obb": tr_noop("rotated boxes, rectangles or 4-point polygons"),
    "pose": tr_noop("boxes with keypoints (point shapes) linked to them by group id"),
    "classify": tr_noop("image flags (exactly one flag set per image)"),
}

NO_HOLD_OUT = tr_noop("too few images to hold some out: validation uses the training images")

ProgressFn = Callable[[str, int, int], None]


def nothing_to_learn(src: Path, task: str) -> str:
    return tr("{0}: no labels a {1} model can learn from (it needs {2})").format(
        src, task, tr(LEARNS_FROM[task]))


@dataclass
class PreparedDataset:
    """What the runner trains on and what the model config needs to know."""

    task: str
    data: Path  # data.yaml (detect/segment/obb/pose) or the dataset folder (classify)
    classes: list[str]
    train_images: int
    val_images: int
    instances: int  # shapes (or flagged images) written
    keypoints: list[str] = field(default_factory=list)  # pose: the keypoint names, in order
    notes: list[str] = field(default_factory=list)


def prepare_dataset(task: str, images_dir: str | os.PathLike[str], out_dir: str | os.PathLike[str],
                    val: float = 0.2, seed: int = 0, progress: ProgressFn | None = None,
                    cancelled: Callable[[], bool] | None = None) -> PreparedDataset:
    """Export ``images_dir`` for ``task`` into ``out_dir``; TrainingError when there is nothing to learn."""
    if task not in TASKS:
        raise TrainingError(tr("unknown task {0!r} (one of {1})").format(task, ", ".join(TASKS)))
    if not 0.0 <= val < 1.0:
        raise TrainingError(tr("--val {0}: the validation share must be at least 0 and below 1").format(val))
    src, out = Path(images_dir), Path(out_dir)
    if not src.is_dir():
        raise TrainingError(tr("{0}: not a folder of images").format(src))
    rows = list_rows(src, ExportOptions())
    if not rows:
        raise TrainingError(tr("{0}: the folder has no images").format(src))
    if not any(label for _, label in rows):
        raise TrainingError(tr("{0}: none of its {1} images has a label file; label some first").format(
            src, len(rows)))
    _clear_previous_export(out)
    if task == "classify":
        return _prepare_classify(src, out, rows, val, seed)
    return _prepare_exported(task, src, out, val, seed, progress, cancelled)


def _clear_previous_export(out: Path) -> None:
    """A second run into the same run folder must not train on images since removed from the
    source: the split folders an earlier export made are removed (only those: out is the run's
    own ``dataset`` folder, and nothing else in it is touched)."""
    for sub in ("images", "labels", "train", "val", "test"):
        if (out / sub).is_dir() and not (out / sub).is_symlink():
            shutil.rmtree(out / sub)


def _prepare_exported(task: str, src: Path, out: Path, val: float, seed: int, progress: ProgressFn | None,
                      cancelled: Callable[[], bool] | None) -> PreparedDataset:
    options = ExportOptions(split=(1.0 - val, val, 0.0), seed=seed, workers=1)
    keypoints: list[str] = []
    if task == "pose":
        options.pose_config = keypoint_names(src)
        if not options.pose_config:
            raise TrainingError(nothing_to_learn(src, "pose"))
        keypoints = max(options.pose_config.values(), key=len)
    summary = export_dataset(EXPORT_FORMAT[task], src, out, None, options, progress=progress, cancelled=cancelled)
    if summary.cancelled:
        from .errors import TrainingCancelled

        raise TrainingCancelled(tr("cancelled while the dataset was exported"))
    if summary.failures and summary.shapes_written == 0:
        raise TrainingError(tr("the dataset could not be exported: {0}").format("; ".join(
            f"{f}: {p}" for f, p in summary.failures[:5])))
    if summary.shapes_written == 0:
        raise TrainingError(nothing_to_learn(src, task))
    classes = _read_classes(out / "classes.txt")
    train_n = _count_images(out / "images" / "train")
    val_n = _count_images(out / "images" / "val")
    notes = [ln.strip() for ln in summary.lines()[1:]]
    if val_n == 0:
        notes.append(tr(NO_HOLD_OUT))
    return PreparedDataset(task, out / "data.yaml", classes, train_n, val_n, summary.shapes_written,
                           keypoints, notes)


def keypoint_names(src: Path) -> dict[str, list[str]]:
    """Keypoint names per box label, in the order they first appear in the folder's files.

    Ultralytics needs one keypoint order; label files hold keypoints as point shapes linked
    to their box by group id, so the order is the one the annotator used first."""
    names: dict[str, list[str]] = {}
    for _, label in list_rows(src, ExportOptions()):
        if not label:
            continue
        try:
            ann = read_label_file(label)
        except LabelFileError:
            continue  # named by the export, which reads every file again
        boxes = {s.group_id: s.label for s in ann.shapes
                 if s.group_id is not None and s.shape_type in ("rectangle", "rotation", "polygon")}
        for s in ann.shapes:
            if s.shape_type == "point" and s.group_id in boxes:
                order = names.setdefault(boxes[s.group_id], [])
                if s.label not in order:
                    order.append(s.label)
    return names


def _prepare_classify(src: Path, out: Path, rows: list, val: float, seed: int) -> PreparedDataset:
    chosen: list[tuple[Path, str]] = []
    notes: list[str] = []
    unflagged = several = 0
    for image, label in rows:
        if not label:
            continue
        try:
            flags = [k for k, v in read_label_file(label).flags.items() if v]
        except LabelFileError as exc:
            notes.append(tr("left out: {0}").format(exc))
            continue
        if len(flags) == 1:
            chosen.append((Path(image), flags[0]))
        elif flags:
            several += 1
        else:
            unflagged += 1
    if several:
        notes.append(tr("left out {0} image(s) with more than one "
                        "flag set (a classifier learns one class)").format(
            several))
    if unflagged:
        notes.append(tr("left out {0} labelled image(s) without a flag set").format(unflagged))
    if not chosen:
        raise TrainingError(nothing_to_learn(src, "classify"))
    classes = sorted({c for _, c in chosen})  # Ultralytics numbers class folders in sorted order
    if len(classes) < 2:
        raise TrainingError(tr("{0}: a classifier needs at least two "
                               "classes; every flagged image is {1!r}").format(
            src, classes[0]))
    subsets = assign_subsets([p.name for p, _ in chosen], (1.0 - val, val, 0.0), seed)
    counts = {"train": 0, "val": 0}
    for i, (image, cls) in enumerate(chosen):
        subset = subsets.get(image.name, "train")
        _copy(image, out / subset / cls / f"{i:06d}_{image.name}")
        counts[subset] = counts.get(subset, 0) + 1
    if counts["val"] == 0:  # Ultralytics' classifier needs a val folder
        for i, (image, cls) in enumerate(chosen):
            _copy(image, out / "val" / cls / f"{i:06d}_{image.name}")
        notes.append(tr(NO_HOLD_OUT))
    return PreparedDataset("classify", out, classes, counts["train"], counts["val"], len(chosen), [], notes)


def _copy(image: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    if not dest.exists():
        shutil.copyfile(image, dest)


def _read_classes(path: Path) -> list[str]:
    try:
        return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    except OSError as exc:
        raise TrainingError(tr("{0}: the exported class list cannot be read ({1})").format(
            path, exc)) from None


def _count_images(folder: Path) -> int:
    return sum(1 for p in folder.iterdir() if p.is_file()) if folder.is_dir() else 0


def check_writable(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TrainingError(tr("{0}: cannot be created ({1})").format(path, exc.strerror or exc)) from None
    if not path.is_dir():
        raise TrainingError(tr("{0}: not a folder").format(path))


__all__ = ["TASKS", "EXPORT_FORMAT", "PreparedDataset", "prepare_dataset", "keypoint_names", "check_writable"]
