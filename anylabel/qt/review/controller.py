"""Review mode: the Review menu and its keys, the file list's review filter and colours, the
shape list's provenance and comments, and the review part of the statistics.

A decision goes through the open image's document (``ImageDocument.set_review``): it is an
undoable step like a shape edit and is written by the window's normal (atomic) save.
"""
from __future__ import annotations

import getpass
from datetime import datetime, timezone
from typing import Callable

from qtpy.QtCore import QObject, Qt
from qtpy.QtGui import QColor, QKeySequence
from qtpy.QtWidgets import QAction, QComboBox, QLabel, QMenu, QVBoxLayout, QWidget

from ...core.label_file import ImageAnnotation
from ...core.review import (ACCEPTED, REJECTED, REVIEW_KEY, UNCHECKED, review_comment, set_review_state,
                            set_shape_comment, shape_comment)
from ..document import review_of
from .dialogs import TextDialog
from .provenance import MANUAL, ShapeProvenance
from .states import FolderReviewStates, state_of
from .text import translate
from ..window_api import WindowAPI

#: Row colours of the file list (translucent, so they read on the light and the dark theme).
STATE_COLORS = {ACCEPTED: QColor(46, 160, 67, 70), REJECTED: QColor(215, 58, 73, 80)}


class ReviewController(QObject):
    def __init__(self, window: WindowAPI) -> None:
        super().__init__(window)
        self.window = window
        self._states: FolderReviewStates | None = None
        self._provenance: tuple[object, ShapeProvenance] | None = None
        self.dialog: TextDialog | None = None  # the dialog open now (tests and scripts reach it)
        self.actions: dict[str, QAction] = {}
        self._build_menu()
        self._build_report_action()
        self._build_filter()
        self._hook_shape_list()
        window.statistics_sections.append(self.summary_widget)
        window.document_changed.connect(self._document_changed)
        window.folder_changed.connect(lambda _f: self._refresh_files())

    # ------------------------------------------------------------------ building
    def _build_menu(self) -> None:
        w = self.window
        menu = w.menu("review")
        menu.setTitle(translate("Review", "&Review"))
        for name, text, slot in (
                ("review_accept", translate("Review", "&Accept Image"), self.accept),
                ("review_reject", translate("Review", "&Reject Image..."), self.ask_reject),
                ("review_clear", translate("Review", "&Clear Review"), self.clear),
                ("review_next_unreviewed", translate("Review", "&Next Unreviewed Image"),
                 lambda: self.go_unreviewed(1)),
                ("review_prev_unreviewed", translate("Review", "&Previous Unreviewed Image"),
                 lambda: self.go_unreviewed(-1)),
                ("review_shape_comment", translate("Review", "Review &Comment on Shape..."), self.ask_shape_comment),
                ("review_reviewer", translate("Review", "Reviewer &Name..."), self.ask_reviewer),
                ("review_advance", translate("Review", "&Go On After a Decision"), None)):
            act = QAction(text, w)
            act.setObjectName(name)
            keys = [QKeySequence(k) for k in w.settings.shortcut(name)]
            keys = [k for k in keys if not k.isEmpty()]
            if keys:
                act.setShortcuts(keys)
            if slot is None:
                act.setCheckable(True)
                act.setChecked(bool(w.settings.get("review.advance", True)))
                act.toggled.connect(lambda on: w.settings.set("review.advance", bool(on)))
            else:
                act.triggered.connect(lambda _=False, s=slot: s())
            if name in ("review_next_unreviewed", "review_shape_comment", "review_reviewer"):
                menu.addSeparator()
            w.add_action(act, menu="review")
            self.actions[name] = act

    def _build_report_action(self) -> None:
        act = QAction(translate("Review", "Open &Compare Report..."), self.window)
        act.setObjectName("open_compare_report")
        act.triggered.connect(lambda _=False: self.open_report())
        self.window.add_action(act, menu="file")
        self.actions["open_compare_report"] = act
        self.report_dock = None

    def open_report(self, path: str | None = None) -> bool:
        """Read an ``anylabel compare`` report.json and list its images, worst first."""
        from qtpy.QtWidgets import QFileDialog

        from ...core.errors import AnyLabelError
        from .report_view import CompareReportDock, read_report

        w = self.window
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                w, translate("Review", "Open Compare Report"), w.settings.get("last_folder") or "",
                translate("Review", "Compare reports (report.json);;JSON files (*.json)"))
            if not path:
                return False
        try:
            report = read_report(path)
        except AnyLabelError as exc:
            w.report_error(str(exc))
            return False
        if self.report_dock is None:
            self.report_dock = CompareReportDock(w)
            w.addDockWidget(Qt.LeftDockWidgetArea, self.report_dock)
            w.add_panel_toggle(self.report_dock)
        self.report_dock.set_report(report)
        return True

    def _build_filter(self) -> None:
        dock = self.window.file_dock
        self.filter_box = QComboBox()
        self.filter_box.setObjectName("review_filter")
        for text, state in ((translate("Review", "All images"), None), (translate("Review", "Unreviewed"), UNCHECKED),
                            (translate("Review", "Accepted"), ACCEPTED), (translate("Review", "Rejected"), REJECTED)):
            self.filter_box.addItem(text, state)
        self.filter_box.setToolTip(translate("Review", "Show the images in one review state"))
        self.filter_box.currentIndexChanged.connect(self._filter_changed)
        dock.widget().layout().insertWidget(1, self.filter_box)
        dock.model.row_style = self._row_style

    def _hook_shape_list(self) -> None:
        view = self.window.shape_dock.view
        view.setContextMenuPolicy(Qt.CustomContextMenu)
        view.customContextMenuRequested.connect(self._shape_menu)
        self.window.shape_dock.model.describe = self.describe_shape

    # ------------------------------------------------------------------ state of the folder
    def states(self) -> FolderReviewStates | None:
        idx = self.window.folder_index
        if idx is None:
            return None
        if self._states is None or self._states.index is not idx:
            self._states = FolderReviewStates(idx, self._open_image_state)
        return self._states

    def _open_image_state(self, i: int) -> str | None:
        """The open image's decision as edited (saved or not), so colours follow undo at once."""
        doc = self.window.document
        if doc is None or i != self.window.current_index or doc.load_error is not None:
            return None
        if not doc.modified and doc.changed_on_disk():
            return None  # another program wrote the file since: what it holds now is the state
        return state_of(doc.review)

    def current_state(self) -> str:
        doc = self.window.document
        return state_of(doc.review) if doc is not None else UNCHECKED

    def _row_style(self, i: int, role: int):  # type: ignore[no-untyped-def]
        if role != Qt.BackgroundRole:
            return None
        st = self.states()
        return STATE_COLORS.get(st.state(i)) if st is not None else None

    def _filter_changed(self, _pos: int = 0) -> None:
        wanted = self.filter_box.currentData()
        model = self.window.file_dock.model
        if wanted is None:
            model.row_filter = None
        else:
            model.row_filter = lambda i: (self.states() is not None and self.states().state(i) == wanted)
        self.window.file_dock.refilter()

    def set_filter(self, state: str | None) -> None:
        """Show only the images in ``state`` (None: all)."""
        self.filter_box.setCurrentIndex(max(self.filter_box.findData(state), 0))

    def _refresh_files(self) -> None:
        if self.filter_box.currentData() is not None:
            self.window.file_dock.refilter()

    def _document_changed(self) -> None:
        doc = self.window.document
        if doc is not None:
            doc.history.listeners.append(self._history_changed)

    def _history_changed(self) -> None:
        w = self.window
        if w.folder_index is not None and w.current_index >= 0:
            w.file_dock.model.refresh(w.current_index)

    # ------------------------------------------------------------------ decisions
    def reviewer(self) -> str:
        name = str(self.window.settings.get("review.reviewer", "") or "").strip()
        if name:
            return name
        try:
            return getpass.getuser()
        except (KeyError, OSError):  # no login name (a container without a passwd entry)
            return ""

    def decide(self, state: str, comment: str = "") -> bool:
        """Record ``state`` for the open image (one undoable step), save it when saving is
        automatic, and go on to the next unreviewed image when that is switched on."""
        w = self.window
        doc = w.document
        if doc is None:
            w.statusBar().showMessage(translate("Review", "Open an image to review it"), 5000)
            return False
        if doc.load_error is not None:
            w.report_error(translate("Review", "{0}: the label file could not be read, so no review can be saved in it")
                           .format(doc.label_path.name))
            return False
        checked, rec = doc.review
        scratch = ImageAnnotation(checked=checked, extra={REVIEW_KEY: dict(rec)} if rec else {})
        set_review_state(scratch, state, reviewer=self.reviewer() or None, comment=comment or None,
                         when=datetime.now(timezone.utc))
        titles = {ACCEPTED: translate("Review", "Accept image"), REJECTED: translate("Review", "Reject image"),
                  UNCHECKED: translate("Review", "Clear review")}
        changed = doc.set_review(*review_of(scratch), label=titles[state])
        w.document_edited()
        self._history_changed()
        if changed and w.settings.get("auto_save", True) and not w.save():
            return False
        says = {ACCEPTED: translate("Review", "{0} accepted"), REJECTED: translate("Review", "{0} rejected"),
                UNCHECKED: translate("Review", "{0}: review cleared")}
        w.statusBar().showMessage(says[state].format(doc.image_path.name), 5000)
        if state != UNCHECKED and w.settings.get("review.advance", True):
            self.go_unreviewed(1)
        return True

    def accept(self) -> bool:
        return self.decide(ACCEPTED)

    def clear(self) -> bool:
        return self.decide(UNCHECKED)

    def reject(self, comment: str) -> bool:
        return self.decide(REJECTED, comment)

    def ask_reject(self) -> None:
        doc = self.window.document
        if doc is None:
            self.window.statusBar().showMessage(translate("Review", "Open an image to review it"), 5000)
            return
        old = review_comment(ImageAnnotation(extra={REVIEW_KEY: doc.review[1]})) if doc.review[1] else ""
        self._open_dialog(translate("Review", "Reject image"),
                          translate("Review", "What is wrong with {0}?").format(doc.image_path.name), old,
                          self.reject, translate("Review", "e.g. the tail of the dog is cut off"))

    def go_unreviewed(self, step: int) -> bool:
        w = self.window
        st = self.states()
        if st is None:
            w.statusBar().showMessage(translate("Review", "Open a folder to review it"), 5000)
            return False
        i = st.find(max(w.current_index, 0) if w.current_index >= 0 else (-1 if step > 0 else 0), step)
        if i is None or i == w.current_index:
            w.statusBar().showMessage(translate("Review", "Every image of the folder is reviewed"), 8000)
            return False
        return bool(w.open_image(i))

    # ------------------------------------------------------------------ reviewer and shape comments
    def ask_reviewer(self) -> None:
        self._open_dialog(translate("Review", "Reviewer name"),
                          translate("Review", "Name written into the review of each image:"),
                          str(self.window.settings.get("review.reviewer", "") or ""), self.set_reviewer,
                          translate("Review", "empty: the login name"))

    def set_reviewer(self, name: str) -> None:
        self.window.settings.set("review.reviewer", name.strip())
        self.window.settings.save()

    def ask_shape_comment(self, rows: list[int] | None = None) -> None:
        w = self.window
        rows = w.canvas.selected_indices() if rows is None else rows
        if w.document is None or not rows:
            w.statusBar().showMessage(translate("Review", "Select the shapes to comment on"), 5000)
            return
        first = w.canvas.shapes[rows[0]]
        self._open_dialog(translate("Review", "Review comment"),
                          translate("Review", "Comment on {0} shape(s):").format(len(rows)),
                          shape_comment(first), lambda text: self.set_shape_comment(rows, text),
                          translate("Review", "empty: remove the comment"))

    def set_shape_comment(self, rows: list[int], comment: str) -> bool:
        """Set (or with "" remove) the review comment of the shapes at ``rows``: one undoable edit."""
        w = self.window
        shapes = [s.copy() for s in w.canvas.shapes]
        rows = [r for r in rows if 0 <= r < len(shapes)]
        if w.document is None or not rows or all(shape_comment(shapes[r]) == comment for r in rows):
            return False
        for r in rows:
            set_shape_comment(shapes[r], comment)
        w.set_shapes(shapes, translate("Review", "Review comment"))
        w.canvas.select_indices(rows)
        return True

    def _shape_menu(self, pos) -> None:  # type: ignore[no-untyped-def]
        view = self.window.shape_dock.view
        rows = sorted({mi.row() for mi in view.selectionModel().selectedRows()})
        here = view.indexAt(pos)
        if here.isValid() and here.row() not in rows:
            rows = [here.row()]
        menu = QMenu(view)
        act = menu.addAction(translate("Review", "Review &Comment..."))
        act.setEnabled(bool(rows))
        act.triggered.connect(lambda: self.ask_shape_comment(rows))
        menu.addAction(self.window.action("edit_label"))
        self.shape_menu = menu  # kept for tests
        menu.popup(view.viewport().mapToGlobal(pos))

    def _open_dialog(self, title: str, prompt: str, text: str, done_with: Callable[[str], None],
                     placeholder: str = "") -> None:
        dlg = TextDialog(self.window, title, prompt, text, done_with, placeholder)
        dlg.destroyed.connect(lambda *_: setattr(self, "dialog", None))
        self.dialog = dlg
        dlg.open()

    # ------------------------------------------------------------------ shape list and statistics
    def provenance(self) -> ShapeProvenance:
        doc = self.window.document
        ann = doc.annotation if doc is not None else None
        if self._provenance is None or self._provenance[0] is not ann:
            self._provenance = (ann, ShapeProvenance(ann))
        return self._provenance[1]

    def describe_shape(self, _row: int, shape) -> tuple[str, str]:  # type: ignore[no-untyped-def]
        src = self.provenance().source(shape)
        model = src["model"]
        short = translate("Review", "manual") if model == MANUAL else model
        long = (translate("Review", "Drawn by hand") if model == MANUAL
                else translate("Review", "Predicted by {0}").format(model))
        if src.get("score") is not None:
            short += f" {float(src['score']):.2f}"
            long += translate("Review", ", score {0}").format(f"{float(src['score']):.2f}")
        if src.get("by"):
            long += translate("Review", ", by {0}").format(src["by"])
        if src.get("at"):
            long += translate("Review", ", at {0}").format(src["at"])
        short = f"({short})"
        comment = shape_comment(shape)
        if comment:
            short += f"  \N{LEFT DOUBLE QUOTATION MARK}{comment}\N{RIGHT DOUBLE QUOTATION MARK}"
            long += "\n" + translate("Review", "Review comment: {0}").format(comment)
        return short, long

    def summary_counts(self) -> dict[str, int]:
        st = self.states()
        if st is None:  # one image opened on its own
            counts = {self.current_state(): 1} if self.window.document is not None else {}
        else:
            counts = st.counts()
        return {s: int(counts.get(s, 0)) for s in (ACCEPTED, REJECTED, UNCHECKED)}

    def summary_widget(self) -> QWidget:
        from ..dialogs.statistics_dialog import BarChart

        c = self.summary_counts()
        box = QWidget()
        box.setObjectName("review_summary")
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        total = sum(c.values()) or 1
        box.summary = QLabel(translate("Review", "<b>Review</b>: <b>{0}</b> accepted · <b>{1}</b> rejected · <b>{2}</b> unreviewed "
                                "({3}% reviewed)").format(c[ACCEPTED], c[REJECTED], c[UNCHECKED],
                                                          f"{100.0 * (c[ACCEPTED] + c[REJECTED]) / total:.1f}"))
        lay.addWidget(box.summary)
        names = {ACCEPTED: translate("Review", "accepted"), REJECTED: translate("Review", "rejected"),
                 UNCHECKED: translate("Review", "unreviewed")}
        box.chart = BarChart([(names[s], c[s]) for s in names],
                             colors={names[s]: QColor(col.red(), col.green(), col.blue()) for s, col in
                                     {**STATE_COLORS, UNCHECKED: QColor(150, 150, 150)}.items()})
        lay.addWidget(box.chart)
        st = self.states()
        if st is not None and st.unreadable:
            err = QLabel(translate("Review", "{0} label file(s) could not be read and count as unreviewed")
                         .format(len(st.unreadable)))
            err.setStyleSheet("color: #c0392b")
            lay.addWidget(err)
        return box
