"""The main window: a thin composition of the canvas, the docks, the actions and the
extension API. What the actions do lives in the two mixins (``file_ops`` for
folders, images and saving; ``edit_ops`` for shape edits, labels and undo).

Extension API: ``window_api.WindowAPI``, the Protocol of what features may use (see
``anylabel/qt/extensions/__init__.py`` and docs/extending.md); its members are implemented
here or in the mixins.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

import numpy as np
from qtpy.QtCore import QByteArray, QSize, Qt, Signal
from qtpy.QtWidgets import QAction, QDockWidget, QLabel, QMainWindow, QMenu, QMessageBox, QToolBar, QWidget

from ..core.folder_index import FolderIndex
from ..core.settings import Settings
from ..core.shape import Shape
from .actions import build_actions
from .background import stop_tasks
from .canvas import EDIT, Canvas, CanvasArea
from .dialogs.label_dialog import LabelResult
from .docks import FileListDock, LabelListDock, ShapeListDock
from .docks.image_flags import ImageFlagsDock
from .document import ImageDocument
from .edit_ops import EditOpsMixin
from .file_ops import FileOpsMixin
from .focus import CanvasFocusAfterDialogs
from .language_menu import install_language_menu
from .theme import install_theme_menu
from .i18n import QT_TRANSLATE_NOOP, translate

log = logging.getLogger(__name__)

MENUS = (("file", QT_TRANSLATE_NOOP("MainWindow", "&File")), ("edit", QT_TRANSLATE_NOOP("MainWindow", "&Edit")),
         ("view", QT_TRANSLATE_NOOP("MainWindow", "&View")), ("tools", QT_TRANSLATE_NOOP("MainWindow", "&Tools")),
         ("help", QT_TRANSLATE_NOOP("MainWindow", "&Help")))

#: label_provider(initial, shape_type) -> LabelResult | None; the default shows the label dialog.
LabelProvider = Callable[[LabelResult, str], "LabelResult | None"]
#: ask_unsaved(image_name) -> "save" | "discard" | "cancel"
UnsavedPrompt = Callable[[str], str]


class MainWindow(FileOpsMixin, EditOpsMixin, QMainWindow):
    image_changed = Signal(str)
    folder_changed = Signal(str)
    document_changed = Signal()  # an image was opened or closed (``document`` replaced)

    def __init__(self, settings: Settings, label_provider: LabelProvider | None = None,
                 ask_unsaved: UnsavedPrompt | None = None, install_extensions: bool = True) -> None:
        super().__init__()
        self.setObjectName("anylabel_main_window")
        self.settings = settings
        self.label_provider: LabelProvider = label_provider or self._dialog_label_provider
        self.ask_unsaved: UnsavedPrompt = ask_unsaved or self._dialog_ask_unsaved
        self.error_messages: list[str] = []  # every error shown to the user, newest last
        self.show_error_dialogs = True
        self.folder_index: FolderIndex | None = None
        self.document: ImageDocument | None = None
        self.current_index = -1
        self._image_rgb: np.ndarray | None = None
        self._clipboard: list[Shape] = []
        self._menus: dict[str, QMenu] = {}

        self.canvas = Canvas(self)
        self.canvas_area = CanvasArea(self.canvas)
        self.setCentralWidget(self.canvas_area)
        self.file_dock = FileListDock(self)
        self.label_dock = LabelListDock(self)
        self.shape_dock = ShapeListDock(self)
        self.flags_dock = ImageFlagsDock(self)
        self.addDockWidget(Qt.RightDockWidgetArea, self.flags_dock)
        self.addDockWidget(Qt.RightDockWidgetArea, self.label_dock)
        self.addDockWidget(Qt.RightDockWidgetArea, self.shape_dock)
        self.addDockWidget(Qt.RightDockWidgetArea, self.file_dock)

        self.toolbar = QToolBar(translate("main_window", "Tools"), self)
        self.toolbar.setObjectName("main_toolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonTextUnderIcon)
        self.toolbar.setIconSize(QSize(20, 20))
        font = self.toolbar.font()
        font.setPointSizeF(max(font.pointSizeF() * 0.85, 7.0))
        self.toolbar.setFont(font)
        self.addToolBar(Qt.LeftToolBarArea, self.toolbar)
        self.actions_by_name: dict[str, QAction] = {}  # filled by build_actions below
        for key, title in MENUS:
            self._menus[key] = self.menuBar().addMenu(translate("MainWindow", title))
        self.actions_by_name = build_actions(self)
        self.recent_menu = self.menu("file").addMenu(translate("main_window", "Open &Recent Folder"))
        self.menu("file").insertMenu(self.actions_by_name["save"], self.recent_menu)
        self._quit_separator = self.menu("file").insertSeparator(self.actions_by_name["quit"])
        self._build_panels_menu()
        install_theme_menu(self)  # View > Theme; applies the saved theme
        install_language_menu(self)  # View > Language
        self._build_status_bar()
        self._apply_view_settings()
        self._connect()
        self._focus_after_dialogs = CanvasFocusAfterDialogs(self, self.canvas)
        self.update_recent_menu()
        self.set_mode(EDIT)
        self.update_title()
        self.update_actions()
        self.setAcceptDrops(True)  # drop an image or a folder to open it
        self.resize(1280, 800)
        self._restore_layout()
        if settings.load_error:
            self.report_error(settings.load_error)
        conflicts = settings.shortcut_conflicts()
        if conflicts:  # Qt runs neither action of an ambiguous key: say which ones
            text = translate("main_window", "Keys given to several actions in {0}: ").format(settings.path) + "; ".join(conflicts)
            log.warning("%s", text)
            self.error_messages.append(text)
            self.statusBar().showMessage(text, 20000)
        # Slots of the extension API (``window_api.WindowAPI``): None until the extension that
        # provides one is installed, so a feature asks ``window.autolabel_panel is None``
        # instead of probing with getattr.
        self.autolabel_panel = None
        self.sam = None
        self.video = None
        self.tracks_dock = None
        self.review = None
        self.export_import = None
        self.train_dialog = None
        self.open_video: Callable[..., object] | None = None
        self.statistics_sections: list[Callable[[], QWidget | None]] = []
        self.path_openers: list[Callable[[str], bool]] = []
        self.extensions_installed = install_extensions
        if install_extensions:
            from . import extensions

            failures = extensions.install_all(self)
            if failures:
                self.statusBar().showMessage(translate("main_window", "Extensions that failed: ") + "; ".join(failures), 15000)
                self.error_messages.extend(failures)

    # ------------------------------------------------------------------ composition
    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.progress_label = QLabel("")
        self.selection_label = QLabel("")
        self.cursor_label = QLabel("")
        self.zoom_label = QLabel("")
        fm = self.fontMetrics()
        for w, sample in ((self.selection_label, "rotation: 0000 x 0000, -000.0°"),
                          (self.cursor_label, "x 00000, y 00000"), (self.zoom_label, "0000%"),
                          (self.progress_label, "Image 000000 of 000000 · 000000 labelled")):
            w.setContentsMargins(6, 0, 6, 0)
            w.setMinimumWidth(fm.horizontalAdvance(sample) // (2 if w is self.selection_label else 1) + 12)
            sb.addPermanentWidget(w)

    def _build_panels_menu(self) -> None:
        """View > Panels: a closed dock comes back from here (its title bar's x hid it for good)."""
        self.panels_menu = self.menu("view").addMenu(translate("main_window", "&Panels"))
        for dock in (self.file_dock, self.label_dock, self.shape_dock, self.flags_dock):
            self.add_panel_toggle(dock)

    def add_panel_toggle(self, dock) -> None:
        """List ``dock`` in View > Panels (extensions call this for their docks)."""
        self.panels_menu.addAction(dock.toggleViewAction())

    def _connect(self) -> None:
        c = self.canvas
        c.shape_drawn.connect(self.on_shape_drawn)
        c.edited.connect(self.on_canvas_edited)
        c.selection_changed.connect(self.on_selection_changed)
        c.live_edit.connect(self.update_selection_status)
        c.cursor_moved.connect(lambda x, y: self.cursor_label.setText(translate("main_window", "x {0:.0f}, y {1:.0f}").format(x, y)))
        c.zoom_changed.connect(lambda s: self.zoom_label.setText(f"{s * 100:.0f}%"))
        c.edit_label_requested.connect(self.edit_label)
        c.mode_changed.connect(self._mode_changed)
        c.context_menu_requested.connect(self._context_menu)
        self.file_dock.image_activated.connect(self.open_image)
        self.label_dock.visibility_changed.connect(c.set_label_visible)
        self.shape_dock.selection_changed.connect(c.select_indices)
        self.shape_dock.rename_requested.connect(self.edit_label)
        self.shape_dock.move_requested.connect(self.reorder_selected)
        self.document_changed.connect(lambda: self.flags_dock.set_document(self.document))

    def _apply_view_settings(self) -> None:
        st = self.canvas.style
        st.line_width = float(self.settings.get("line_width", 2.0))
        st.fill = bool(self.settings.get("fill_shapes", True))
        st.show_labels = bool(self.settings.get("show_label_text", True))
        st.color_by_track = bool(self.settings.get("color_by_track", False))
        self.canvas.show_crosshair = bool(self.settings.get("show_crosshair", True))
        self.canvas.update()

    def _restore_layout(self) -> None:
        geo = self.settings.get("window.geometry") or ""
        state = self.settings.get("window.state") or ""
        try:
            if geo:
                self.restoreGeometry(QByteArray.fromHex(geo.encode("ascii")))
            if state:
                self.restoreState(QByteArray.fromHex(state.encode("ascii")))
        except (UnicodeEncodeError, AttributeError):
            log.warning("ignoring an unreadable window layout in the settings")

    def _save_layout(self) -> None:
        self.settings.set("window.geometry", bytes(self.saveGeometry().toHex()).decode("ascii"))
        self.settings.set("window.state", bytes(self.saveState().toHex()).decode("ascii"))

    def _mode_changed(self, mode: str) -> None:
        name = "edit_mode" if mode == EDIT else f"create_{mode}"
        act = self.actions_by_name.get(name)
        if act is not None and not act.isChecked():
            act.setChecked(True)

    def _context_menu(self, pos) -> None:
        m = QMenu(self)
        for name in ("edit_label", "copy", "duplicate", "delete", "group", "ungroup", "hide_selected"):
            m.addAction(self.actions_by_name[name])
        m.popup(pos)

    @property
    def document(self) -> ImageDocument | None:
        """The open image's document; replacing it emits ``document_changed``."""
        return self._document

    @document.setter
    def document(self, doc: ImageDocument | None) -> None:
        self._document = doc
        self.document_changed.emit()

    # ------------------------------------------------------------------ extension API
    def menu(self, name: str) -> QMenu:
        """A top-level menu by key (file, edit, view, tools, help); others are created on first use."""
        if name not in self._menus:
            menu = QMenu(name.replace("_", " ").title(), self)
            self.menuBar().insertMenu(self._menus["help"].menuAction(), menu)
            self._menus[name] = menu
        return self._menus[name]

    def add_action(self, action: QAction, menu: str | None = "tools", toolbar: bool = False) -> QAction:
        if menu:
            quit_ = self.action("quit")
            if menu == "file" and quit_ is not None:  # Quit stays last (Open Video... went below it)
                self.menu(menu).insertAction(self._quit_separator, action)
            else:
                self.menu(menu).addAction(action)
        if toolbar:
            self.toolbar.addAction(action)
        if action.parent() is None:
            action.setParent(self)
        self.addAction(action)  # shortcuts work even when the menu bar is hidden
        return action

    def action(self, name: str) -> QAction | None:
        """A built-in action by name (``actions_by_name``: "quit", "edit_mode", "create_polygon", ...)."""
        return self.actions_by_name.get(name)

    def add_tool_button(self, action: QAction, mode: bool = False) -> None:
        """Put ``action`` on the toolbar among the drawing tools (before "Edit Shapes"); with
        ``mode`` it joins their exclusive group, so the toolbar shows which mode is on."""
        if mode:
            self.mode_group.addAction(action)
        edit_mode = self.action("edit_mode")
        if edit_mode is not None:
            self.toolbar.insertAction(edit_mode, action)
        else:
            self.toolbar.addAction(action)
        if action.parent() is None:
            action.setParent(self)

    def dock_beside_files(self, dock: QDockWidget) -> None:
        """Add ``dock`` as a hidden tab beside the file list (it gets the column's height
        instead of a sliver), with the file list in front."""
        self.addDockWidget(Qt.RightDockWidgetArea, dock)
        self.tabifyDockWidget(self.file_dock, dock)
        self.file_dock.raise_()
        dock.hide()

    def show_status(self, text: str, ms: int = 8000) -> None:
        """A transient message in the status bar."""
        self.statusBar().showMessage(text, ms)

    def has_unsaved_edits(self) -> bool:
        return bool(self.document is not None and self.document.modified)

    def current_image_path(self) -> Path | None:
        return self.document.image_path if self.document is not None else None

    def current_image(self) -> np.ndarray | None:
        """The RGB pixels shown (a downscaled level for images above ``max_display_pixels``)."""
        return self._image_rgb

    def current_shapes(self) -> list[Shape]:
        return list(self.canvas.shapes)

    def add_shapes(self, shapes: list[Shape], replace: bool = False) -> None:
        """Add (or replace all shapes with) ``shapes`` as one undoable edit."""
        if replace:
            self.set_shapes(shapes)
            return
        if self.document is None:
            raise RuntimeError("no image is open")
        self.canvas.add_shapes(list(shapes), "Add shapes", select=False)

    def set_shapes(self, shapes: list[Shape], label: str = "Replace shapes") -> None:
        """Replace all shapes with ``shapes`` as one undoable edit named ``label``."""
        if self.document is None:
            raise RuntimeError("no image is open")
        self.canvas.set_shapes(list(shapes))
        self.on_canvas_edited(label)

    def document_edited(self) -> None:
        """The open document was changed through its own API (image flags, review): the
        title's unsaved mark and the actions (undo, save) follow."""
        self.update_title()
        self.update_actions()

    def apply_prediction(self, shapes: list[Shape], replace: bool, flags: dict[str, bool], title: str) -> None:
        """A model's result on the open image as one undo step: ``shapes`` added (with
        ``replace``: all shapes replaced by them), then its image ``flags`` merged into the
        image's flags (names it does not mention are kept, e.g. the user's "blurry"), as the
        batch run writes them to the file."""
        doc = self.document
        if doc is None:
            raise RuntimeError("no image is open")
        steps_before = doc.history.pushes
        if replace:
            self.set_shapes(shapes)
        elif shapes:
            self.add_shapes(shapes)
        if not flags:
            return
        merged = {**doc.flags, **{str(k): bool(v) for k, v in flags.items()}}
        if merged == doc.flags:
            return  # the same run twice: no new step, the image stays as it was
        if doc.history.pushes != steps_before:  # shapes were added: the flags join that step
            doc.history.amend_flags(merged)
        else:
            doc.set_flags(merged, f"{title}: image flags")
        self.document_edited()

    # ------------------------------------------------------------------ messages
    def report_error(self, text: str) -> None:
        """Show an error without blocking (status bar and a window-modal box)."""
        log.warning("%s", text)
        self.error_messages.append(text)
        self.statusBar().showMessage(text, 20000)
        if self.show_error_dialogs:
            box = QMessageBox(QMessageBox.Warning, translate("main_window", "AnyLabel"), text, QMessageBox.Ok, self)
            box.setAttribute(Qt.WA_DeleteOnClose)
            box.open()

    def _dialog_ask_unsaved(self, name: str) -> str:
        r = QMessageBox.question(self, translate("main_window", "Unsaved changes"), translate("main_window", "Save the changes to the labels of {0}?").format(name),
                                 QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
        return {QMessageBox.Save: "save", QMessageBox.Discard: "discard"}.get(r, "cancel")

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fit_toolbar()

    def fit_toolbar(self) -> None:
        """Text under the icons when the side toolbar has the height for it, else text beside
        them: at 1280x720 the tall buttons pushed Undo/Redo into the overflow menu."""
        tb = self.toolbar
        under, beside = Qt.ToolButtonTextUnderIcon, Qt.ToolButtonTextBesideIcon
        if tb.orientation() != Qt.Vertical or tb.toolButtonStyle() not in (under, beside):
            return  # moved to the top, or the user's own style
        room = self.height() - self.menuBar().sizeHint().height()
        if self.statusBar().isVisible():
            room -= self.statusBar().sizeHint().height()
        if tb.toolButtonStyle() != under:
            tb.setToolButtonStyle(under)  # measure the tall layout
        tb.setToolButtonStyle(under if tb.sizeHint().height() <= room else beside)

    def closeEvent(self, event) -> None:  # noqa: N802
        if not self.maybe_save():
            event.ignore()
            return
        self._save_layout()
        self.settings.save()
        # Every background job of the window and its docks/dialogs is cancelled and waited
        # for, so none writes label files or touches widgets after the window is gone.
        stop_tasks(self)
        self.canvas.shutdown()
        pool = getattr(self, "_decode_pool", None)
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
            self._decode_pool = None
        super().closeEvent(event)
