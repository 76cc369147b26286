"""Background threads for the auto-labeling panel: load a model, predict one image, run a
folder range (a ``BatchJob``, as ``anylabel predict`` runs it). The window never waits on
them; results come back as Qt signals (queued to the GUI thread). Errors are turned into
messages that name the model, the file and what to do."""
from __future__ import annotations

from pathlib import Path

from qtpy.QtCore import QThread, Signal

from ...core.errors import AnyLabelError
# BatchSummary is re-exported: the panel imports it from here.
from ...inference.batch import BatchJob, BatchOptions, BatchSummary, predict_file  # noqa: F401
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
    """Predicts on one image file, read as a batch run reads it (``batch.predict_file``), not
    from the displayed level."""

    done = Signal(str, object)   # image path, Prediction
    failed = Signal(str)

    def __init__(self, model, image_path: Path, existing: list | None = None, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.image_path = Path(image_path)
        self.existing = existing or []

    def run(self) -> None:
        try:
            pred = predict_file(self.model, self.image_path, self.existing)
        except Exception as exc:  # noqa: BLE001
            self.failed.emit(describe_error(exc, self.model.config.title, self.image_path))
            return
        self.done.emit(str(self.image_path), pred)


class BatchRun(QThread):
    """Runs a ``BatchJob`` (the engine ``anylabel predict`` uses) over image files off the GUI
    thread: label files are saved atomically and only when they change; existing shapes are
    kept unless ``replace``; ``replace_own`` swaps this model's earlier predictions."""

    progress = Signal(int, int, float)  # done, total, ETA seconds
    file_written = Signal(str)           # image path whose label file was just written
    finished_run = Signal(object)        # BatchSummary

    def __init__(self, model, paths: list[Path], replace: bool, replace_own: bool = False,
                 parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.job = BatchJob(model, list(paths), BatchOptions(replace=replace, replace_own=replace_own),
                            on_progress=self.progress.emit,
                            on_file_written=lambda path: self.file_written.emit(str(path)),
                            describe=lambda exc, path: describe_error(exc, model.config.title, path))
        self.summary = self.job.summary

    def cancel(self) -> None:
        self.job.cancel()

    def run(self) -> None:
        try:
            self.job.run()
        except Exception as exc:  # noqa: BLE001  # e.g. the disk is full: stop and say so
            self.summary.failed.append(describe_error(exc, self.model.config.title))
        self.finished_run.emit(self.summary)
