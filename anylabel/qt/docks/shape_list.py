"""The shapes of the current image in drawing order: select, rename (double-click), reorder.

A model over the canvas's shape list, so a 2,000-shape image needs no widget per shape.
"""
from __future__ import annotations

from qtpy.QtCore import QAbstractListModel, QItemSelection, QItemSelectionModel, QModelIndex, Qt, Signal
from qtpy.QtWidgets import QAbstractItemView, QDockWidget, QHBoxLayout, QListView, QPushButton, QVBoxLayout, QWidget

from ..canvas.colors import label_color
from ..icons import color_icon
from ..i18n import shape_type_title, translate


class ShapeListModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.shapes: list = []
        #: Extension hook: ``describe(row, shape) -> (short, long)`` adds ``short`` to the row's
        #: text and ``long`` to its tooltip (the shape's provenance, a review comment).
        self.describe = None

    def set_shapes(self, shapes: list) -> None:
        self.beginResetModel()
        self.shapes = list(shapes)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.shapes)

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid():
            return None
        s = self.shapes[index.row()]
        extra = (self.describe(index.row(), s) if self.describe is not None
                 and role in (Qt.DisplayRole, Qt.ToolTipRole) else ("", ""))
        if role == Qt.DisplayRole:
            gid = f"  #{s.group_id}" if s.group_id is not None else ""
            label = s.label or translate("shape_list", "(no label)")
            text = f"{label}{gid}   [{shape_type_title(s.shape_type)}]"
            return f"{text}   {extra[0]}" if extra[0] else text
        if role == Qt.DecorationRole:
            return color_icon(label_color(s.label))
        if role == Qt.ToolTipRole:
            return "\n".join(t for t in (s.description, extra[1]) if t) or None
        return None


class ShapeListDock(QDockWidget):
    selection_changed = Signal(list)   # row indices
    rename_requested = Signal()
    move_requested = Signal(int)       # -1 up (earlier, drawn below), +1 down, -2 to back, +2 to front

    def __init__(self, parent=None) -> None:
        super().__init__(translate("shape_list", "Shapes"), parent)
        self.setObjectName("shape_list_dock")
        self.model = ShapeListModel(self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setUniformItemSizes(True)
        self.view.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        buttons = QHBoxLayout()
        for text, step, tip in (("⤒", -2, translate("shape_list", "Send to back (drawn first)")),
                                ("▲", -1, translate("shape_list", "Move up")),
                                ("▼", 1, translate("shape_list", "Move down")),
                                ("⤓", 2, translate("shape_list", "Bring to front (drawn last)"))):
            b = QPushButton(text)
            b.setToolTip(tip)
            b.setFixedWidth(34)
            b.clicked.connect(lambda _=False, s=step: self.move_requested.emit(s))
            buttons.addWidget(b)
        buttons.addStretch(1)
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.view)
        lay.addLayout(buttons)
        self.setWidget(w)
        self._syncing = False
        self.view.selectionModel().selectionChanged.connect(self._selected)
        self.view.doubleClicked.connect(lambda _mi: self.rename_requested.emit())

    def set_shapes(self, shapes: list, selected: list[int]) -> None:
        self._syncing = True
        try:
            self.model.set_shapes(shapes)
            self._apply_selection(selected)
        finally:
            self._syncing = False

    def set_selection(self, selected: list[int]) -> None:
        self._syncing = True
        try:
            self._apply_selection(selected)
        finally:
            self._syncing = False

    def _apply_selection(self, selected: list[int]) -> None:
        # One range per run of consecutive rows: a select-all of 2,000 shapes is one range,
        # not 2,000 (selecting and clearing those took 30-40 ms).
        sel = QItemSelection()
        rows = sorted(set(selected))
        k = 0
        while k < len(rows):
            j = k
            while j + 1 < len(rows) and rows[j + 1] == rows[j] + 1:
                j += 1
            sel.select(self.model.index(rows[k]), self.model.index(rows[j]))
            k = j + 1
        self.view.selectionModel().select(sel, QItemSelectionModel.ClearAndSelect)
        if selected:
            self.view.scrollTo(self.model.index(selected[0]))

    def _selected(self, *_args) -> None:
        if not self._syncing:
            rows = sorted(mi.row() for mi in self.view.selectionModel().selectedRows())
            self.selection_changed.emit(rows)
