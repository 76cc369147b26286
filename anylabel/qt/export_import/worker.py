"""Run an export/import off the GUI thread, with throttled progress and cancel."""

from __future__ import annotations

import threading
import time
from typing import Callable

from qtpy.QtCore import QThread, Signal

from ...formats.base import CancelFn, ProgressFn, Summary

Job = Callable[[ProgressFn, CancelFn], Summary]


class ConversionThread(QThread):
    """Runs ``job(progress, cancelled)`` (the same driver call as the CLI) in its own thread."""

    progress = Signal(str, int, int)  # stage, done, total
    summary_ready = Signal(object)  # formats.base.Summary

    def __init__(self, job: Job, action: str, fmt: str, parent=None) -> None:
        super().__init__(parent)
        self.job = job
        self.action = action
        self.fmt = fmt
        self._cancel = threading.Event()
        self._last_emit = 0.0
        self.summary: Summary | None = None

    def cancel(self) -> None:
        self._cancel.set()

    def _progress(self, stage: str, done: int, total: int) -> None:
        # 10,000 images would queue 10,000 events; 20 updates a second are plenty.
        now = time.monotonic()
        if done >= total or now - self._last_emit >= 0.05:
            self._last_emit = now
            self.progress.emit(stage, done, total)

    def run(self) -> None:  # noqa: D102  # QThread entry point
        try:
            summary = self.job(self._progress, self._cancel.is_set)
        except Exception as exc:  # noqa: BLE001  # shown to the user, never swallowed
            summary = Summary(self.action, self.fmt)
            summary.fail("(run)", f"stopped by an unexpected error: {type(exc).__name__}: {exc}")
        self.summary = summary
        self.summary_ready.emit(summary)
