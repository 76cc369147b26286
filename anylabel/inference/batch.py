"""The batch engine: one model over many images, writing each image's label file.

``anylabel predict`` and the panel's "run all images" both run a ``BatchJob``; what differs
is only where the model runs (an *engine*: ``engines.local`` overlaps decoding, inference
and writing on this machine, ``engines.ray_engine`` spreads the images over a Ray cluster).
The job owns everything else, so both front ends and both engines behave alike:

- which images run, in which order, and which are skipped (``skip_done``: the label file's
  record says this model with these settings already labelled this very image file);
- how a prediction is merged and written: atomically, only when something changed, manual
  shapes kept unless ``replace``, this model's earlier unedited predictions dropped with
  ``replace_own``, and a record of the model, its settings and the image (``core.provenance``);
- per-file failures (named in the summary; the run goes on), progress, cancel, the summary.

Callbacks are called from the engine's threads, one at a time (a lock serialises them):
``on_progress(done, total, eta_seconds)`` and ``on_file_written(image_path)``, the latter
right after an image's label file was replaced on disk (the GUI refreshes its file list).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Protocol

import numpy as np

from ..core.errors import AnyLabelError
from ..core.i18n import tr
from ..core.image_io import read_image_rgb
from ..core.label_file import ImageAnnotation, label_path_for, read_label_file
from ..core.provenance import PredictionSource, is_done
from .apply import write_prediction
from .base import Model, Prediction
from .cancel import PredictionCancelled
from .image_loading import IDENTITY, ToFullImage, read_for_model, rescale

ProgressFn = Callable[[int, int, float], None]
WrittenFn = Callable[[Path], None]
DescribeFn = Callable[[BaseException, Path], str]


def config_digest(model: Model) -> str:
    """A hash of everything in the model's config that changes its predictions (thresholds,
    classes, NMS, the model files as named...); the YAML's own location does not count."""
    ignored = ("source", "display_name", "description", "provider")
    values = {k: v for k, v in dataclasses.asdict(model.config).items() if k not in ignored}
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha1(f"{type(model).__name__}\n{text}".encode("utf-8")).hexdigest()[:16]


def uses_annotation(model: Model) -> bool:
    """The model takes the image's existing shapes as prompts (SAM from boxes): one definition
    for the CLI, the panel and every engine."""
    takes_prompts = bool(getattr(model.capabilities, "uses_annotation", False))
    return takes_prompts and hasattr(model, "predict_with_annotation")


def load_image(path: Path, model: Model,
               full_resolution: bool) -> tuple[np.ndarray, ToFullImage, tuple[int, int]]:
    """(RGB image, its map to full-image pixels, full (width, height)) as the job's model needs it;
    every engine decodes with this, so they all see the same pixels. Big JPEGs decode at a
    reduced size; images beyond the decode bound reach the model as a streamed copy or, for a
    sliced model, as windows read from their pyramid (``image_loading``)."""
    if full_resolution:
        image = read_image_rgb(path)
        return image, IDENTITY, (image.shape[1], image.shape[0])
    return read_for_model(path, model)


def predict_file(model: Model, path: Path, existing: list | None = None) -> Prediction:
    """One image file as a job's engine runs it: loaded by ``load_image``, shapes in full-image
    pixels. The panel's "run this image" calls this, so it gets what ``anylabel predict`` gets."""
    prompted = uses_annotation(model)
    image, scale, _ = load_image(Path(path), model, full_resolution=prompted)
    pred = model.predict_with_annotation(image, list(existing or [])) if prompted else model.predict_result(image)
    return rescale(pred, scale)


@dataclass
class BatchOptions:
    replace: bool = False        # drop every existing shape (manual ones too) for the prediction
    replace_own: bool = False    # drop only this model's earlier predictions that nobody edited
    skip_done: bool = False      # skip images whose label file records this model+settings+image
    prompt_from_boxes: bool = False  # the image's rectangles are the prompts (models that take them)
    tracker: Any = None          # links detections across images (in input order); local engine only


@dataclass
class BatchSummary:
    total: int = 0
    processed: int = 0       # images that ran through the model (failed ones included)
    skipped: int = 0         # already done (``skip_done``)
    written: int = 0
    unchanged: int = 0
    shapes: int = 0
    failed: list[str] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0

    @property
    def done(self) -> int:
        return self.processed + self.skipped

    def line(self) -> str:
        """One line for a terminal: counts and the rate of the images that ran."""
        rate = self.processed / max(self.seconds, 1e-9)
        counts = (self.processed, self.seconds, rate, self.written, self.unchanged, self.shapes,
                  len(self.failed))
        line = (tr("cancelled after {0} images in {1:.1f} s ({2:.1f}/s): {3} label "
                   "files written, {4} unchanged, {5} shapes predicted, {6} failed") if self.cancelled else
                tr("{0} images in {1:.1f} s ({2:.1f}/s): {3} label files "
                   "written, {4} unchanged, {5} shapes predicted, {6} failed")).format(*counts)
        return line + (tr(", {0} skipped (already done)").format(self.skipped) if self.skipped else "")

    def text(self) -> str:
        """A few lines for the panel."""
        head = "Cancelled" if self.cancelled else "Done"
        skipped = f", {self.skipped} already done" if self.skipped else ""
        msg = (f"{head}: {self.done}/{self.total} images in {self.seconds:.1f} s, "
               f"{self.written} label files written, {self.unchanged} unchanged, {self.shapes} shapes, "
               f"{len(self.failed)} failed{skipped}.")
        if self.failed:
            msg += "\n" + "\n".join(self.failed[:10]) + ("\n..." if len(self.failed) > 10 else "")
        return msg


@dataclass
class Task:
    """One image of the job, with what was read about it before the model ran."""

    index: int
    path: Path
    source: PredictionSource | None = None
    ann: ImageAnnotation | None = None
    ann_read: bool = False
    error: BaseException | None = None


@dataclass
class Context:
    """What finishing an image needs besides the prediction."""

    ann: ImageAnnotation | None
    scale: ToFullImage = IDENTITY  # to full-image pixels
    size: tuple[int, int] | None = None
    frame: np.ndarray | None = None  # the decoded image, for trackers


class Engine(Protocol):
    """Runs the model of ``job`` over ``job.tasks()`` and hands each result to ``job.finish``."""

    def run(self, job: "BatchJob") -> None: ...


class BatchJob:
    def __init__(self, model: Model, paths: list[Path], options: BatchOptions | None = None, *,
                 on_progress: ProgressFn | None = None, on_file_written: WrittenFn | None = None,
                 describe: DescribeFn | None = None) -> None:
        self.model = model
        self.paths = [Path(p) for p in paths]
        self.options = options or BatchOptions()
        self.on_progress = on_progress
        self.on_file_written = on_file_written
        self.describe = describe or (lambda exc, path: f"{path}: {exc}")
        self.cancel_event = threading.Event()
        self.summary = BatchSummary(total=len(self.paths))
        self.config_hash = config_digest(model)
        self.prompted = self.options.prompt_from_boxes or uses_annotation(model)
        if self.prompted and not hasattr(model, "predict_with_annotation"):
            raise AnyLabelError(tr("model {0} ({1}) does not take box prompts").format(
                model.config.name, model.config.type))
        # Trackers and prompts work on full-image pixels; otherwise big JPEGs decode reduced.
        self.full_resolution = self.prompted or self.options.tracker is not None
        self._t0 = 0.0
        self._report_lock = threading.Lock()

    # ------------------------------------------------------------------ used by the front ends
    def cancel(self) -> None:
        self.cancel_event.set()

    def run(self, engine: Engine | None = None) -> BatchSummary:
        """Run the job (on this thread) and return its summary. A failure that stops the whole
        run (e.g. the disk is full) is raised after the summary is complete."""
        if engine is None:
            from .engines.local import LocalEngine

            engine = LocalEngine()
        s = self.summary
        self._t0 = time.monotonic()
        try:
            engine.run(self)
        finally:
            s.cancelled = self.cancel_event.is_set() and s.done < s.total
            s.seconds = time.monotonic() - self._t0
        return s

    # ------------------------------------------------------------------ used by the engines
    def tasks(self) -> Iterator[Task]:
        """The images still to run, in input order (skipped ones are counted and left out)."""
        for i, path in enumerate(self.paths):
            if self.cancel_event.is_set():
                return
            task = Task(i, path)
            try:
                task.source = PredictionSource.for_image(self.model.config.name, self.config_hash, path)
                if self.options.skip_done:
                    task.ann, task.ann_read = self.read_annotation(path), True
                    if is_done(task.ann, task.source):
                        self.summary.skipped += 1
                        self._report_progress()
                        continue
            except (AnyLabelError, OSError, ValueError) as exc:
                task.error = exc  # reported when the task finishes, in order with the others
            yield task

    @staticmethod
    def read_annotation(path: Path) -> ImageAnnotation | None:
        lp = label_path_for(path)
        return read_label_file(lp) if lp.exists() else None

    def annotation(self, task: Task) -> ImageAnnotation | None:
        if task.error is not None:
            raise task.error
        if not task.ann_read:
            task.ann, task.ann_read = self.read_annotation(task.path), True
        return task.ann

    def load(self, task: Task) -> tuple[np.ndarray, Context]:
        """The local engine's loader: decode the image, read the label file."""
        ann = self.annotation(task)
        image, scale, size = load_image(task.path, self.model, self.full_resolution)
        frame = image if self.options.tracker is not None else None
        return image, Context(ann, scale, size, frame)

    def finish(self, task: Task, pred: Prediction | None, context: Context | None,
               error: BaseException | None) -> None:
        """Merge and write one image's prediction (or record its failure); count; report."""
        if isinstance(error, PredictionCancelled):
            return  # stopped between its tiles: neither labelled nor failed; the summary says cancelled
        s = self.summary
        s.processed += 1
        if error is None and pred is not None and context is not None:
            try:
                pred = rescale(pred, context.scale)
                tracker = self.options.tracker
                if tracker is not None:
                    pred.shapes = tracker.update(pred.shapes, context.frame)
                if write_prediction(task.path, pred, context.ann, context.size, self.options.replace,
                                    keep_group_ids=tracker is not None, source=task.source,
                                    replace_own=self.options.replace_own):
                    s.written += 1
                    if self.on_file_written is not None:
                        with self._report_lock:
                            self.on_file_written(task.path)
                else:
                    s.unchanged += 1
                s.shapes += len(pred.shapes)
            except (AnyLabelError, OSError, ValueError) as exc:
                error = exc
        elif error is None:
            error = RuntimeError(tr("no prediction"))
        if error is not None:
            s.failed.append(self.describe(error, task.path))
        self._report_progress()

    def _report_progress(self) -> None:
        if self.on_progress is None:
            return
        s = self.summary
        elapsed = time.monotonic() - self._t0
        with self._report_lock:
            eta = elapsed / s.processed * (s.total - s.done) if s.processed else 0.0
            self.on_progress(s.done, s.total, eta)
