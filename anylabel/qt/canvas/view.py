"""The canvas's view: zoom, pan and scroll bars (a mixin of ``Canvas``), and the
widget that holds the canvas with its scroll bars.

Image pixel (x, y) is at widget pixel (x * scale + offset.x, y * scale + offset.y).
An image smaller than the view is centred; a bigger one can be panned to its edges.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from qtpy.QtCore import QPointF, Qt
from qtpy.QtWidgets import QGridLayout, QScrollBar, QWidget

if TYPE_CHECKING:
    from .canvas import Canvas

MIN_SCALE, MAX_SCALE = 0.005, 64.0


class ViewMixin:
    # ------------------------------------------------------------------ view transform
    def widget_to_image(self, p: QPointF) -> tuple[float, float]:
        return ((p.x() - self.offset.x()) / self.scale, (p.y() - self.offset.y()) / self.scale)

    def image_to_widget(self, x: float, y: float) -> QPointF:
        return QPointF(x * self.scale + self.offset.x(), y * self.scale + self.offset.y())

    def clamp_to_image(self, x: float, y: float) -> tuple[float, float]:
        if self.image_width <= 0:
            return x, y
        return min(max(x, 0.0), float(self.image_width)), min(max(y, 0.0), float(self.image_height))

    def attach_scrollbars(self, hbar: QScrollBar, vbar: QScrollBar) -> None:
        self._hbar, self._vbar = hbar, vbar
        hbar.valueChanged.connect(lambda v: self._scrolled(-v, None))
        vbar.valueChanged.connect(lambda v: self._scrolled(None, -v))

    def _scrolled(self, ox: float | None, oy: float | None) -> None:
        self.offset = QPointF(self.offset.x() if ox is None else ox, self.offset.y() if oy is None else oy)
        self._clamp_offset()
        self.update()

    def _clamp_offset(self) -> None:
        cw, ch = self.image_width * self.scale, self.image_height * self.scale
        vw, vh = self.width(), self.height()
        ox = (vw - cw) / 2 if cw <= vw else min(max(self.offset.x(), vw - cw), 0.0)
        oy = (vh - ch) / 2 if ch <= vh else min(max(self.offset.y(), vh - ch), 0.0)
        self.offset = QPointF(ox, oy)
        for bar, content, view, off in ((self._hbar, cw, vw, ox), (self._vbar, ch, vh, oy)):
            if bar is None:
                continue
            bar.blockSignals(True)
            extra = max(int(round(content - view)), 0)
            bar.setRange(0, extra)
            bar.setPageStep(max(int(view), 1))
            bar.setSingleStep(max(int(view / 20), 1))
            bar.setValue(int(round(-off)) if extra else 0)
            bar.setVisible(extra > 0)
            bar.blockSignals(False)

    def set_scale(self, scale: float, anchor: QPointF | None = None) -> None:
        scale = min(max(scale, MIN_SCALE), MAX_SCALE)
        if anchor is None:
            anchor = QPointF(self.width() / 2, self.height() / 2)
        ix, iy = self.widget_to_image(anchor)
        self.scale = scale
        self.offset = QPointF(anchor.x() - ix * scale, anchor.y() - iy * scale)
        self._clamp_offset()
        self.update()
        self.zoom_changed.emit(scale)

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        self.fit_mode = False
        self.set_scale(self.scale * factor, anchor)

    def fit_scale(self) -> float:
        if self.image_width <= 0 or self.width() <= 0:
            return 1.0
        return min(self.width() / self.image_width, self.height() / self.image_height)

    def zoom_fit(self) -> None:
        self.fit_mode = True
        self.set_scale(self.fit_scale())

    def zoom_original(self) -> None:
        self.fit_mode = False
        self.set_scale(1.0)

    def pan_by(self, dx: float, dy: float) -> None:
        self.offset = QPointF(self.offset.x() + dx, self.offset.y() + dy)
        self._clamp_offset()
        self.update()

    def schedule_rebuild(self) -> None:
        if not self._rebuild_timer.isActive():
            self._rebuild_timer.start()

    def _rest(self) -> None:
        self.interacting_zoom = False
        self.update()


class CanvasArea(QWidget):
    """The canvas with its two scroll bars."""

    def __init__(self, canvas: Canvas, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.hbar = QScrollBar(Qt.Horizontal)
        self.vbar = QScrollBar(Qt.Vertical)
        lay = QGridLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(canvas, 0, 0)
        lay.addWidget(self.vbar, 0, 1)
        lay.addWidget(self.hbar, 1, 0)
        self.hbar.hide()
        self.vbar.hide()
        canvas.attach_scrollbars(self.hbar, self.vbar)
