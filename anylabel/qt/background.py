"""Background work for the GUI: ``BackgroundTask`` runs ``fn(progress, cancel)`` in a worker
thread and reports progress, the result and failures as signals delivered on the GUI thread.

Why one helper: a job must never block the window, must be cancellable, and a failure must
reach the user as a message instead of dying silently in a thread. The task object lives on
the GUI thread, so its signals, emitted from the worker, are queued to the GUI thread's
slots (Qt's automatic connection), which may then touch widgets.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from qtpy.QtCore import QObject, Signal

log = logging.getLogger(__name__)

#: ``progress(done, total)``, callable from the worker.
Progress = Callable[[int, int], None]


class BackgroundTask(QObject):
    """One job in a worker thread: ``start()``, ``cancel()``, ``join(timeout)``."""

    progress = Signal(int, int)  #: (done, total)
    done = Signal(object)  #: fn's result
    failed = Signal(str)  #: the exception's message (logged with its traceback)

    def __init__(self, fn: Callable[[Progress, threading.Event], Any], name: str = "anylabel-task",
                 cancel: threading.Event | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.fn = fn
        self.name = name
        #: Set by ``cancel()``; the job polls it (``cancel.is_set()``) between its steps.
        self.cancel_event = cancel if cancel is not None else threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> BackgroundTask:
        self.cancel_event.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()
        return self

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the worker; True when it has finished."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.is_running()

    def _run(self) -> None:
        try:
            result = self.fn(self.progress.emit, self.cancel_event)
        except Exception as exc:  # noqa: BLE001  # reported to the GUI, never lost in the thread
            log.exception("background task %s failed", self.name)
            self.failed.emit(f"{self.name}: {exc}")
            return
        self.done.emit(result)
