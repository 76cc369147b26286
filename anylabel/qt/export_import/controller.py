"""Start an export/import from the GUI: a ``BackgroundTask``, progress dialog with Cancel,
remembered choices and a closing summary (files written, shapes skipped and why)."""

from __future__ import annotations

import sys
from pathlib import Path

from qtpy.QtCore import QObject, Qt, Signal
from qtpy.QtWidgets import QDialog, QMessageBox, QProgressDialog

from ...core.i18n import tr as core_text
from ...formats.base import ExportOptions, FormatError, Summary
from ...formats.driver import export_dataset, load_pose_config, parse_split
from ...formats.import_driver import import_dataset
from . import choices as store
from .choices import ExportChoices, ImportChoices
from ..background import BackgroundTask
from ..i18n import QT_TRANSLATE_NOOP, translate
from ..window_api import WindowAPI

STAGES = {"read": QT_TRANSLATE_NOOP("controller", "Reading label files"),
          "write": QT_TRANSLATE_NOOP("controller", "Writing the dataset"),
          "import": QT_TRANSLATE_NOOP("controller", "Importing")}


class ExportImportController(QObject):
    """Owned by the main window (``window.export_import``)."""

    finished = Signal(object)  # Summary

    def __init__(self, window: WindowAPI) -> None:
        super().__init__(window)
        self.window = window
        self.task: BackgroundTask | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.last_summary: Summary | None = None
        self.show_dialogs = True  # tests switch the modal boxes off

    # ------------------------------------------------------------ menu entry points
    def _current_folder(self) -> str:
        index = self.window.folder_index
        return str(index.folder) if index is not None else ""

    def export_dialog(self) -> None:
        c = store.load(self.window.settings, ExportChoices, "export")
        c.input_dir = self._current_folder() or c.input_dir
        dlg = ExportDialog(c, self.window)
        if dlg.exec_() == QDialog.Accepted:
            self.start_export(dlg.choices())

    def import_dialog(self) -> None:
        c = store.load(self.window.settings, ImportChoices, "import")
        c.images_dir = self._current_folder() or c.images_dir
        dlg = ImportDialog(c, self.window)
        if dlg.exec_() == QDialog.Accepted:
            self.start_import(dlg.choices())

    def _is_open_folder(self, path: str) -> bool:
        """Whether ``path`` is the folder open in the window. Both sides are resolved: a
        relative path, a symlink or ``..`` must still save first and refresh afterwards."""
        folder = getattr(self.window.folder_index, "folder", None)
        if not path or folder is None:
            return False
        try:
            return Path(path).resolve() == Path(folder).resolve()
        except (OSError, RuntimeError):  # unresolvable (e.g. a symlink loop): not the open folder
            return False

    # ------------------------------------------------------------ runs
    @property
    def busy(self) -> bool:
        return self.task is not None and self.task.is_running()

    def _options(
        self,
        pose_path: str,
        split: str = "",
        seed: int = 0,
        labelled_only: bool = False,
        add_new_classes: bool = False,
    ) -> ExportOptions:
        # Worker processes (spawned, never forked) for big folders; a frozen build would need
        # multiprocessing.freeze_support() in its entry point, so it stays in one process.
        workers = 1 if getattr(sys, "frozen", False) else 0
        options = ExportOptions(
            seed=seed, include_unlabelled=not labelled_only, workers=workers, add_new_classes=add_new_classes
        )
        if split:
            options.split = parse_split(split)
        if pose_path:
            options.pose_config, extras = load_pose_config(pose_path)
            if "skeleton" in extras:
                options.extra["pose_skeleton"] = extras["skeleton"]
            if "flip_idx" in extras:
                options.extra["flip_idx"] = extras["flip_idx"]
        return options

    def start_export(self, c: ExportChoices) -> BackgroundTask | None:
        if self.busy:
            return None
        store.save(self.window.settings, c, "export")
        if not c.input_dir or not c.output_dir:
            return self._refuse("export", c.fmt, "choose the images folder and the output folder")
        try:
            options = self._options(c.pose_config, c.split, c.seed, c.labelled_only, c.add_new_classes)
        except FormatError as exc:
            return self._refuse("export", c.fmt, str(exc))
        if self._is_open_folder(c.input_dir):
            self.window.save()  # export what the user sees, including unsaved edits of this image
        return self._run(
            "export",
            c.fmt,
            lambda progress, cancelled: export_dataset(
                c.fmt, c.input_dir, c.output_dir, c.classes_file or None, options, progress, cancelled
            ),
        )

    def start_import(self, c: ImportChoices) -> BackgroundTask | None:
        if self.busy:
            return None
        store.save(self.window.settings, c, "import")
        if not c.source or not c.images_dir:
            return self._refuse("import", c.fmt, "choose the source and the images folder")
        try:
            options = self._options(c.pose_config)
        except FormatError as exc:
            return self._refuse("import", c.fmt, str(exc))
        if self._is_open_folder(c.images_dir):
            # Save first: the folder is reopened afterwards, and unsaved edits must neither be
            # lost nor written over the imported labels.
            self.window.save()
        return self._run(
            "import",
            c.fmt,
            lambda progress, cancelled: import_dataset(
                c.fmt,
                c.source,
                c.images_dir,
                c.classes_file or None,
                options,
                c.on_exists,
                progress,
                cancelled,
            ),
            refresh=c.images_dir,
        )

    def _refuse(self, action: str, fmt: str, problem: str) -> None:
        self._done(self._failure(action, fmt, "(settings)", problem))
        return None

    def _run(self, action: str, fmt: str, job, refresh: str | None = None) -> BackgroundTask:
        """``job(progress, cancelled)`` is the driver call the CLI makes too; its progress
        ``(stage, done, total)`` reaches the dialog at most 20 times a second."""
        task = BackgroundTask(lambda progress, cancel: job(lambda stage, done, total: progress(done, total, stage),
                                                           cancel.is_set),
                              name=f"{action} {fmt}", parent=self, min_interval=0.05,
                              describe=lambda exc: f"stopped by an unexpected error: {type(exc).__name__}: {exc}")
        dlg = QProgressDialog(f"{action.capitalize()} {fmt}...", translate("controller", "Cancel"), 0, 0, self.window)
        dlg.setWindowTitle(translate("controller", "{0} dataset").format(action.capitalize()))
        dlg.setWindowModality(Qt.WindowModal)
        dlg.setMinimumDuration(300)
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)
        dlg.canceled.connect(task.cancel)
        task.progress.connect(self._on_progress)
        task.done.connect(lambda s: self._done(s, refresh))
        task.failed.connect(lambda message: self._done(self._failure(action, fmt, "(run)", message), refresh))
        self.task, self.progress_dialog = task, dlg
        return task.start()

    @staticmethod
    def _failure(action: str, fmt: str, where: str, message: str) -> Summary:
        """A run refused or stopped by an error: a summary that says so, shown like any other."""
        summary = Summary(action, fmt)
        summary.fail(where, message)
        return summary

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _on_progress(self, done: int, total: int, stage: str) -> None:
        dlg = self.progress_dialog
        if dlg is None:
            return
        dlg.setLabelText(f"{translate('controller', STAGES.get(stage, stage))}: {done} / {total}")
        dlg.setMaximum(max(total, 1))
        dlg.setValue(min(done, max(total, 1)))

    def _done(self, summary: Summary, refresh: str | None = None) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.reset()
            self.progress_dialog.close()
            self.progress_dialog = None
        if self.task is not None:
            self.task.join()  # its fn has returned; the thread ends a moment later
        self.last_summary = summary
        index = self.window.folder_index
        if refresh and index is not None and self._is_open_folder(refresh) and summary.files_written:
            current = self.window.current_image_path()
            self.window.open_folder(index.folder, select=current.name if current else None)
        lines = summary.lines()
        self.window.show_status(lines[0], 15000)
        if self.show_dialogs:
            action_title = core_text(summary.action).capitalize()  # "Export", 导出: the summary's own word
            box = QMessageBox(
                QMessageBox.Information if summary.ok else QMessageBox.Warning,
                translate("controller", "{0} finished").format(action_title)
                if not summary.cancelled
                else translate("controller", "{0} cancelled").format(action_title),
                "\n".join(lines[:12]),
                QMessageBox.Ok,
                self.window,
            )
            if len(lines) > 12:
                box.setDetailedText("\n".join(lines))
            # a message box is ~400 px wide by default: the indented skip lines wrapped mid-phrase
            box.setStyleSheet("QLabel#qt_msgbox_label { min-width: 660px; }")
            box.setAttribute(Qt.WA_DeleteOnClose)
            box.show()
        self.finished.emit(summary)


from .dialogs import ExportDialog, ImportDialog  # noqa: E402  # after the controller: dialogs import FORMATS
