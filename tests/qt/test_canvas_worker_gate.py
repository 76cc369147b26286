"""Workers that draw for the canvas wait while the GUI thread paints (gui_gate.py), and a GUI
that waits for a worker's picture lets it run."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from anylabel.qt.canvas import selection_tint
from anylabel.qt.canvas.gui_gate import GATE, GuiGate
from canvas_helpers import grid_rectangles, pixels, shown_canvas

pytestmark = pytest.mark.gui


def test_pause_blocks_while_busy_and_waiting_opens_the_gate():
    gate = GuiGate()
    passed = threading.Event()

    def worker():
        gate.pause()
        passed.set()

    with gate.busy():
        t = threading.Thread(target=worker)
        t.start()
        assert not passed.wait(0.2)  # the GUI paints: the worker waits
        with gate.waiting():  # the GUI waits for the worker: it may go on
            assert passed.wait(5)
    t.join()
    gate.pause()  # idle: returns at once


def test_the_layer_worker_waits_for_a_paint_and_then_draws_what_a_blocking_build_draws(qtbot):
    c = shown_canvas(qtbot, grid_rectangles(), (800, 800), (2000, 2000))
    layer = c.shape_layer
    layer.async_enabled = False
    layer.invalidate()
    expected = pixels(c)
    layer.async_enabled = True
    layer.invalidate()
    with GATE.busy():
        layer.rebuild(c, allow_async=True)
        job = layer._job[1]
        time.sleep(0.3)  # 400 rectangles take a few ms: done by now unless it waits
        assert not job.done()
    c.wait_for_render()
    assert np.array_equal(pixels(c), expected)


def test_a_paint_that_needs_the_workers_tint_lets_it_finish(qtbot, monkeypatch):
    monkeypatch.setattr(selection_tint, "AHEAD_MIN_SHAPES", 10)
    c = shown_canvas(qtbot, grid_rectangles(), (800, 800), (2000, 2000))
    c.select_all()
    cold = pixels(c)  # a tint made on the spot
    c.select_indices([])
    c.shape_layer.invalidate()
    with GATE.busy():  # the worker's tint starts after the layer and waits at its first shape
        c.grab()
        c.wait_for_render()
        assert c.selection_tint._ahead is not None and not c.selection_tint._ahead[0].done()
        c.select_all()
        shown = pixels(c)  # the paint takes the worker's tint: it waits for it with the gate open
    assert c.selection_tint._ahead is None
    assert np.array_equal(shown, cold)
