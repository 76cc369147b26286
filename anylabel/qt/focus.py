"""The keyboard goes back to the canvas when a dialog of the main window closes.

Qt gives focus back to whichever widget had it before the dialog opened, often a spin box of
a dock or a button: then D/A and the drawing keys did nothing until the user clicked the
image. ``QApplication.focusChanged`` is watched instead of an event filter on the whole
application, which would run Python for every paint and mouse move.
"""
from __future__ import annotations

from qtpy.QtCore import QObject, Qt
from qtpy.QtWidgets import QApplication, QDialog, QWidget


class CanvasFocusAfterDialogs(QObject):
    def __init__(self, window: QWidget, canvas: QWidget) -> None:
        super().__init__(window)
        self.window_ = window
        self.canvas = canvas
        self._dialog: QDialog | None = None  # the dialog that last had the focus
        QApplication.instance().focusChanged.connect(self._changed)

    def _changed(self, old: QWidget | None, new: QWidget | None) -> None:
        try:
            if old is not None and isinstance(old.window(), QDialog) and old.window() is not self.window_:
                self._dialog = old.window()
            if new is None or self._dialog is None or new.window() is not self.window_:
                return
            closed = not self._dialog.isVisible()
        except RuntimeError:  # the dialog (or the widget) is already deleted: it is closed
            closed = True
        if not closed:
            return  # e.g. a click from a modeless dialog into a dock: leave the user's choice
        self._dialog = None
        if new is not self.canvas and self.canvas.isVisible():
            self.canvas.setFocus(Qt.OtherFocusReason)
