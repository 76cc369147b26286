"""The auto-labeling panel's background jobs, each a ``BackgroundTask``: load a model, predict
one image, run a folder range (a ``BatchJob``, as ``anylabel predict`` runs it). The window
never waits on them; results come back as the task's signals (queued to the GUI thread).
Errors are turned into messages that name the model, the file and what to do."""
from __future__ import annotations

from pathlib import Path

from qtpy.QtCore import QObject

from ...core.errors import AnyLabelError
# BatchSummary is re-exported: the panel imports it from here.
from ...inference.batch import BatchJob, BatchOptions, BatchSummary, predict_file  # noqa: F401
from ...inference.config import ModelConfig
from ...inference.runtime import ModelLoadError
from ..background import BackgroundTask, Progress


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


def model_loader(config: ModelConfig, device: str, parent: QObject) -> BackgroundTask:
    """Creates the model (download included): ``done(model)``; the download's progress is
    ``progress(done_bytes, total_bytes or 0, file_name)``."""
    from ...inference.registry import create_model

    def load(progress: Progress, _cancel):  # type: ignore[no-untyped-def]
        return create_model(config, device=device, progress=lambda d, t, name: progress(d, t or 0, name))

    return BackgroundTask(load, name=config.title, parent=parent, min_interval=0.05,
                          describe=lambda exc: describe_error(exc, config.title))


def predict_one(model, image_path: Path, existing: list | None, parent: QObject) -> BackgroundTask:  # type: ignore[no-untyped-def]
    """Predicts on one image file, read as a batch run reads it (``batch.predict_file``), not from
    the displayed level: ``done(Prediction)``."""
    image_path = Path(image_path)
    existing = list(existing or [])

    def predict(_progress: Progress, _cancel):  # type: ignore[no-untyped-def]
        return predict_file(model, image_path, existing)

    return BackgroundTask(predict, name=model.config.title, parent=parent,
                          describe=lambda exc: describe_error(exc, model.config.title, image_path))


def batch_run(model, paths: list[Path], replace: bool, replace_own: bool, parent: QObject) -> BackgroundTask:  # type: ignore[no-untyped-def]
    """Runs a ``BatchJob`` (the engine ``anylabel predict`` uses) over image files: label files
    are saved atomically and only when they change; existing shapes are kept unless
    ``replace``; ``replace_own`` swaps this model's earlier predictions.

    ``progress(done, total, eta_seconds)``; ``update(image_path)`` after each label file written;
    ``done(BatchSummary)``, also when cancelled. A failure that stops the run (the disk is
    full) is the summary's last failure, so the summary still says what was done before it."""
    title = model.config.title
    job = BatchJob(model, list(paths), BatchOptions(replace=replace, replace_own=replace_own),
                   describe=lambda exc, path: describe_error(exc, title, path))

    def run(progress: Progress, _cancel) -> BatchSummary:  # type: ignore[no-untyped-def]
        job.on_progress = progress
        job.on_file_written = lambda path: progress.report(str(path))
        try:
            job.run()
        except Exception as exc:  # noqa: BLE001  # e.g. the disk is full: stop and say so in the summary
            job.summary.failed.append(describe_error(exc, title))
        return job.summary

    return BackgroundTask(run, name=title, cancel=job.cancel_event, parent=parent,
                          describe=lambda exc: describe_error(exc, title))
