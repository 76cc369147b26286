"""The label dialog: label (completed from history and the class list), group id,
difficult, description, flags and attributes.

``LabelResult`` is the plain data the dialog edits, so tests and scripts can label
shapes through the window's ``label_provider`` without showing a dialog.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from qtpy.QtCore import QRect, Qt
from qtpy.QtGui import QIntValidator
from qtpy.QtWidgets import (QApplication, QCheckBox, QCompleter, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLineEdit,
                            QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton, QTableWidget,
                            QTableWidgetItem, QVBoxLayout, QWidget)

from ..canvas.colors import label_color
from ..icons import color_icon
from ..i18n import translate


@dataclass
class LabelResult:
    label: str = ""
    group_id: int | None = None
    difficult: bool = False
    description: str = ""
    flags: dict[str, bool] = field(default_factory=dict)
    attributes: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_shape(cls, shape) -> "LabelResult":
        return cls(shape.label, shape.group_id, bool(shape.difficult), shape.description or "",
                   dict(shape.flags), dict(shape.attributes))

    def apply(self, shape) -> None:
        """Write the result onto a shape (callers pass a copy they own)."""
        shape.label = self.label
        shape.group_id = self.group_id
        shape.difficult = self.difficult
        shape.description = self.description
        shape.flags = dict(self.flags)
        shape.attributes = dict(self.attributes)


def _attr_text(v: Any) -> str:
    return v if isinstance(v, str) else json.dumps(v)


def _attr_value(text: str) -> Any:
    """Numbers, booleans, lists typed in the table keep their JSON type; anything else is text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


class LabelDialog(QDialog):
    def __init__(self, labels: list[str], flag_names: list[str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("label_dialog", "Label"))
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(translate("label_dialog", "Label"))
        completer = QCompleter(labels, self)
        completer.setCaseSensitivity(Qt.CaseInsensitive)
        completer.setFilterMode(Qt.MatchContains)
        self.edit.setCompleter(completer)
        self._completer = completer
        # Enter in the completion list: take the highlighted name and accept at once (Qt's
        # popup eats the first Enter, so the dialog needed a second one).
        completer.popup().installEventFilter(self)
        self.group = QLineEdit()
        self.group.setPlaceholderText(translate("label_dialog", "none"))
        self.group.setValidator(QIntValidator(0, 2**31 - 1, self))
        self.difficult = QCheckBox(translate("label_dialog", "Difficult"))
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText(translate("label_dialog", "Description"))
        self.description.setFixedHeight(56)
        self.labels = QListWidget()
        for name in labels:
            self.labels.addItem(QListWidgetItem(color_icon(label_color(name)), name))
        self.labels.itemClicked.connect(lambda it: self.edit.setText(it.text()))
        self.labels.itemDoubleClicked.connect(lambda it: (self.edit.setText(it.text()), self.accept()))
        self.edit.textEdited.connect(self._filter_list)
        self.flag_boxes: dict[str, QCheckBox] = {}
        self.flags_row = QHBoxLayout()
        self._flag_names = list(flag_names or [])
        self.attrs = QTableWidget(0, 2)
        self.attrs.setHorizontalHeaderLabels([translate("label_dialog", "Attribute"), translate("label_dialog", "Value")])
        self.attrs.horizontalHeader().setStretchLastSection(True)
        self.attrs.verticalHeader().hide()
        self.attrs.setFixedHeight(96)
        add_attr = QPushButton(translate("label_dialog", "Add attribute"))
        add_attr.clicked.connect(lambda: self.attrs.insertRow(self.attrs.rowCount()))
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(translate("label_dialog", "Group id"), self.group)
        lay = QVBoxLayout(self)
        lay.addWidget(self.edit)
        top = QHBoxLayout()
        top.addLayout(form)
        top.addWidget(self.difficult)
        lay.addLayout(top)
        lay.addLayout(self.flags_row)
        lay.addWidget(self.description)
        lay.addWidget(self.attrs)
        lay.addWidget(add_attr, 0, Qt.AlignLeft)
        lay.addWidget(self.labels)
        lay.addWidget(buttons)
        self.resize(340, 480)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        from qtpy.QtCore import QEvent

        popup = self._completer.popup()
        if obj is popup and event.type() == QEvent.KeyPress and event.key() in (Qt.Key_Return, Qt.Key_Enter):
            current = popup.currentIndex()
            if current.isValid():
                self.edit.setText(str(current.data()))
            popup.hide()
            self._accept()
            return True
        return super().eventFilter(obj, event)

    def place_beside(self, target: QRect) -> None:
        """Move the dialog next to ``target`` (global coordinates of the shape being labelled):
        right of it when there is room on its screen, else left, else wherever covers least."""
        screen = QApplication.screenAt(target.center()) or QApplication.primaryScreen()
        room = screen.availableGeometry()
        size = self.size().expandedTo(self.minimumSizeHint())
        gap = 16
        y = min(max(target.top(), room.top()), room.bottom() - size.height())
        right, left = target.right() + gap, target.left() - gap - size.width()
        if right + size.width() <= room.right():
            x = right
        elif left >= room.left():
            x = left
        else:  # the shape fills the screen's width: the side with more room, kept on screen
            x = room.right() - size.width() if room.right() - target.right() > target.left() - room.left() else room.left()
        self.move(max(room.left(), x), max(room.top(), y))

    def _filter_list(self, text: str) -> None:
        t = text.casefold()
        for i in range(self.labels.count()):
            it = self.labels.item(i)
            it.setHidden(bool(t) and t not in it.text().casefold())

    def _accept(self) -> None:
        if self.edit.text().strip():
            self.accept()
        else:
            self.edit.setFocus()

    def set_result(self, r: LabelResult) -> None:
        self.edit.setText(r.label)
        self.edit.selectAll()
        self.group.setText("" if r.group_id is None else str(r.group_id))
        self.difficult.setChecked(r.difficult)
        self.description.setPlainText(r.description)
        for box in self.flag_boxes.values():
            box.setParent(None)
        self.flag_boxes.clear()
        for name in dict.fromkeys(self._flag_names + list(r.flags)):
            box = QCheckBox(name)
            box.setChecked(bool(r.flags.get(name, False)))
            self.flag_boxes[name] = box
            self.flags_row.addWidget(box)
        self.attrs.setRowCount(0)
        for k, v in r.attributes.items():
            row = self.attrs.rowCount()
            self.attrs.insertRow(row)
            self.attrs.setItem(row, 0, QTableWidgetItem(str(k)))
            self.attrs.setItem(row, 1, QTableWidgetItem(_attr_text(v)))

    def result_value(self) -> LabelResult:
        gid = self.group.text().strip()
        attrs: dict[str, Any] = {}
        for row in range(self.attrs.rowCount()):
            k = self.attrs.item(row, 0)
            v = self.attrs.item(row, 1)
            if k is not None and k.text().strip():
                attrs[k.text().strip()] = _attr_value(v.text()) if v is not None else ""
        return LabelResult(
            label=self.edit.text().strip(),
            group_id=int(gid) if gid else None,
            difficult=self.difficult.isChecked(),
            description=self.description.toPlainText(),
            flags={n: b.isChecked() for n, b in self.flag_boxes.items()},
            attributes=attrs,
        )

    def ask(self, initial: LabelResult, beside: QRect | None = None) -> LabelResult | None:
        """Show modally (next to ``beside``, global coordinates, when given); the edited
        result, or None when cancelled."""
        self.set_result(initial)
        if beside is not None:
            self.place_beside(beside)
        self.edit.setFocus()
        return self.result_value() if self.exec_() == QDialog.Accepted else None
