"""Small non-blocking dialogs of the review mode: one line of text (a rejection comment, a
shape's review comment, the reviewer name), Enter to accept, Esc to cancel."""
from __future__ import annotations

from typing import Callable

from qtpy.QtCore import Qt
from qtpy.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget


class TextDialog(QDialog):
    """Asks for one line; ``done_with(text)`` runs when the user presses OK / Enter."""

    def __init__(self, parent: QWidget, title: str, prompt: str, text: str,
                 done_with: Callable[[str], None], placeholder: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.edit = QLineEdit(text)
        self.edit.setPlaceholderText(placeholder)
        self.edit.selectAll()
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(prompt))
        lay.addWidget(self.edit)
        lay.addWidget(self.buttons)
        self.accepted.connect(lambda: done_with(self.edit.text().strip()))
        self.resize(420, self.sizeHint().height())
