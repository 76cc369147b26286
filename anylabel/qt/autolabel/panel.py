"""The auto-labeling panel (a dock): pick a model, set what its capabilities allow, run it on
the current image or on a range of the folder.

The controls shown come from the model type's ``Capabilities`` (confidence, IoU, NMS
method, output shape types), not from a per-model if-chain. Loading and running happen
in background tasks (``workers``); the window stays responsive and the panel shows progress,
ETA and a summary.
"""
from __future__ import annotations

import logging
from pathlib import Path

from qtpy.QtCore import Qt, Signal
from qtpy.QtWidgets import (QCheckBox, QComboBox, QDockWidget, QDoubleSpinBox, QFileDialog, QFormLayout, QFrame,
                            QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QProgressBar, QPushButton, QScrollArea,
                            QSizePolicy, QSpinBox, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from ...inference.config import NMS_METHODS, ConfigError, ModelConfig, load_config, shipped_configs
from ...inference.providers import DEVICES
from ...inference.registry import Capabilities, capabilities_of
from .workers import BatchSummary, batch_run, model_loader, predict_one
from ..background import BackgroundTask
from ..i18n import QT_TRANSLATE_NOOP, shape_type_title, translate
from ..window_api import WindowAPI

log = logging.getLogger(__name__)

#: The provider of the small models shipped for trying the tool offline (models/configs/fixture_*).
DEMO_PROVIDER = "AnyLabel demo"
NMS_TITLES = {"nms": QT_TRANSLATE_NOOP("panel", "NMS"),
              "soft_nms_linear": QT_TRANSLATE_NOOP("panel", "Soft-NMS (linear)"),
              "soft_nms_gaussian": QT_TRANSLATE_NOOP("panel", "Soft-NMS (Gaussian)"),
              "weighted_nms": QT_TRANSLATE_NOOP("panel", "Weighted NMS"),
              "diou_nms": QT_TRANSLATE_NOOP("panel", "DIoU-NMS")}


class AutoLabelPanel(QDockWidget):
    """Dock with the model picker, settings, and run controls."""

    model_loaded = Signal(object)
    prediction_applied = Signal(int)   # number of shapes added
    batch_finished = Signal(object)    # BatchSummary

    def __init__(self, window: WindowAPI, parent: QWidget | None = None) -> None:
        super().__init__(translate("panel", "Auto labeling"), parent or window)
        self.setObjectName("autolabel_dock")
        self.window_ = window
        self.model = None
        self.configs: list[ModelConfig] = []
        self._tasks: set[BackgroundTask] = set()
        self._batch: BackgroundTask | None = None
        self._build()
        self.reload_configs()

    # ------------------------------------------------------------------ UI
    def _build(self) -> None:
        w = QWidget(self)
        v = QVBoxLayout(w)
        self.search = QLineEdit(w)
        self.search.setPlaceholderText(translate("panel", "Search models…"))
        self.search.textChanged.connect(self._filter)
        self.tree = QTreeWidget(w)
        self.tree.setHeaderHidden(True)
        self.tree.setMinimumHeight(150)
        self.tree.itemDoubleClicked.connect(lambda item, _col: self.load_selected())
        row = QHBoxLayout()
        self.load_button = QPushButton(translate("panel", "Load"), w)
        self.load_button.clicked.connect(self.load_selected)
        self.custom_button = QPushButton(translate("panel", "Load custom model…"), w)
        self.custom_button.clicked.connect(lambda: self.load_custom())
        row.addWidget(self.load_button)
        row.addWidget(self.custom_button)
        self.status = QLabel(translate("panel", "No model loaded"), w)
        self.status.setWordWrap(True)

        form = QFormLayout()
        self.device = QComboBox(w)
        # Every device the runtime layer knows (the CLI's --device choices): one that this
        # install cannot use falls back to CPU and the status line says why.
        for key in DEVICES:  # "auto" shown translated; the others are names; kept and passed on as the key
            self.device.addItem(translate("panel", "auto") if key == "auto" else key, key)
        self.device.setCurrentIndex(max(0, self.device.findData(str(self._setting("device", "auto")))))
        form.addRow(translate("panel", "Device"), self.device)
        self.conf = QDoubleSpinBox(w)
        self.conf.setRange(0.0, 1.0)
        self.conf.setSingleStep(0.05)
        self.conf.setDecimals(2)
        form.addRow(translate("panel", "Confidence"), self.conf)
        self.iou = QDoubleSpinBox(w)
        self.iou.setRange(0.0, 1.0)
        self.iou.setSingleStep(0.05)
        self.iou.setDecimals(2)
        form.addRow(translate("panel", "IoU (NMS)"), self.iou)
        self.nms = QComboBox(w)
        for key in NMS_METHODS:
            self.nms.addItem(translate("panel", NMS_TITLES[key]), key)
        form.addRow(translate("panel", "Suppression"), self.nms)
        self.output_type = QComboBox(w)
        form.addRow(translate("panel", "Output shapes"), self.output_type)
        self.sahi = QCheckBox(translate("panel", "Sliced inference (small objects)"), w)
        self.slice_size = QSpinBox(w)
        self.slice_size.setRange(64, 4096)
        self.slice_size.setSingleStep(64)
        self.slice_size.setValue(640)
        self.slice_size.setSuffix(translate("panel", " px tiles"))
        form.addRow(self.sahi)
        form.addRow(translate("panel", "Tile size"), self.slice_size)
        # Shown from the model's capabilities: text prompts (open vocabulary: the classes to
        # look for) and, for click/box-prompted models, where their prompts are given.
        self.text_prompt = QLineEdit(w)
        self.text_prompt.setPlaceholderText(translate("panel", "e.g. person, red car, dog"))
        form.addRow(translate("panel", "Text prompt"), self.text_prompt)
        self.prompt_hint = QLabel(translate("panel", "Prompt on the canvas: Tools ▸ Segment Anything (points, boxes)"), w)
        self.prompt_hint.setWordWrap(True)
        form.addRow(self.prompt_hint)
        self.keep_existing = QCheckBox(translate("panel", "Keep existing shapes"), w)
        self.keep_existing.setChecked(True)
        form.addRow(self.keep_existing)
        # Separate from keeping manual shapes: a second run (other threshold, newer model)
        # swaps this model's earlier, unedited predictions instead of adding a second set.
        self.replace_own = QCheckBox(translate("panel", "Replace earlier predictions"), w)
        self.replace_own.setToolTip(translate("panel", "Run all images: remove the shapes this model wrote on an "
                                              "earlier run (unless you edited them), then add the new ones"))
        form.addRow(self.replace_own)
        self._rows = {"conf": self.conf, "iou": self.iou, "nms": self.nms, "output": self.output_type,
                      "sahi": self.sahi, "slice": self.slice_size, "text": self.text_prompt,
                      "prompts": self.prompt_hint}
        self._form = form

        # What runs and stops the model sits below the scroll area, fixed: inside it, a result
        # text that changed height moved Cancel under the pointer (and the first click missed).
        bottom = QWidget(self)
        b = QVBoxLayout(bottom)
        b.setContentsMargins(9, 0, 9, 4)
        b.setSpacing(4)
        self.run_button = QPushButton(translate("panel", "Run on this image"), bottom)
        self.run_button.clicked.connect(self.run_current)
        rng = QHBoxLayout()
        self.range_from = QSpinBox(bottom)
        self.range_to = QSpinBox(bottom)
        for sb in (self.range_from, self.range_to):
            sb.setMinimum(1)
            sb.setMaximum(999999)  # a width for six digits: the folder's size is set per folder
            sb.setMinimumWidth(sb.minimumSizeHint().width())
        rng.addWidget(QLabel(translate("panel", "Images"), bottom))
        rng.addWidget(self.range_from, 1)
        rng.addWidget(QLabel(translate("panel", "to"), bottom))
        rng.addWidget(self.range_to, 1)
        self.run_all_button = QPushButton(translate("panel", "Run all images"), bottom)
        self.run_all_button.clicked.connect(lambda: self.run_all())
        self.cancel_button = QPushButton(translate("panel", "Cancel"), bottom)
        self.cancel_button.clicked.connect(self.cancel_batch)
        self.progress = QProgressBar(bottom)
        # The result of a run: a read-only box of fixed height that scrolls (a list of failed
        # files is long), so it is never clipped and never pushes the buttons about.
        self.summary = QPlainTextEdit(bottom)
        self.summary.setReadOnly(True)
        self.summary.setFrameShape(QFrame.NoFrame)
        self.summary.viewport().setAutoFillBackground(False)
        self.summary.setFixedHeight(int(self.summary.fontMetrics().lineSpacing() * 3.4) + 6)
        self.summary.setFocusPolicy(Qt.ClickFocus)
        b.addWidget(self.run_button)
        b.addLayout(rng)
        h = QHBoxLayout()
        h.addWidget(self.run_all_button)
        h.addWidget(self.cancel_button)
        b.addLayout(h)
        b.addWidget(self.progress)
        b.addWidget(self.summary)
        for widget in (self.search, self.tree):
            v.addWidget(widget)
        v.addLayout(row)
        v.addWidget(self.status)
        v.addLayout(form)
        v.addStretch(1)
        # Scrollable, so the panel never forces the window taller than a laptop screen.
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)  # the controls follow the dock's width
        scroll.setWidget(w)
        self.settings_scroll = scroll
        outer = QWidget(self)
        o = QVBoxLayout(outer)
        o.setContentsMargins(0, 0, 0, 0)
        o.setSpacing(0)
        o.addWidget(scroll, 1)
        bottom.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Maximum)  # extra height goes to the settings
        o.addWidget(bottom)
        self.setWidget(outer)
        self._apply_capabilities(None)
        self._set_running(False)
        self._fit_width()
        # After a button, the keyboard belongs to the image again: D/A, drawing keys. (A click
        # gives the button focus, and a spin box edited before keeps it otherwise.)
        for button in (self.load_button, self.custom_button, self.run_button, self.run_all_button,
                       self.cancel_button):
            button.clicked.connect(self.focus_canvas)

    def focus_canvas(self) -> None:
        self.window_.canvas.setFocus(Qt.OtherFocusReason)

    def _fit_width(self) -> None:
        """The dock is at least as wide as the controls plus the scroll bar: narrower, the
        combo boxes and spin boxes were cut off on the right at 1280x720."""
        inner = self.settings_scroll.widget()
        bar = self.settings_scroll.verticalScrollBar().sizeHint().width()
        need = max(inner.minimumSizeHint().width() + bar, self.widget().layout().itemAt(1).widget().minimumSizeHint().width())
        self.widget().setMinimumWidth(need)

    def _tell(self, text: str) -> None:
        self.status.setText(text)
        self._tell_window(text)

    def _tell_window(self, text: str) -> None:
        """Results also go to the window's status bar: the panel's own line may be scrolled away."""
        self.window_.show_status(text.replace("\n", " "), 10000)

    def _setting(self, key: str, default=None):  # type: ignore[no-untyped-def]
        return self.window_.settings.get(f"autolabel.{key}", default)

    def _store(self, key: str, value) -> None:  # type: ignore[no-untyped-def]
        self.window_.settings.set(f"autolabel.{key}", value)

    # ------------------------------------------------------------------ model list
    def reload_configs(self, directory: str | None = None) -> None:
        self.configs, errors = shipped_configs(directory)
        self.tree.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for cfg in self.configs:
            group = groups.get(cfg.provider)
            if group is None:
                group = groups[cfg.provider] = QTreeWidgetItem(self.tree, [cfg.provider])
                group.setFlags(Qt.ItemIsEnabled)
            item = QTreeWidgetItem(group, [cfg.title])
            item.setData(0, Qt.UserRole, cfg)
            item.setToolTip(0, f"{cfg.name} ({cfg.type})")
        self.tree.expandAll()
        if errors:
            self.status.setText(translate("panel", "Some model configs are broken:\n") + "\n".join(str(e) for e in errors))

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            shown = 0
            for j in range(group.childCount()):
                item = group.child(j)
                cfg: ModelConfig = item.data(0, Qt.UserRole)
                hay = f"{cfg.title} {cfg.name} {cfg.type} {cfg.provider}".lower()
                hide = bool(needle) and needle not in hay
                item.setHidden(hide)
                shown += not hide
            group.setHidden(shown == 0)

    def visible_model_names(self) -> list[str]:
        names = []
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            for j in range(group.childCount()):
                if not group.child(j).isHidden() and not group.isHidden():
                    names.append(group.child(j).data(0, Qt.UserRole).name)
        return names

    def select_model(self, name: str) -> bool:
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            for j in range(group.childCount()):
                if group.child(j).data(0, Qt.UserRole).name == name:
                    self.tree.setCurrentItem(group.child(j))
                    return True
        return False

    # ------------------------------------------------------------------ loading
    def load_selected(self) -> None:
        item = self.tree.currentItem()
        cfg = item.data(0, Qt.UserRole) if item is not None else None
        if cfg is None:
            self.status.setText(translate("panel", "Pick a model in the list first."))
            return
        self.load_config(cfg)

    def load_custom(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, translate("panel", "Load custom model"), "", translate("panel", "Model config (*.yaml *.yml)"))
            if not path:
                return
        try:
            cfg = load_config(path)
        except ConfigError as exc:
            self._error(translate("panel", "Cannot load the model config: {0}").format(exc))
            return
        self.load_config(cfg)

    def load_config(self, cfg: ModelConfig) -> None:
        self.status.setText(translate("panel", "Loading {0}…").format(cfg.title))
        self._set_running(True)
        device = self.device.currentData()
        self._store("device", device)
        loader = model_loader(cfg, device, self)
        loader.done.connect(self._on_loaded)
        loader.failed.connect(self._on_failed)
        loader.progress.connect(self._on_download)
        self._start(loader)

    def _on_download(self, done: int, total: int, name: str) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self.status.setText(translate("panel", "Downloading {0}: {1:.1f} MB").format(name, done / 1e6) + (translate("panel", " of {0:.1f} MB").format(total / 1e6) if total else ""))

    def _on_loaded(self, model) -> None:  # type: ignore[no-untyped-def]
        if self.model is not None:
            self.model.close()
        self.model = model
        cfg = model.config
        note = f" ({model.fallback_reason})" if model.fallback_reason else ""
        text = translate("panel", "{0} ({1}) on {2}{3}").format(cfg.title, cfg.type, model.device.upper(), note)
        if cfg.provider == DEMO_PROVIDER and model.capabilities.point_prompts:  # said plainly: not a real SAM
            text += "\n" + translate("panel", "A demo model that works offline, with SAM's interface and no learned "
                                               "weights: a click selects the region of similar colour around it. Load "
                                               "MobileSAM or SAM for your own images.")
        elif cfg.provider == DEMO_PROVIDER:  # said plainly: its results on real photos are not the point
            text += "\n" + translate("panel", "A small demo model that works offline, trained on synthetic shapes; "
                                               "load a real model for your own images.")
        self._tell(text)
        self._apply_capabilities(model.capabilities)
        self.conf.setValue(cfg.conf_threshold)
        self.iou.setValue(cfg.iou_threshold)
        self.nms.setCurrentIndex(max(0, self.nms.findData(cfg.nms)))
        self.sahi.setChecked(cfg.sahi)
        if model.capabilities.text_prompts:
            self.text_prompt.setText(", ".join(cfg.classes))
        self.slice_size.setValue(cfg.slice_width or cfg.slice_height or 640)
        self._set_running(False)
        self.model_loaded.emit(model)

    def _on_failed(self, message: str) -> None:
        self._set_running(False)
        self._error(message)

    def _apply_capabilities(self, caps: Capabilities | None) -> None:
        caps = caps or Capabilities(conf=False)
        self._show_row("conf", caps.conf)
        self._show_row("iou", caps.iou)
        self._show_row("nms", caps.nms_methods)
        self.output_type.clear()
        for t in caps.output_types:
            self.output_type.addItem(shape_type_title(t), t)
        self._show_row("output", len(caps.output_types) > 1)
        self._show_row("sahi", caps.sahi)
        self._show_row("slice", caps.sahi)
        self._show_row("text", caps.text_prompts)
        self._show_row("prompts", caps.point_prompts or caps.box_prompts)

    def _show_row(self, key: str, visible: bool) -> None:
        widget = self._rows[key]
        widget.setVisible(visible)
        label = self._form.labelForField(widget)
        if label is not None:
            label.setVisible(visible)

    def control_visible(self, key: str) -> bool:
        return not self._rows[key].isHidden()

    def _current_options(self) -> dict:
        caps = self.model.capabilities
        opts: dict = {}
        if caps.conf:
            opts["conf_threshold"] = round(self.conf.value(), 4)
        if caps.iou:
            opts["iou_threshold"] = round(self.iou.value(), 4)
        if caps.nms_methods:
            opts["nms"] = self.nms.currentData()
        if caps.sahi:
            opts["sahi"] = self.sahi.isChecked()
            if opts["sahi"]:
                opts["slice_height"] = opts["slice_width"] = self.slice_size.value()
        if len(caps.output_types) > 1:
            chosen = self.output_type.currentData()
            opts["output_type"] = None if chosen == caps.output_types[0] else chosen
        if caps.text_prompts:
            words = [t.strip() for t in self.text_prompt.text().split(",") if t.strip()]
            if words:  # an open-vocabulary model looks for these classes
                opts["classes"] = words
        return opts

    # ------------------------------------------------------------------ running
    def _ready(self) -> bool:
        if self.model is None:
            self._error(translate("panel", "Load a model first (pick one in the list, or 'Load custom model…')."))
            return False
        try:
            self.model.set_options(**self._current_options())
        except ConfigError as exc:
            self._error(str(exc))
            return False
        return True

    def run_current(self) -> None:
        path = self.window_.current_image_path()
        if path is None:
            self._error(translate("panel", "Open an image first."))
            return
        if not self._ready():
            return
        self._set_running(True)
        self.status.setText(translate("panel", "Running {0} on {1}…").format(self.model.config.title, Path(path).name))
        job = predict_one(self.model, Path(path), self.window_.current_shapes(), self)
        job.done.connect(lambda pred, shown=str(path): self._on_predicted(shown, pred))
        job.failed.connect(self._on_failed)
        self._start(job)

    def _on_predicted(self, path: str, pred) -> None:  # type: ignore[no-untyped-def]
        from ...inference.apply import merge_shapes

        self._set_running(False)
        current = self.window_.current_image_path()
        if current is None or str(current) != path:
            self._tell(translate("panel", "The image changed while the model ran; nothing was added."))
            return
        existing = self.window_.current_shapes()
        replace = not self.keep_existing.isChecked() and not pred.leaves_shapes  # as in batch runs
        merged = merge_shapes(existing, pred.shapes, replace)
        added = merged if replace else merged[len(existing):]
        # One undo step: the shapes, and the image flags joined to it (see apply_prediction).
        self.window_.apply_prediction(merged if replace else added, replace, dict(pred.flags),
                                      self.model.config.title)
        flags = ", ".join(k for k, v in pred.flags.items() if v)
        extra = f"; image: {flags}" if flags else ""
        if pred.classifies_only:  # the class, short enough for the status bar
            self._tell(translate("panel", "{0}: image flag {1}").format(self.model.config.title, flags) if flags else
                       translate("panel", "{0}: no class above the confidence threshold (best: {1})").format(self.model.config.title, pred.description))
        else:
            self._tell(translate("panel", "{0}: {1} shapes{2}{3}").format(self.model.config.title, len(added), translate("panel", " (replaced)") if replace else translate("panel", " added"), extra))
        self.prediction_applied.emit(len(added))

    def on_folder_changed(self, *_args) -> None:
        """New folder: the range defaults to every image."""
        index = self.window_.folder_index
        n = len(index) if index is not None else 0
        for sb in (self.range_from, self.range_to):
            sb.setMaximum(max(1, n))
        self.range_from.setValue(1)
        self.range_to.setValue(max(1, n))

    def run_all(self, first: int | None = None, last: int | None = None, paths: list | None = None) -> None:
        """Run on images first..last (1-based) of the folder, or on ``paths`` (e.g. the unlabelled ones)."""
        index = self.window_.folder_index
        if index is None or len(index) == 0:
            self._error(translate("panel", "Open a folder of images first."))
            return
        if not self._ready():
            return
        n = len(index)
        if self.range_to.maximum() != n:
            self.on_folder_changed()
        a = first if first is not None else self.range_from.value()
        b = last if last is not None else self.range_to.value()
        a, b = max(1, min(a, n)), max(1, min(b, n))
        if a > b:
            a, b = b, a
        if not self.window_.maybe_save():
            return
        paths = [index.path(i) for i in range(a - 1, b)] if paths is None else list(paths)
        self._batch = batch_run(self.model, paths, replace=not self.keep_existing.isChecked(),
                                replace_own=self.replace_own.isChecked(), parent=self)
        self._batch.progress.connect(self._on_batch_progress)
        self._batch.done.connect(self._on_batch_finished)
        self._batch.failed.connect(self._on_batch_failed)
        # The file list's check marks and count follow the run.
        self._batch.update.connect(self.window_.label_file_written)
        self.progress.setRange(0, len(paths))
        self.progress.setValue(0)
        self.summary.setPlainText("")
        self._set_running(True, batch=True)
        self._start(self._batch)

    def _on_batch_progress(self, done: int, total: int, eta: float) -> None:
        self.progress.setValue(done)
        self.progress.setFormat(translate("panel", "{0}/{1} images, ETA {2:.0f} s").format(done, total, eta))  # no extra row

    def _on_batch_finished(self, summary: BatchSummary) -> None:
        self._set_running(False)
        self._batch = None
        text = summary_text(summary)
        self.summary.setPlainText(text)
        self._tell_window(text)
        self.progress.setFormat(translate("panel", "%p%"))
        # The image on screen: its label file may have changed on disk (merged with any
        # edits made meanwhile, so neither the run's shapes nor the user's are lost).
        self.window_.reload_current()
        self.batch_finished.emit(summary)

    def _on_batch_failed(self, message: str) -> None:
        self._set_running(False)
        self._batch = None
        self.progress.setFormat(translate("panel", "%p%"))
        self._error(message)

    def cancel_batch(self) -> None:
        if self._batch is not None:
            self._batch.cancel()
            self.progress.setFormat(translate("panel", "Cancelling…"))

    # ------------------------------------------------------------------ helpers
    def _start(self, task: BackgroundTask) -> None:
        self._tasks = {t for t in self._tasks if t.is_running()}
        self._tasks.add(task.start())

    def busy(self) -> bool:
        return any(t.is_running() for t in self._tasks)

    def _set_running(self, running: bool, batch: bool = False) -> None:
        for b in (self.load_button, self.custom_button, self.run_button, self.run_all_button):
            b.setEnabled(not running)
        self.cancel_button.setEnabled(running and batch)

    def _error(self, message: str) -> None:
        self._tell(message)
        self.window_.report_error(message)


def summary_text(s: BatchSummary) -> str:
    """The result of a batch run in the interface's language (the failures name files and
    causes as the batch run reported them)."""
    head = translate("panel", "Cancelled") if s.cancelled else translate("panel", "Done")
    text = translate("panel", "{0}: {1}/{2} images in {3:.1f} s, {4} label files written, {5} unchanged, "
                              "{6} shapes, {7} failed.").format(head, s.processed, s.total, s.seconds, s.written,
                                                                 s.unchanged, s.shapes, len(s.failed))
    if s.failed:
        text += "\n" + "\n".join(s.failed[:10]) + ("\n..." if len(s.failed) > 10 else "")
    return text


def capabilities_for(config: ModelConfig) -> Capabilities:
    return capabilities_of(config.type)
