"""Background work for the GUI: ``BackgroundTask`` runs ``fn(progress, cancel)`` in a worker
thread and reports progress, partial results, the result and failures as signals delivered
on the GUI thread; ``stop_tasks(owner)`` cancels and waits for the tasks of a window or dialog
that is closing.

Why one helper: a job must never block the window, must be cancellable, a failure must reach
the user as a message instead of dying silently in a thread, and closing the window must not
leave work running against widgets that are gone. Every background job in ``anylabel/qt``
goes through this class (``tests/qt/test_background_only.py`` fails on a ``QThread``
elsewhere). The task object lives on the GUI thread, so its signals, emitted from the worker,
are queued to the GUI thread's slots (Qt's automatic connection), which may then touch widgets.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from qtpy.QtCore import QObject, Signal

log = logging.getLogger(__name__)

#: Tasks started and not yet ended, held here so a running task is never garbage-collected
#: (GUI thread only: added by ``start``, removed when the end reaches the GUI thread).
_LIVE: set[BackgroundTask] = set()


class Progress:
    """What the job calls from the worker thread.

    ``progress(done, total, detail=None)`` reports how far it got (``detail``: a stage name,
    an ETA, a file name: whatever the job's progress line shows) and returns False once the
    task was cancelled, so a job can stop on the answer. ``progress.report(payload)`` hands
    over a partial result or an event (a file written, an epoch's metrics) as ``update``.
    """

    def __init__(self, task: BackgroundTask, min_interval: float) -> None:
        self._task = task
        self._min_interval = min_interval
        self._last = float("-inf")

    def __call__(self, done: int, total: int, detail: Any = None) -> bool:
        # A job over 10,000 files would queue 10,000 events; with ``min_interval`` only the
        # first, the last (done == total) and one per interval reach the GUI.
        now = time.monotonic()
        if (total > 0 and done >= total) or now - self._last >= self._min_interval:
            self._last = now
            self._task._emit("progress", int(done), int(total), detail)
        return not self._task.cancelled

    def report(self, payload: Any) -> None:
        self._task._emit("update", payload)


class BackgroundTask(QObject):
    """One job in a worker thread: ``start()``, ``cancel()``, ``join(timeout)``.

    ``fn(progress, cancel)`` gets a ``Progress`` and the ``threading.Event`` that ``cancel()``
    sets; a job that can stop polls ``cancel.is_set()`` (or the value ``progress`` returns)
    between its steps and returns what it has. ``on_cancel`` is called too, for a job that is
    stopped from outside (a child process to end). An exception from ``fn`` becomes ``failed``
    with ``describe(exc)`` (default: the task's name, the exception's type and message), and is
    logged with its traceback. ``start()`` refuses a task whose ``failed`` nobody listens to.

    Give the task a parent inside the window (the window, a dock, a dialog): ``stop_tasks``
    finds a window's tasks through it, and a finished task is deleted with ``deleteLater``
    (its Python members, ``is_running``, ``cancelled``, ``join``, stay usable).
    """

    progress = Signal(int, int, object)  #: (done, total, detail); slots may take (done, total)
    update = Signal(object)  #: a partial result or event, from ``progress.report``
    done = Signal(object)  #: fn's result (also after a cancel: what the job got done)
    failed = Signal(str)  #: a message naming what failed (logged with its traceback)
    _ended = Signal()

    def __init__(self, fn: Callable[[Progress, threading.Event], Any], name: str = "anylabel-task",
                 cancel: threading.Event | None = None, parent: QObject | None = None, *,
                 on_cancel: Callable[[], None] | None = None,
                 describe: Callable[[Exception], str] | None = None,
                 min_interval: float = 0.0) -> None:
        super().__init__(parent)
        self.fn: Callable[[Progress, threading.Event], Any] | None = fn
        self.name = name
        #: Set by ``cancel()``; the job polls it (``cancel.is_set()``) between its steps.
        self.cancel_event = cancel if cancel is not None else threading.Event()
        self._on_cancel = on_cancel
        self._describe = describe
        self._min_interval = min_interval
        self._thread: threading.Thread | None = None
        self._working = False
        self._finished = False
        self._gone = False  # the Qt object was deleted under a running job (window closed)
        self._ended.connect(self._on_ended)

    def start(self) -> BackgroundTask:
        if self.fn is None or self._thread is not None:
            raise RuntimeError(f"{self.name}: a BackgroundTask runs once; create a new one")
        if self.receivers(self.failed) == 0:
            raise RuntimeError(f"{self.name}: connect 'failed' before start(), a failure must reach the user")
        self.cancel_event.clear()
        _LIVE.add(self)
        self._working = True
        self._thread = threading.Thread(target=self._run, args=(self.fn, Progress(self, self._min_interval)),
                                        name=f"anylabel-{self.name}", daemon=True)
        self._thread.start()
        return self

    def cancel(self) -> None:
        self.cancel_event.set()
        if self._on_cancel is not None and self._working:
            self._on_cancel()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def is_running(self) -> bool:
        """True from ``start()`` until ``fn`` returned or raised (in ``done``/``failed``
        slots it is already False, so they may start the next task)."""
        return self._working

    def is_finished(self) -> bool:
        """True once the end reached the GUI thread: the ``done``/``failed`` slots have run."""
        return self._finished

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the worker; True when it has finished."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not (self._thread is not None and self._thread.is_alive())

    def _run(self, fn: Callable[[Progress, threading.Event], Any], progress: Progress) -> None:
        try:
            result = fn(progress, self.cancel_event)
        except Exception as exc:  # noqa: BLE001  # reported to the GUI, never lost in the thread
            log.exception("background task %s failed", self.name)
            self._working = False
            self._emit("failed", self._message(exc))
        else:
            self._working = False
            self._emit("done", result)
        finally:
            self._working = False
            self._emit("_ended")

    def _message(self, exc: Exception) -> str:
        if self._describe is not None:
            try:
                return self._describe(exc)
            except Exception:  # noqa: BLE001  # a broken describe must not hide the failure
                log.exception("describing the failure of %s failed", self.name)
        return f"{self.name}: {type(exc).__name__}: {exc}" if str(exc) else f"{self.name}: {type(exc).__name__}"

    def _emit(self, signal: str, *args: Any) -> None:
        if self._gone:
            return
        try:  # even reading a signal of a deleted Qt object raises
            getattr(self, signal).emit(*args)
        except RuntimeError:  # the window (and this object with it) was destroyed mid-run
            self._gone = True
            self.cancel_event.set()
            log.info("background task %s outlived its window; its results are dropped", self.name)

    def _on_ended(self) -> None:
        # Queued after done/failed, so their slots have run: drop the job (and what its
        # closure holds: a model, an image, shapes) and the Qt object of a finished task.
        _LIVE.discard(self)
        self._finished = True
        self.fn = None
        if self.parent() is not None:
            self.deleteLater()


def running_tasks(owner: QObject | None = None) -> list[BackgroundTask]:
    """The tasks running now; with ``owner``, those whose parent is ``owner`` or inside it."""
    return [t for t in list(_LIVE) if t.is_running() and (owner is None or _owned_by(t, owner))]


def stop_tasks(owner: QObject, timeout: float = 10.0) -> list[BackgroundTask]:
    """Cancel the running tasks of ``owner`` (a closing window or dialog) and wait for them,
    at most ``timeout`` seconds in all. Returns the tasks still running after that (logged:
    their threads are daemons and end with the process)."""
    tasks = running_tasks(owner)
    for task in tasks:
        task.cancel()
    deadline = time.monotonic() + timeout
    for task in tasks:
        task.join(max(0.0, deadline - time.monotonic()))
    left = [t for t in tasks if t.is_running()]
    for task in left:
        log.warning("background task %s did not stop within %.0f s of closing", task.name, timeout)
    return left


def _owned_by(task: BackgroundTask, owner: QObject) -> bool:
    node = task.parent()
    while node is not None:
        if node is owner:
            return True
        node = node.parent()
    return False
