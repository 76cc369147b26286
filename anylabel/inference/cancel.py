"""Stopping a batch run inside one image, between the tiles of a sliced (SAHI) prediction.

A batch job's cancel (``BatchJob.cancel_event``) is checked between images; a huge image
cut into a thousand SAHI tiles would still run to its end. The engine that runs a
prediction makes the job's event current for it (``stops_when``) and ``sliced_predict``
calls ``check`` between tiles, which raises ``PredictionCancelled``: that image is then
neither written nor counted as failed. The event is carried by a context variable rather
than a parameter so that models wrapping others (a detector feeding a classifier) pass it
on without every ``predict_result`` taking it; each thread has its own context, so two runs
on two threads do not see each other's cancel.
"""
from __future__ import annotations

import contextvars
import threading
from contextlib import contextmanager
from typing import Iterator

from ..core.errors import AnyLabelError

_current: contextvars.ContextVar[threading.Event | None] = contextvars.ContextVar("anylabel_cancel", default=None)


class PredictionCancelled(AnyLabelError):
    """The run was cancelled while this image was being predicted."""


@contextmanager
def stops_when(event: threading.Event | None) -> Iterator[None]:
    """Predictions made in this block (on this thread) stop between tiles once ``event`` is set."""
    token = _current.set(event)
    try:
        yield
    finally:
        _current.reset(token)


def check() -> None:
    """PredictionCancelled when the current prediction's run has been cancelled."""
    event = _current.get()
    if event is not None and event.is_set():
        raise PredictionCancelled("cancelled")
