"""Run a Qt-free job (frame extraction, tracking, propagation...) off the GUI thread.

The job is ``fn(progress)`` where ``progress(done, total)`` returns False once the user
pressed Cancel; results and errors come back as queued signals.
"""
from __future__ import annotations

import threading
from typing import Any, Callable

from qtpy.QtCore import QThread, Signal


class JobThread(QThread):
    progress = Signal(int, int)
    finished_ok = Signal(object)
    failed = Signal(str)

    def __init__(self, fn: Callable[[Callable[[int, int], bool]], Any], parent=None) -> None:
        super().__init__(parent)
        self.fn = fn
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def _progress(self, done: int, total: int) -> bool:
        self.progress.emit(int(done), int(total))
        return not self._cancel.is_set()

    def run(self) -> None:
        try:
            result = self.fn(self._progress)
        except Exception as exc:  # noqa: BLE001  # shown to the user; the app stays up
            self.failed.emit(str(exc) or type(exc).__name__)
            return
        self.finished_ok.emit(result)
