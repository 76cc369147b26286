"""Help > Keyboard Shortcuts: the key table in a scrolling view that fits on the screen.

A message box grows with its text: with every action listed it was ~1700 px tall, so its
OK button was off a 900 px screen.
"""
from __future__ import annotations

from html import escape

from qtpy.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget
from ..i18n import QT_TRANSLATE_NOOP, translate

# Keys that are not actions (canvas gestures), shown after the action rows.
GESTURES: list[tuple[str, str]] = [
    (QT_TRANSLATE_NOOP("shortcuts_dialog", "Finish polygon / line strip"),
     QT_TRANSLATE_NOOP("shortcuts_dialog", "Enter, double-click")),
    (QT_TRANSLATE_NOOP("shortcuts_dialog", "Cancel drawing"), "Esc"),
    (QT_TRANSLATE_NOOP("shortcuts_dialog", "Remove last vertex while drawing"), "Backspace"),
    (QT_TRANSLATE_NOOP("shortcuts_dialog", "Nudge selection"), QT_TRANSLATE_NOOP("shortcuts_dialog", "Arrows (Shift: 10 px)")),
    (QT_TRANSLATE_NOOP("shortcuts_dialog", "Pan"), QT_TRANSLATE_NOOP("shortcuts_dialog", "Space+drag, middle drag")),
]


def shortcuts_html(rows: list[tuple[str, str]], settings_path: str) -> str:
    cells = "".join(f"<tr><td>{escape(t)}</td><td style='padding-left:16px'><b>{escape(k)}</b></td></tr>"
                    for t, k in rows + [(translate("shortcuts_dialog", t), translate("shortcuts_dialog", k))
                                        for t, k in GESTURES])
    note = translate("shortcuts_dialog", "Override any key in {0}.").format(escape(settings_path))
    return f"<table cellspacing='2'>{cells}</table><p>{note}</p>"


class ShortcutsDialog(QDialog):
    def __init__(self, rows: list[tuple[str, str]], settings_path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("shortcuts_dialog", "Keyboard shortcuts"))
        self.view = QTextBrowser(self)
        self.view.setOpenLinks(False)
        self.view.setHtml(shortcuts_html(rows, settings_path))
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        lay = QVBoxLayout(self)
        lay.addWidget(self.view)
        lay.addWidget(buttons)
        self._fit(parent)

    def _fit(self, parent: QWidget | None) -> None:
        """As tall as the table, but never taller than 80 % of the screen (it scrolls instead)."""
        doc = self.view.document()
        doc.setTextWidth(460)
        want_h = int(doc.size().height()) + 90
        screen = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        self.resize(min(520, screen.width()), max(240, min(want_h, int(screen.height() * 0.8))))
