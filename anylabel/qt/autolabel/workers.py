"""Background threads for the auto-labeling panel: load a model, predict one image, run a
folder range. The window never waits on them; results come back as Qt signals (queued to
the GUI thread). Errors are turned into messages that name the model, the file and what
to do."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from qtpy.QtCore import QThread, Signal

from ...core.errors import AnyLabelError
from ...core.image_io import read_image_rgb
from ...core.label_file import label_path_for, read_label_file
from ...inference.apply import predict_with_existing, write_prediction
from ...inference.image_loading import read_for_model, rescale
from ...inference.config import ModelConfig
from ...inference.runtime import ModelLoadError


def describe_error(exc: BaseException, model: str, path: Path | None = None) -> str:
    """One message for the user: what failed, where, and what to do."""
    where = f" on {path}" if path else ""
    if isinstance(exc, ModelLoadError):
        return f"Model {model} could not be loaded: {exc}"
    if isinstance(exc, AnyLabelError):
        return f"Model {model}{where}: {exc}"
    if isinstance(exc, (ValueError, OSError)):
        return f"Model {model}{where}: {exc}. Check the file, or skip it."
    return (f"Model {model} failed{where}: {type(exc).__name__}: {exc}. If this persists, reload the model "
            f"or report it with the model's YAML.")


class ModelLoader(QThread):
    """Creates a model (download included) off the GUI thread."""

    loaded = Signal(object)
    failed = Signal(str)
    download_progress = Signal(int, int, str)  # done, total (0 = unknown), file name

    def __init__(self, config: ModelConfig, device: str, parent=None) -> None:
        super().__init__(parent)
        self.config = config
        self.device = device

    def run(self) -> None:
        from ...inference.registry import create_model

        try:
            model = create_model(self.config, device=self.device,
                                 progress=lambda d, t, n: self.download_progress.emit(d, t or 0, n))
        except Exception as exc:  # noqa: BLE001  # shown to the user, the app stays up
            self.failed.emit(describe_error(exc, self.config.title))
            return
        self.loaded.emit(model)


class PredictOne(QThread):
    """Predicts on one image file (read at full resolution, not the displayed level)."""

    done = Signal(str, object)   # image path, Prediction
    failed = Signal(str)

    def __init__(self, model, image_path: Path, existing: list | None = None, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.image_path = Path(image_path)
        self.existing = existing or []

    def run(self) -> None:
        try:
            image = read_image_rgb(self.image_path)
            if getattr(self.model.capabilities, "uses_annotation", False) and hasattr(self.model, "predict_with_annotation"):
                pred = self.model.predict_with_annotation(image, self.existing)
            else:
                pred = self.model.predict_result(image)
        except Exception as exc:  # noqa: BLE001
            self.failed.emit(describe_error(exc, self.model.config.title, self.image_path))
            return
        self.done.emit(str(self.image_path), pred)


@dataclass
class BatchSummary:
    total: int = 0
    processed: int = 0
    written: int = 0
    unchanged: int = 0
    shapes: int = 0
    failed: list[str] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0

    def text(self) -> str:
        head = "Cancelled" if self.cancelled else "Done"
        msg = (f"{head}: {self.processed}/{self.total} images in {self.seconds:.1f} s, "
               f"{self.written} label files written, {self.unchanged} unchanged, {self.shapes} shapes, "
               f"{len(self.failed)} failed.")
        if self.failed:
            msg += "\n" + "\n".join(self.failed[:10]) + ("\n..." if len(self.failed) > 10 else "")
        return msg


class BatchRun(QThread):
    """Runs the model over image files with the overlapping pipeline; label files are saved
    atomically and only when they change; existing shapes are kept unless ``replace``."""

    progress = Signal(int, int, float)  # done, total, ETA seconds
    finished_run = Signal(object)        # BatchSummary
    file_written = Signal(str)           # image path whose label file was just written

    def __init__(self, model, paths: list[Path], replace: bool, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.paths = list(paths)
        self.replace = replace
        self.cancel_event = threading.Event()
        self.summary = BatchSummary(total=len(self.paths))

    def cancel(self) -> None:
        self.cancel_event.set()

    def run(self) -> None:
        from ...inference.pipeline import run_pipeline

        s = self.summary
        t0 = time.monotonic()

        uses_annotation = getattr(self.model.capabilities, "uses_annotation", False) and hasattr(
            self.model, "predict_with_annotation")

        def load(path: Path):  # type: ignore[no-untyped-def]
            if uses_annotation:
                image, scale = read_image_rgb(path), (1.0, 1.0)
                size = (image.shape[1], image.shape[0])
            else:
                image, scale, size = read_for_model(path, self.model)  # big JPEGs decode at a reduced size
            lp = label_path_for(path)
            return image, ((read_label_file(lp) if lp.exists() else None), scale, size)

        def consume(path: Path, pred, context, error) -> None:  # type: ignore[no-untyped-def]
            ann = context[0] if context else None
            if error is None:
                try:
                    pred = rescale(pred, context[1])
                    if write_prediction(path, pred, ann, context[2], self.replace):
                        s.written += 1
                        self.file_written.emit(str(path))
                    else:
                        s.unchanged += 1
                    s.shapes += len(pred.shapes)
                except (AnyLabelError, OSError, ValueError) as exc:
                    error = exc
            if error is not None:
                s.failed.append(describe_error(error, self.model.config.title, path))
            s.processed += 1
            elapsed = time.monotonic() - t0
            eta = elapsed / s.processed * (s.total - s.processed)
            self.progress.emit(s.processed, s.total, eta)

        predictor = predict_with_existing if uses_annotation else None
        try:
            run_pipeline(self.model, self.paths, load, consume, predictor=predictor, cancel=self.cancel_event)
        except Exception as exc:  # noqa: BLE001  # e.g. the disk is full: stop and say so
            s.failed.append(describe_error(exc, self.model.config.title))
        s.cancelled = self.cancel_event.is_set() and s.processed < s.total
        s.seconds = time.monotonic() - t0
        self.finished_run.emit(s)
