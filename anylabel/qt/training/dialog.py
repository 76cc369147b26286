"""Tools > Train a model...: choose task, model, epochs, image size and run folder, watch
loss and mAP per epoch, cancel, and when done run the new model on the unlabelled images.

The run is ``anylabel.training.job.TrainJob``, the same as ``anylabel train``; the model
config it writes lands in the user's config folder, so the auto-labeling panel lists the
model as soon as the run ends (the dialog reloads the panel's list)."""
from __future__ import annotations

from pathlib import Path

from qtpy.QtCore import Qt
from qtpy.QtWidgets import (QComboBox, QDialog, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                            QLineEdit, QPlainTextEdit, QProgressBar, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from ...training.dataset import TASKS
from ...training.job import DEFAULT_MODEL, TrainJob, TrainRequest, find_python
from ...training.errors import TrainingCancelled, TrainingError
from ..background import BackgroundTask, Progress, stop_tasks
from ..i18n import QT_TRANSLATE_NOOP, translate
from .chart import MetricsChart
from ..window_api import WindowAPI

TASK_TITLES = {"detect": QT_TRANSLATE_NOOP("training", "Detection (boxes)"),
               "segment": QT_TRANSLATE_NOOP("training", "Segmentation (polygons)"),
               "obb": QT_TRANSLATE_NOOP("training", "Rotated boxes (OBB)"),
               "pose": QT_TRANSLATE_NOOP("training", "Pose (boxes + keypoints)"),
               "classify": QT_TRANSLATE_NOOP("training", "Classification (image flags)")}


class TrainDialog(QDialog):
    def __init__(self, window: WindowAPI, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setWindowTitle(translate("training", "Train a model"))
        self.window_ = window
        self.training: BackgroundTask | None = None  #: the run in the background
        self.result = None  # training.job.TrainResult of the last finished run
        self.runner: str | None = None  # another runner script (tests); None: the real one
        self._build()
        self._load_choices()

    # ------------------------------------------------------------------ UI
    def _build(self) -> None:
        form = QFormLayout()
        self.input_dir = QLineEdit(self)
        form.addRow(translate("training", "Images"), self._with_browse(self.input_dir, folder=True))
        self.task = QComboBox(self)
        for t in TASKS:
            self.task.addItem(translate("training", TASK_TITLES[t]), t)
        self.task.currentIndexChanged.connect(self._task_changed)
        form.addRow(translate("training", "Task"), self.task)
        self.model = QLineEdit(self)
        self.model.setToolTip(translate("training", "A model YAML Ultralytics knows (yolov8n.yaml, yolov8s-seg.yaml, ...) "
                                                "to train from scratch, or a local .pt file to start from"))
        form.addRow(translate("training", "Model"), self._with_browse(self.model, folder=False))
        row = QHBoxLayout()
        self.epochs = QSpinBox(self)
        self.epochs.setRange(1, 10000)
        self.epochs.setValue(50)
        self.imgsz = QSpinBox(self)
        self.imgsz.setRange(32, 4096)
        self.imgsz.setSingleStep(32)
        self.imgsz.setValue(640)
        self.imgsz.setSuffix(translate("training", " px"))
        self.val = QDoubleSpinBox(self)
        self.val.setRange(0.0, 0.9)
        self.val.setSingleStep(0.05)
        self.val.setValue(0.2)
        self.device = QComboBox(self)
        self.device.setEditable(True)
        self.device.addItems(["cpu", "0"])
        for label, w in ((QT_TRANSLATE_NOOP("training", "Epochs"), self.epochs),
                         (QT_TRANSLATE_NOOP("training", "Image size"), self.imgsz),
                         (QT_TRANSLATE_NOOP("training", "Validation share"), self.val),
                         (QT_TRANSLATE_NOOP("training", "Device"), self.device)):
            row.addWidget(QLabel(translate("training", label), self))
            row.addWidget(w)
        form.addRow(row)
        self.output_dir = QLineEdit(self)
        form.addRow(translate("training", "Run folder"), self._with_browse(self.output_dir, folder=True))
        self.python = QLineEdit(self)
        self.python.setToolTip(translate("training", "The Python that has Ultralytics (pip install 'anylabel[train]')"))
        form.addRow(translate("training", "Training Python"), self._with_browse(self.python, folder=False))

        self.chart = MetricsChart(self)
        self.progress = QProgressBar(self)
        self.status = QLabel(translate("training", "Ready."), self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.log = QPlainTextEdit(self)
        self.log.setReadOnly(True)
        self.log.setMaximumHeight(90)

        buttons = QHBoxLayout()
        self.start_button = QPushButton(translate("training", "Start training"), self)
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(translate("training", "Cancel"), self)
        self.cancel_button.clicked.connect(self.cancel)
        self.run_unlabelled_button = QPushButton(translate("training", "Run it on the unlabelled images"), self)
        self.run_unlabelled_button.clicked.connect(self.run_on_unlabelled)
        self.close_button = QPushButton(translate("training", "Close"), self)
        self.close_button.clicked.connect(self.close)
        for b in (self.start_button, self.cancel_button, self.run_unlabelled_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)

        v = QVBoxLayout(self)
        v.addLayout(form)
        v.addWidget(self.chart, 1)
        v.addWidget(self.progress)
        v.addWidget(self.status)
        v.addWidget(self.log)
        v.addLayout(buttons)
        self._set_running(False)
        self.resize(760, 640)

    def _with_browse(self, edit: QLineEdit, folder: bool) -> QWidget:
        w = QWidget(self)
        h = QHBoxLayout(w)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(edit, 1)
        b = QPushButton("…", w)
        b.setFixedWidth(30)

        def browse() -> None:
            path = (QFileDialog.getExistingDirectory(self, translate("training", "Choose a folder"), edit.text()) if folder
                    else QFileDialog.getOpenFileName(self, translate("training", "Choose a file"), edit.text())[0])
            if path:
                edit.setText(path)

        b.clicked.connect(browse)
        h.addWidget(b)
        return w

    # ------------------------------------------------------------------ choices
    def _setting(self, key: str, default):  # type: ignore[no-untyped-def]
        return self.window_.settings.get(f"training.{key}", default)

    def _store(self, key: str, value) -> None:  # type: ignore[no-untyped-def]
        self.window_.settings.set(f"training.{key}", value)

    def _load_choices(self) -> None:
        index = self.window_.folder_index
        folder = str(index.folder) if index is not None else ""
        self.input_dir.setText(folder)
        self.task.setCurrentIndex(max(0, self.task.findData(self._setting("task", "detect"))))
        self._task_changed()
        self.epochs.setValue(int(self._setting("epochs", 50)))
        self.imgsz.setValue(int(self._setting("imgsz", 640)))
        self.device.setCurrentText(str(self._setting("device", "cpu")))
        try:
            python = self._setting("python", "") or find_python()
        except TrainingError:
            python = ""
        self.python.setText(python)
        self._suggest_output()

    def _task_changed(self) -> None:
        task = self.task.currentData()
        if not self.model.text() or self.model.text() in DEFAULT_MODEL.values():
            self.model.setText(DEFAULT_MODEL[task])
        self._suggest_output()

    def _suggest_output(self) -> None:
        src = self.input_dir.text().strip()
        if src and (not self.output_dir.text() or self.output_dir.property("suggested")):
            p = Path(src)
            self.output_dir.setText(str(p.parent / f"{p.name}-{self.task.currentData()}"))
            self.output_dir.setProperty("suggested", True)

    def request(self) -> TrainRequest:
        return TrainRequest(task=self.task.currentData(), input=self.input_dir.text().strip(),
                            output=self.output_dir.text().strip(), model=self.model.text().strip() or None,
                            epochs=self.epochs.value(), imgsz=self.imgsz.value(), val=round(self.val.value(), 3),
                            device=self.device.currentText().strip() or "cpu",
                            python=self.python.text().strip() or None)

    # ------------------------------------------------------------------ running
    def start(self) -> None:
        req = self.request()
        if not req.input or not req.output:
            self._say(translate("training", "Choose the images folder and a run folder first."))
            return
        if not self.window_.maybe_save():
            return  # unsaved edits would not be in the dataset
        for key in ("task", "epochs", "imgsz", "device", "python"):
            self._store(key, getattr(req, key) or "")
        self.result = None
        self.chart.reset(req.task, req.epochs)
        self.progress.setRange(0, req.epochs)
        self.progress.setValue(0)
        self.progress.setFormat(translate("training", "%v / %m epochs"))
        self.log.clear()
        job = TrainJob(req, runner=self.runner)
        # on_cancel: ending the runner's process group is what stops a training; the job then
        # raises TrainingCancelled, which run_training turns into the result None.
        self.training = BackgroundTask(lambda progress, _cancel: run_training(job, progress),
                                   name=translate("training", "Training"), parent=self,
                                   on_cancel=job.cancel, describe=describe_training_error)
        self.training.update.connect(self._on_event)
        self.training.done.connect(self._on_done)
        self.training.failed.connect(self._on_failed)
        self._set_running(True)
        self._say(translate("training", "Starting…"))
        self.training.start()

    def cancel(self) -> None:
        if self.busy():
            self._say(translate("training", "Cancelling…"))
            self.training.cancel()

    def _on_event(self, event: tuple[str, object]) -> None:
        kind, payload = event
        if kind == "stage":
            self._on_stage(str(payload))
        elif kind == "hello" and isinstance(payload, dict):
            self._log(f"Ultralytics {payload.get('ultralytics')}, torch {payload.get('torch')}")
        elif kind == "epoch":
            self._on_epoch(payload)

    def _on_stage(self, text: str) -> None:
        self._say(text[0].upper() + text[1:])
        self._log(text)

    def _on_epoch(self, report) -> None:  # type: ignore[no-untyped-def]
        self.chart.add(report)
        self.progress.setMaximum(max(report.epochs, 1))
        self.progress.setValue(report.epoch)
        text = report.text(self.task.currentData())
        self._say(text)
        self._log(text)

    def _on_done(self, result) -> None:  # type: ignore[no-untyped-def]
        if result is None:
            self._finish(translate("training", "Cancelled: the training process was stopped."))
            return
        self.result = result
        last = (result.epochs[-1].text(result.dataset.task) if result.epochs
                else translate("training", "no epoch reported"))
        self._finish(translate("training", "Done: {0}. The model '{1}' is in the auto-labeling panel (config {2}).")
                     .format(last, result.name, result.config_path))
        panel = self.window_.autolabel_panel
        if panel is not None:
            panel.reload_configs()
            panel.select_model(result.name)

    def _on_failed(self, message: str) -> None:
        self._finish(message)
        self._log(message)

    def _finish(self, text: str) -> None:
        self._set_running(False)
        self._say(text)

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.run_unlabelled_button.setEnabled(not running and self.result is not None)

    def _say(self, text: str) -> None:
        self.status.setText(text)

    def _log(self, text: str) -> None:
        self.log.appendPlainText(text)

    def busy(self) -> bool:
        return self.training is not None and self.training.is_running()

    # ------------------------------------------------------------------ after training
    def unlabelled_paths(self) -> list[Path]:
        index = self.window_.folder_index
        if index is None:
            return []
        return [index.path(i) for i in range(len(index)) if not index.has_label(i)]

    def run_on_unlabelled(self) -> None:
        """Load the new model in the auto-labeling panel and start its batch run on the
        images of the open folder that have no label file yet."""
        panel = self.window_.autolabel_panel
        if self.result is None or panel is None:
            self._say(translate("training", "Train a model first (and keep the auto-labeling panel enabled)."))
            return
        paths = self.unlabelled_paths()
        if not paths:
            self._say(translate("training", "Every image of the open folder has a label file: nothing to run on."))
            return
        from ...inference.config import load_config

        cfg = load_config(self.result.config_path)

        def loaded(_model) -> None:  # type: ignore[no-untyped-def]
            panel.model_loaded.disconnect(loaded)
            panel.run_all(paths=paths)

        panel.model_loaded.connect(loaded)
        panel.setVisible(True)
        panel.raise_()
        panel.load_config(cfg)
        self._say(translate("training", "Running '{0}' on {1} unlabelled image(s) in the auto-labeling panel…")
                  .format(self.result.name, len(paths)))

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        stop_tasks(self, timeout=15)  # closing the dialog must not leave a training process behind
        super().closeEvent(event)


def run_training(job: TrainJob, progress: Progress):  # type: ignore[no-untyped-def]
    """The job in the worker thread: the dataset export is progress, the runner's stages,
    versions and epochs are events for the dialog; a cancelled run returns None."""
    def on_event(kind: str, payload: object) -> None:
        if kind == "export" and isinstance(payload, tuple):
            progress(int(payload[0]), int(payload[1]), kind)
        elif kind in ("stage", "hello", "epoch"):
            progress.report((kind, payload))

    try:
        return job.run(on_event)
    except TrainingCancelled:
        return None


def describe_training_error(exc: Exception) -> str:
    if isinstance(exc, TrainingError):
        return str(exc)  # already a sentence for the user (what is missing, what to install)
    return translate("training", "training stopped by an unexpected error: {0}: {1}").format(type(exc).__name__, exc)
