"""The file list: a model/view over the folder index (a million rows cost no widgets and no
Python object per row).

The row structure lives in Qt's own string-list model as empty strings (rows are inserted in
C++: 0.15 s and about 20 MB at a million rows), so row counts, indexes and the view's layout
stay in C++; Python answers ``data()`` only for the rows on screen, from the folder index.
Filtering searches one compact byte array of the names (``core.name_search``) and keeps the
matching folder positions as one NumPy array.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
from qtpy.QtCore import QItemSelectionModel, QModelIndex, QStringListModel, Qt, QTimer, Signal
from qtpy.QtWidgets import QDockWidget, QLabel, QLineEdit, QListView, QSizePolicy, QVBoxLayout, QWidget

from ...core.folder_index import FolderIndex
from ...core.name_search import NameSearch
from ..icons import blank_icon, check_icon
from ..i18n import translate


class FileListModel(QStringListModel):
    """(A Python ``rowCount`` would be called twice per row by the view's layout: 5 s at a
    million rows; so the row count stays the C++ one of the string list.)"""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.index_: FolderIndex | None = None
        self.rows: "np.ndarray | range" = range(0)  # folder-index positions shown, ascending
        self.filter_text = ""
        #: Extension hooks: ``row_filter(i)`` hides rows it returns False for (review state);
        #: ``row_style(i, role)`` answers the other roles (background colour, tooltip suffix).
        self.row_filter: Callable[[int], bool] | None = None
        self.row_style: Callable[[int, int], Any] | None = None

    def set_index(self, index: FolderIndex | None) -> None:
        self.index_ = index
        self._apply_filter(new_index=True)

    def set_filter(self, text: str) -> None:
        self.filter_text = text.strip().casefold()
        self._apply_filter()

    def name_search(self) -> NameSearch | None:
        """The compact search array of the shown folder (the index keeps it; see
        ``FileListDock.set_index`` for when it is made)."""
        return None if self.index_ is None else self.index_.name_search()

    def _apply_filter(self, new_index: bool = False) -> None:
        idx = self.index_
        if idx is None:
            rows: "np.ndarray | range" = range(0)
        elif not self.filter_text and self.row_filter is None:
            rows = range(len(idx))
        else:
            found = self.name_search().matching(self.filter_text) if self.filter_text else np.arange(len(idx))
            keep = self.row_filter
            if keep is not None:
                found = found[np.fromiter((bool(keep(int(i))) for i in found), dtype=bool, count=len(found))]
            rows = range(len(idx)) if len(found) == len(idx) else found  # "_" in a frame folder: all
        self._set_rows(rows, new_index)

    def _set_rows(self, rows: "np.ndarray | range", new_index: bool = False) -> None:
        old = self.rows
        if not new_index and len(rows) == len(old) and (rows == old if isinstance(rows, range) and isinstance(old, range)
                                      else np.array_equal(rows, old)):
            # The same rows (a keystroke that hid nothing more): no reset, the view only
            # repaints what it shows (an extension's row_style may have changed its mind).
            self.rows = rows
            if len(rows):
                self.dataChanged.emit(self.index(0), self.index(len(rows) - 1))
            return
        self.beginResetModel()
        self.blockSignals(True)  # one reset for the view, not a remove and an insert
        self.rows = rows
        # Only the difference in row count is inserted or removed (the rows are empty
        # strings, so where does not matter). At the front: Qt's string list inserts and
        # removes one row at a time, and at the front each is O(1); at the end of a million
        # rows each moved the rows behind it (two minutes for clearing a filter).
        have, want = super().rowCount(), len(rows)
        if want < have:
            self.removeRows(0, have - want)
        elif want > have:
            self.insertRows(0, want - have)
        self.blockSignals(False)
        self.endResetModel()

    def flags(self, index: QModelIndex):
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable if index.isValid() else Qt.NoItemFlags

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid() or self.index_ is None:
            return None
        i = int(self.rows[index.row()])
        if role == Qt.DisplayRole:
            return self.index_.names[i]
        if role == Qt.DecorationRole:
            return check_icon() if self.index_.has_label(i) else blank_icon()
        if role == Qt.ToolTipRole:
            return str(self.index_.path(i))
        if role == Qt.UserRole:
            return i
        if self.row_style is not None:
            return self.row_style(i, role)
        return None

    def row_of(self, image_index: int) -> int:
        """Row showing folder position ``image_index``, or -1 when filtered out."""
        rows = self.rows
        if isinstance(rows, range):
            return image_index - rows.start if image_index in rows else -1
        r = int(np.searchsorted(rows, image_index))
        return r if r < len(rows) and rows[r] == image_index else -1

    def refresh(self, image_index: int) -> None:
        r = self.row_of(image_index)
        if r >= 0:
            mi = self.index(r)
            self.dataChanged.emit(mi, mi)


class FileListDock(QDockWidget):
    image_activated = Signal(int)  # folder-index position

    def __init__(self, parent=None) -> None:
        super().__init__(translate("file_list", "Files"), parent)
        self.setObjectName("file_list_dock")
        self.model = FileListModel(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText(translate("file_list", "Filter file names"))
        self.search.setClearButtonEnabled(True)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setUniformItemSizes(True)  # constant-time layout for huge folders
        self.view.setEditTriggers(QListView.NoEditTriggers)
        self.position = QLabel(translate("file_list", "No folder"))
        # Counts of a million-image folder are long: wrap them rather than widen the dock
        # past the window (which pushed the filter box and the list off its right edge).
        self.position.setWordWrap(True)
        self.position.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.search)
        lay.addWidget(self.view)
        lay.addWidget(self.position)
        self.setWidget(w)
        self.search.textChanged.connect(self._filter)
        self.view.activated.connect(self._activated)
        self.view.clicked.connect(self._activated)
        self._current = -1

    def _filter(self, text: str) -> None:
        self.model.set_filter(text)
        self.set_current(self._current)

    def refilter(self) -> None:
        """Apply the filters again (an extension's ``row_filter`` changed its mind)."""
        self._filter(self.search.text())

    def _activated(self, mi: QModelIndex) -> None:
        i = self.model.data(mi, Qt.UserRole)
        if i is not None and i != self._current:
            self.image_activated.emit(int(i))

    def set_index(self, index: FolderIndex | None) -> None:
        """A new folder: the filter typed for the previous one would hide its files, so it goes."""
        self._current = -1
        if self.search.text():
            self.search.blockSignals(True)  # one re-filter below, not one for the old index too
            self.search.clear()
            self.search.blockSignals(False)
            self.model.filter_text = ""
        self.model.set_index(index)
        self.update_position()
        if index is not None and len(index) > 10_000:
            # The search array (a fraction of a second at a million names) is made once the
            # first image is on screen, so the first keystroke does not wait for it.
            QTimer.singleShot(0, self.model.name_search)

    def set_current(self, image_index: int) -> None:
        self._current = image_index
        r = self.model.row_of(image_index) if image_index >= 0 else -1
        sm = self.view.selectionModel()
        if r >= 0:
            mi = self.model.index(r)
            # Not with the selection model's signals blocked: the view repaints the rows whose
            # selection changed from those signals, so blocking them left every visited row
            # drawn as selected. Nothing here listens to the selection (rows open on click).
            sm.setCurrentIndex(mi, QItemSelectionModel.ClearAndSelect)
            self.view.scrollTo(mi)
        else:
            self.view.clearSelection()
        self.update_position()

    def refresh_labelled(self, image_index: int) -> None:
        """A label file of the folder was written by someone else (a batch run): repaint its
        check mark and the labelled count."""
        self.model.refresh(image_index)
        self.update_position()

    def refresh_all(self) -> None:
        """Many label files changed: repaint every row's mark (the view asks only for the rows
        on screen) and the count."""
        n = self.model.rowCount()
        if n:
            self.model.dataChanged.emit(self.model.index(0), self.model.index(n - 1), [Qt.DecorationRole])
        self.update_position()

    def update_position(self) -> None:
        idx = self.model.index_
        if idx is None:
            self.position.setText(translate("file_list", "No folder"))
            return
        shown = ("" if not self.model.filter_text and self.model.row_filter is None
                 else translate("file_list", " ({0} shown)").format(len(self.model.rows)))
        k = self._current + 1 if self._current >= 0 else 0
        self.position.setText(translate("file_list", "{0} / {1} · {2} labelled{3}").format(k, len(idx), idx.labelled_count, shown))
