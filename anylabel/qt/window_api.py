"""What a feature that plugs into the main window may use of it: ``WindowAPI``.

The extensions (``anylabel/qt/extensions/*``) and the feature packages they install
(``autolabel``, ``export_import``, ``review``, ``sam``, ``training``, ``video``) receive the
main window typed as this Protocol and use nothing else of it: no ``getattr``/``hasattr``
probing and no private names (``tests/qt/test_window_api.py`` scans their sources and fails
when one reaches beyond the Protocol, and checks that ``MainWindow`` has every member).

A member added here is a promise to the people who write features; keep it small. The
main window's own composition (mixins, docks, dialogs) may use more of itself.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Protocol, runtime_checkable

if TYPE_CHECKING:  # only for the annotations: importing the widgets here would be circular
    import os

    import numpy as np
    from qtpy.QtWidgets import QAction, QActionGroup, QDockWidget, QMenu, QStatusBar, QToolBar, QWidget

    from ..core.folder_index import FolderIndex
    from ..core.settings import Settings
    from ..core.shape import Shape
    from .canvas import Canvas
    from .dialogs.label_dialog import LabelResult
    from .docks import FileListDock, ShapeListDock
    from .document import ImageDocument

#: ``opener(path) -> bool``: True when the extension opened the file.
PathOpener = Callable[[str], bool]


@runtime_checkable
class WindowAPI(Protocol):
    """The main window as extensions see it (``anylabel.qt.main_window.MainWindow`` is one)."""

    # ---- signals (Qt bound signals: ``connect`` / ``emit``)
    image_changed: Any  #: (str) path of the image now shown
    folder_changed: Any  #: (str) folder now open
    document_changed: Any  #: () an image was opened or closed (``document`` replaced)

    # ---- state, read by features
    canvas: Canvas
    settings: Settings
    folder_index: FolderIndex | None
    document: ImageDocument | None  #: the open image's document (undo history, flags, review)
    current_index: int  #: row of the shown image in ``folder_index``, -1 when none
    toolbar: QToolBar
    file_dock: FileListDock
    shape_dock: ShapeListDock
    mode_group: QActionGroup  #: the exclusive group of the canvas-mode tool buttons
    label_provider: Callable[[LabelResult, str], LabelResult | None]  #: asks for a label

    # ---- slots the extensions fill (None until the extension that provides it is installed)
    autolabel_panel: Any  #: anylabel.qt.autolabel.panel.AutoLabelPanel
    sam: Any  #: anylabel.qt.sam.controller.SamController
    video: Any  #: anylabel.qt.video.controller.VideoController
    tracks_dock: Any  #: anylabel.qt.video.tracks_dock.TracksDock
    review: Any  #: anylabel.qt.review.controller.ReviewController
    export_import: Any  #: anylabel.qt.export_import.controller.ExportImportController
    train_dialog: Any  #: anylabel.qt.training.dialog.TrainDialog, built on first use
    open_video: Callable[..., Any] | None  #: ``open_video(path=None, options=None)``
    statistics_sections: list[Callable[[], QWidget | None]]  #: parts of View > Statistics

    # ---- menus, actions, docks
    def menu(self, name: str) -> QMenu: ...
    def add_action(self, action: QAction, menu: str | None = "tools", toolbar: bool = False) -> QAction: ...
    def action(self, name: str) -> QAction | None: ...
    def add_tool_button(self, action: QAction, mode: bool = False) -> None: ...
    def dock_beside_files(self, dock: QDockWidget) -> None: ...
    def add_panel_toggle(self, dock: QDockWidget) -> None: ...

    # ---- the image and its shapes
    def current_image_path(self) -> Path | None: ...
    def current_image(self) -> np.ndarray | None: ...
    def current_shapes(self) -> list[Shape]: ...
    def add_shapes(self, shapes: list[Shape], replace: bool = False) -> None: ...
    def set_shapes(self, shapes: list[Shape], label: str = "Replace shapes") -> None: ...
    def apply_prediction(self, shapes: list[Shape], replace: bool, flags: dict[str, bool], title: str) -> None: ...
    def remember_label(self, label: str) -> None: ...
    def document_edited(self) -> None: ...

    # ---- files
    def open_folder(self, path: str | os.PathLike[str], select: str | None = None) -> bool: ...
    def open_image(self, index: int) -> bool: ...
    def open_path(self, path: str | os.PathLike[str]) -> bool: ...
    def add_path_opener(self, opener: PathOpener) -> None: ...
    def save(self) -> bool: ...
    def maybe_save(self) -> bool: ...
    def reload_current(self) -> bool: ...
    def label_file_written(self, image_path: str | os.PathLike[str]) -> None: ...
    def label_files_changed(self) -> None: ...
    def has_unsaved_edits(self) -> bool: ...

    # ---- messages
    def report_error(self, text: str) -> None: ...
    def show_status(self, text: str, ms: int = 8000) -> None: ...

    # ---- Qt's own QMainWindow members features use
    def statusBar(self) -> QStatusBar: ...  # noqa: N802
    def addDockWidget(self, area: Any, dock: QDockWidget) -> None: ...  # noqa: N802
    def tabifyDockWidget(self, first: QDockWidget, second: QDockWidget) -> None: ...  # noqa: N802
    def resizeDocks(self, docks: list[QDockWidget], sizes: list[int], orientation: Any) -> None: ...  # noqa: N802
    def addAction(self, action: QAction) -> None: ...  # noqa: N802
    def height(self) -> int: ...


#: Every name a feature may use on the window (the test scans the sources against it).
def api_names() -> frozenset[str]:
    names = set(WindowAPI.__annotations__)
    names.update(n for n, v in vars(WindowAPI).items() if callable(v) and not n.startswith("_"))
    return frozenset(names)
