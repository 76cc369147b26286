"""The Flags dock: the image-level flags of the open image (the label file's ``flags``), one
check box each. Ticking one is an undoable edit of the document (see ``document.py``);
the dock follows the document's history, so undo, a classifier run or a reload show at once.

The names listed are the ``image_flags`` setting (always offered, in that order) followed by
the other flags the image has (e.g. a classifier's classes).
"""
from __future__ import annotations

from qtpy.QtCore import Qt
from qtpy.QtWidgets import QAbstractItemView, QDockWidget, QListWidget, QListWidgetItem

from ..document import ImageDocument
from ..i18n import QT_TRANSLATE_NOOP, translate

#: Rows shown before the list scrolls: the dock stays a short strip above the label list.
MAX_VISIBLE_ROWS = 6
EMPTY_TEXT = QT_TRANSLATE_NOOP("image_flags", "No flags on this image")
EMPTY_TIP = ("A classifier run on the image sets its classes here; names listed under image_flags "
             "in the settings file are always offered.")


class ImageFlagsDock(QDockWidget):
    def __init__(self, window) -> None:  # type: ignore[no-untyped-def]
        super().__init__(translate("image_flags", "Flags"), window)
        self.setObjectName("image_flags_dock")
        self.window_ = window
        self.list = QListWidget(self)
        self.list.setSelectionMode(QAbstractItemView.NoSelection)
        self.setWidget(self.list)
        self._document: ImageDocument | None = None
        self._shown: tuple | None = None  # (document id, names, flags) the rows show
        self.list.itemChanged.connect(self._toggled)
        self.refresh()

    # ------------------------------------------------------------------ document
    def set_document(self, doc: ImageDocument | None) -> None:
        """Follow ``doc`` (None: no image open)."""
        if self._document is not None and self.refresh in self._document.history.listeners:
            self._document.history.listeners.remove(self.refresh)
        self._document = doc
        if doc is not None:
            doc.history.listeners.append(self.refresh)
        self.refresh()

    def names(self) -> list[str]:
        configured = [str(n) for n in (self.window_.settings.get("image_flags", []) or [])]
        own = list(self._document.flags) if self._document is not None else []
        return list(dict.fromkeys(configured + own))

    def checked(self) -> dict[str, bool]:
        """What the dock shows: {name: ticked}."""
        out = {}
        for i in range(self.list.count()):
            item = self.list.item(i)
            name = item.data(Qt.UserRole)
            if name is not None:
                out[name] = item.checkState() == Qt.Checked
        return out

    def refresh(self) -> None:
        doc = self._document
        flags = doc.flags if doc is not None else {}
        names = self.names()
        shown = (id(doc), names, flags)
        if shown == self._shown:
            return  # a shape edit: the flags did not change (1,000 rows would be redrawn)
        self._shown = shown
        self.list.blockSignals(True)
        try:
            if names and list(self.checked()) == names:
                # Same rows: update the ticks in place (this also runs inside a row's own
                # itemChanged, where deleting that row would crash).
                for i, name in enumerate(names):
                    self.list.item(i).setCheckState(Qt.Checked if flags.get(name, False) else Qt.Unchecked)
            else:
                self._rebuild(names, flags)
        finally:
            self.list.blockSignals(False)
        self.list.setEnabled(doc is not None)

    def _rebuild(self, names: list[str], flags: dict[str, bool]) -> None:
        self.list.clear()
        for name in names:
            item = QListWidgetItem(name)
            item.setData(Qt.UserRole, name)
            item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if flags.get(name, False) else Qt.Unchecked)
            self.list.addItem(item)
        if not names:
            item = QListWidgetItem(translate("image_flags", EMPTY_TEXT))
            item.setFlags(Qt.NoItemFlags)  # drawn in the palette's disabled text colour
            item.setToolTip(EMPTY_TIP)
            self.list.addItem(item)
        # Exactly the rows' height (up to MAX_VISIBLE_ROWS, then it scrolls): a fixed height,
        # or the main window's layout squeezes the list.
        rows = max(1, min(len(names), MAX_VISIBLE_ROWS))
        row = max(self.list.sizeHintForRow(0), self.list.fontMetrics().lineSpacing() + 2)
        self.list.setFixedHeight(row * rows + 2 * self.list.frameWidth() + 2)

    # ------------------------------------------------------------------ editing
    def _toggled(self, item: QListWidgetItem) -> None:
        doc = self._document
        name = item.data(Qt.UserRole)
        if doc is None or name is None:
            return
        on = item.checkState() == Qt.Checked
        flags = doc.flags
        flags[name] = on
        if doc.set_flags(flags, f"Flag {name} {'on' if on else 'off'}"):
            self.window_.update_title()
            self.window_.update_actions()
