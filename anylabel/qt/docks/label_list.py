"""Unique labels of the current image with their colours; unchecking hides a label."""
from __future__ import annotations

from collections import Counter

from qtpy.QtCore import Qt, Signal
from qtpy.QtWidgets import QDockWidget, QListWidget, QListWidgetItem

from ..canvas.colors import label_color
from ..icons import color_icon
from ..i18n import translate


class LabelListDock(QDockWidget):
    visibility_changed = Signal(str, bool)

    def __init__(self, parent=None) -> None:
        super().__init__(translate("label_list", "Labels"), parent)
        self.setObjectName("label_list_dock")
        self.list = QListWidget()
        self.setWidget(self.list)
        self.hidden: set[str] = set()
        self.list.itemChanged.connect(self._changed)

    def set_labels(self, labels: list[str]) -> None:
        counts = Counter(labels)
        self.list.blockSignals(True)
        self.list.clear()
        for name in sorted(counts):
            item = QListWidgetItem(color_icon(label_color(name)), f"{name or '(no label)'}  ({counts[name]})")
            item.setData(Qt.UserRole, name)
            item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsUserCheckable | Qt.ItemIsSelectable)
            item.setCheckState(Qt.Unchecked if name in self.hidden else Qt.Checked)
            self.list.addItem(item)
        self.list.blockSignals(False)

    def _changed(self, item: QListWidgetItem) -> None:
        name = item.data(Qt.UserRole)
        visible = item.checkState() == Qt.Checked
        (self.hidden.discard if visible else self.hidden.add)(name)
        self.visibility_changed.emit(name, visible)
