"""Futures from worker threads -> Qt signals delivered on the GUI thread."""
from __future__ import annotations

from concurrent.futures import Future
from typing import Any

from qtpy.QtCore import QObject, Signal


class FutureBridge(QObject):
    """``watch(future, tag)`` emits ``finished(tag, future)`` on the GUI thread when done.

    The signal is emitted from whichever thread completes the future; Qt queues it to the
    receiver's thread, so slots never run on a worker thread.
    """

    finished = Signal(object, object)

    def watch(self, future: "Future[Any]", tag: Any) -> None:
        future.add_done_callback(lambda f: self.finished.emit(tag, f))
