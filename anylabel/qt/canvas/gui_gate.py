"""Workers that draw for the canvas step aside while the GUI thread paints.

PyQt keeps the GIL during QPainter calls, so a worker building the shape layer or the
selection tint (a Python loop over 20,000 shapes) and the GUI thread take turns on the
GIL: every ``sys.getswitchinterval()`` (5 ms) the GUI waits for the worker's turn. A GUI
frame of 8 ms took 44 ms while a worker drew, and the frame after an edit up to 800 ms.
The worker exists so that the GUI stays responsive, so it pauses instead: ``GATE.busy()``
is held by the GUI thread around each paint event, and worker loops call ``GATE.pause()``
between shapes, which blocks (without the GIL) while a paint is on. A GUI that must wait
for a worker's result opens the gate meanwhile (``GATE.waiting()``), or both would wait.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator


class GuiGate:
    def __init__(self) -> None:
        self._idle = threading.Event()
        self._idle.set()
        self._depth = 0  # nested busy() of the GUI thread (only that thread changes it)

    @contextmanager
    def busy(self) -> Iterator[None]:
        """The GUI thread paints: workers that call ``pause`` wait until it is done."""
        self._depth += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._idle.set()

    @contextmanager
    def waiting(self) -> Iterator[None]:
        """The GUI thread blocks on a worker's result: let the worker run meanwhile."""
        depth, self._depth = self._depth, 0
        self._idle.set()
        try:
            yield
        finally:
            self._depth = depth
            if depth:
                self._idle.clear()

    def pause(self) -> None:
        """Called by worker loops between shapes: returns at once unless the GUI is painting."""
        if not self._idle.is_set():
            self._idle.wait()


GATE = GuiGate()
