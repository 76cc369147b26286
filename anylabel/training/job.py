"""One training run, the same for ``anylabel train`` and the app's Train dialog.

    job = TrainJob(TrainRequest(task="detect", input="imgs", output="runs/boxes"))
    result = job.run(on_event)       # blocks; job.cancel() from another thread stops it

Steps: export the folder (``dataset``), start the runner script with the training Python
and read its JSON lines (``protocol``), copy the ONNX model into the run folder and write
its model config (``model_config``). The run folder holds ``dataset/``, ``ultralytics/``
(Ultralytics' own run), ``model.onnx``, ``train.log`` (the runner's stderr) and
``metrics.jsonl`` (one line per epoch).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..core.i18n import tr
from .dataset import PreparedDataset, check_writable, prepare_dataset
from .errors import INSTALL_HINT, TrainingCancelled, TrainingError, UltralyticsMissing
from .model_config import config_name, free_name, write_model_config
from .protocol import EpochReport, Event, epoch_report, parse_line

RUNNER = Path(__file__).with_name("runner_script.py")
PYTHON_ENV = "ANYLABEL_TRAIN_PYTHON"
DEFAULT_MODEL = {"detect": "yolov8n.yaml", "segment": "yolov8n-seg.yaml", "obb": "yolov8n-obb.yaml",
                 "pose": "yolov8n-pose.yaml", "classify": "yolov8n-cls.yaml"}
LOG_TAIL_LINES = 12


@dataclass
class TrainRequest:
    task: str
    input: str
    output: str
    model: str | None = None  # a model YAML Ultralytics knows (yolov8n.yaml) or a local .pt
    epochs: int = 50
    imgsz: int = 640
    val: float = 0.2
    device: str = "cpu"
    batch: int = 16
    seed: int = 0
    python: str | None = None  # the training interpreter (else ANYLABEL_TRAIN_PYTHON, a venv, this one)
    name: str | None = None  # model name in the panel (default: the run folder's name)
    config_dir: str | None = None  # where the model config goes (default: the user's config folder)


@dataclass
class TrainResult:
    onnx: Path
    config_path: Path
    name: str
    dataset: PreparedDataset
    epochs: list[EpochReport] = field(default_factory=list)


def training_venv_python() -> Path:
    """The interpreter of the training venv that ``docs/training.md`` suggests making."""
    venv = Path.home() / ".anylabel" / "train-venv"
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def find_python(explicit: str | None = None) -> str:
    """The Python that trains: ``--python``, else ``$ANYLABEL_TRAIN_PYTHON``, else the training
    venv when it exists, else the interpreter running AnyLabel (``pip install anylabel[train]``)."""
    chosen = explicit or os.environ.get(PYTHON_ENV)
    if chosen:
        path = Path(chosen).expanduser()
        found = shutil.which(str(path)) if not path.exists() else str(path)
        if not found:
            raise UltralyticsMissing(tr("the training Python {0} does not exist; {1}").format(
                chosen, tr(INSTALL_HINT)))
        return found
    venv = training_venv_python()
    return str(venv) if venv.exists() else sys.executable


def check_model_argument(task: str, model: str | None) -> str:
    if not model:
        return DEFAULT_MODEL[task]
    p = Path(model).expanduser()
    if p.suffix == ".pt":
        if not p.is_file():
            raise TrainingError(tr("{0}: no such weights file (a .pt must "
                                   "be a local file; nothing is downloaded)").format(
                model))
        return str(p.resolve())
    if p.suffix in (".yaml", ".yml"):
        return str(p.resolve()) if p.is_file() else model  # a name like yolov8s.yaml is Ultralytics' own
    raise TrainingError(tr("--model {0}: give a model YAML (yolov8n.yaml) or a local .pt file").format(model))


class TrainJob:
    def __init__(self, request: TrainRequest, runner: str | os.PathLike[str] | None = None) -> None:
        self.request = request
        self.runner = Path(runner) if runner is not None else RUNNER  # tests run a stand-in script
        self.run_dir = Path(request.output)
        self._proc: subprocess.Popen | None = None
        self._cancelled = threading.Event()
        self._lock = threading.Lock()

    # -------------------------------------------------------------- control
    def cancel(self) -> None:
        """Stop the run (callable from any thread): the runner and its children end."""
        self._cancelled.set()
        with self._lock:
            proc = self._proc
        if proc is not None and proc.poll() is None:
            _terminate(proc)

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    # -------------------------------------------------------------- the run
    def run(self, on_event: Callable[[str, object], None] | None = None) -> TrainResult:
        """Train; ``on_event(kind, payload)`` gets ``("stage", text)``, ``("export", (done, total))``,
        ``("hello", dict)``, ``("epoch", EpochReport)``, ``("log", line)``. Raises TrainingError."""
        emit = on_event or (lambda kind, payload: None)
        req = self.request
        model = check_model_argument(req.task, req.model)
        if req.epochs < 1 or req.imgsz < 32:
            raise TrainingError(tr("--epochs must be at least 1 and --imgsz at least 32"))
        python = find_python(req.python)
        check_writable(self.run_dir)
        emit("stage", tr("exporting the dataset"))
        data = prepare_dataset(req.task, req.input, self.run_dir / "dataset", req.val, req.seed,
                               progress=lambda stage, done, total: emit("export", (done, total)),
                               cancelled=lambda: self.cancelled)
        self._check_cancelled()
        emit("stage", tr("training on {0} image(s), validating on {1} ({2} classes)").format(
            data.train_images, data.val_images or data.train_images, len(data.classes)))
        epochs, onnx = self._train(python, model, data, emit)
        dest = self.run_dir / "model.onnx"
        shutil.copyfile(onnx, dest)
        name = req.name or free_name(config_name(self.run_dir), dest, req.config_dir)
        config_path, _ = write_model_config(req.task, dest, data.classes, name, data.keypoints, req.config_dir)
        emit("stage", tr("model config written: {0}").format(config_path))
        return TrainResult(dest, config_path, name, data, epochs)

    def _check_cancelled(self) -> None:
        if self.cancelled:
            raise TrainingCancelled(tr("training cancelled"))

    def _train(self, python: str, model: str, data: PreparedDataset,
               emit: Callable[[str, object], None]) -> tuple[list[EpochReport], Path]:
        req = self.request
        request_file = self.run_dir / "request.json"
        request_file.write_text(json.dumps({
            "task": req.task, "data": str(data.data.resolve()), "model": model, "epochs": req.epochs,
            "imgsz": req.imgsz, "batch": req.batch, "device": req.device, "seed": req.seed, "workers": 0,
            "project": str((self.run_dir / "ultralytics").resolve()), "name": "train", "offline": True,
        }, indent=2), encoding="utf-8")
        log_path = self.run_dir / "train.log"
        epochs: list[EpochReport] = []
        exported: Path | None = None
        error: Event | None = None
        with open(log_path, "w", encoding="utf-8") as log, \
                open(self.run_dir / "metrics.jsonl", "w", encoding="utf-8") as metrics:
            proc = self._start(python, request_file, log)
            try:
                assert proc.stdout is not None
                for line in proc.stdout:
                    event = parse_line(line)
                    if event.kind == "epoch":
                        report = epoch_report(event)
                        epochs.append(report)
                        metrics.write(json.dumps(event.data) + "\n")
                        metrics.flush()
                        emit("epoch", report)
                    elif event.kind == "exported":
                        exported = Path(str(event.data.get("onnx", "")))
                    elif event.kind == "error":
                        error = event
                    elif event.kind == "log":
                        log.write(event.data["text"] + "\n")
                    else:
                        emit(event.kind, event.data)
                code = proc.wait()
            except BaseException:  # Ctrl+C (KeyboardInterrupt) or a failing callback: the runner ends too
                self._cancelled.set()
                _terminate(proc)
                raise
            finally:
                with self._lock:
                    self._proc = None
        self._check_cancelled()
        if error is not None and error.data.get("kind") == "missing":
            raise UltralyticsMissing(tr("Ultralytics is not available: {0}; {1}").format(
                error.data.get("message"), tr(INSTALL_HINT)))
        if error is not None or code != 0 or exported is None:
            why = error.data.get("message") if error is not None else tr("the runner exited "
                                                                         "with code {0}").format(
                code)
            raise TrainingError(tr("training failed: {0}\n{1}\n(full log: {2})").format(
                why, _tail(log_path), log_path))
        if not exported.is_file():
            raise TrainingError(tr("the runner reported {0}, which does not exist").format(exported))
        return epochs, exported

    def _start(self, python: str, request_file: Path, log) -> subprocess.Popen:  # type: ignore[no-untyped-def]
        env = dict(os.environ, PYTHONUNBUFFERED="1", YOLO_OFFLINE="1", MPLBACKEND="Agg")
        env.pop("PYTHONPATH", None)  # the training Python must not pick up this environment's packages
        kwargs: dict = {}
        if os.name == "nt":
            kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
        else:
            kwargs["start_new_session"] = True  # its own group: cancel ends its workers too
        try:
            proc = subprocess.Popen([python, str(self.runner), str(request_file)], stdout=subprocess.PIPE,
                                    stderr=log, stdin=subprocess.DEVNULL, text=True, encoding="utf-8",
                                    errors="replace", env=env, cwd=str(self.run_dir), **kwargs)
        except OSError as exc:
            raise UltralyticsMissing(tr("the training Python {0} cannot be started ({1}); {2}").format(
                python, exc.strerror or exc, tr(INSTALL_HINT))) from None
        with self._lock:
            self._proc = proc
        if self.cancelled:  # cancelled while starting
            _terminate(proc)
        return proc


def _terminate(proc: subprocess.Popen, grace: float = 5.0) -> None:
    """End the runner's process group: SIGTERM, then SIGKILL after ``grace`` seconds."""
    try:
        if os.name == "nt":
            proc.terminate()
        else:
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        if os.name == "nt":
            proc.kill()
        else:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except (ProcessLookupError, PermissionError):
        pass


def _tail(path: Path) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join("  " + ln for ln in lines[-LOG_TAIL_LINES:])
