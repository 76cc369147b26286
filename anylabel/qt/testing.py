"""Drive the canvas like a user, in image coordinates (for tests and scripted demos).

Events go through QTest, i.e. through the same event handlers as a real mouse.
"""
from __future__ import annotations

from typing import Iterable

from qtpy.QtCore import QEvent, QPoint, QPointF, Qt
from qtpy.QtGui import QMouseEvent
from qtpy.QtTest import QTest
from qtpy.QtWidgets import QApplication

from .dialogs.label_dialog import LabelResult


def widget_point(canvas, x: float, y: float) -> QPoint:
    return canvas.image_to_widget(x, y).toPoint()


def move(canvas, x: float, y: float, buttons=Qt.NoButton, modifiers=Qt.NoModifier) -> None:
    """A mouse move event (QTest.mouseMove only moves the cursor on Qt 5 and sends no event)."""
    p = widget_point(canvas, x, y)
    ev = QMouseEvent(QEvent.MouseMove, QPointF(p), QPointF(canvas.mapToGlobal(p)), Qt.NoButton, buttons, modifiers)
    QApplication.sendEvent(canvas, ev)


def click(canvas, x: float, y: float, button=Qt.LeftButton, modifiers=Qt.NoModifier) -> None:
    p = widget_point(canvas, x, y)
    move(canvas, x, y)
    QTest.mousePress(canvas, button, modifiers, p)
    QTest.mouseRelease(canvas, button, modifiers, p)


def double_click(canvas, x: float, y: float) -> None:
    p = widget_point(canvas, x, y)
    QTest.mouseDClick(canvas, Qt.LeftButton, Qt.NoModifier, p)


def drag(canvas, x0: float, y0: float, x1: float, y1: float, steps: int = 4,
         button=Qt.LeftButton, modifiers=Qt.NoModifier) -> None:
    a = widget_point(canvas, x0, y0)
    move(canvas, x0, y0)
    QTest.mousePress(canvas, button, modifiers, a)
    for k in range(1, steps + 1):
        t = k / steps
        move(canvas, x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, buttons=button, modifiers=modifiers)
    QTest.mouseRelease(canvas, button, modifiers, widget_point(canvas, x1, y1))


def clicks(canvas, points: Iterable[tuple[float, float]]) -> None:
    for x, y in points:
        click(canvas, x, y)


def key(widget, k, modifiers=Qt.NoModifier) -> None:
    QTest.keyClick(widget, k, modifiers)


class QueuedLabels:
    """A label provider that answers from a queue (None = the user cancelled) and records requests."""

    def __init__(self, *answers: "str | LabelResult | None") -> None:
        self.answers = list(answers)
        self.requests: list[tuple[LabelResult, str]] = []

    def push(self, *answers: "str | LabelResult | None") -> None:
        self.answers.extend(answers)

    def __call__(self, initial: LabelResult, shape_type: str) -> LabelResult | None:
        self.requests.append((initial, shape_type))
        if not self.answers:
            raise AssertionError(f"no label queued for a {shape_type}")
        a = self.answers.pop(0)
        if a is None or isinstance(a, LabelResult):
            return a
        r = LabelResult(**{**initial.__dict__, "label": a})
        return r
