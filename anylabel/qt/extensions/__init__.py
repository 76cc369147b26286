"""Features that plug into the main window without the main window knowing them.

Each module here (``anylabel/qt/extensions/<feature>.py``) defines
``install(window) -> None`` and is called once by the main window after it has built
its menus, canvas and docks, in alphabetical order. A failing extension is reported in
the log and the status bar and does not stop the app.

What an extension may use of ``window`` is ``anylabel.qt.window_api.WindowAPI`` (a
``typing.Protocol``; ``anylabel.qt.main_window.MainWindow`` is one) and nothing else: no
``getattr``/``hasattr`` probing, no private names of the window or of other modules
(``tests/qt/test_window_api.py`` scans this package and the feature packages it installs).
The members, in short:
- ``window.menu(name) -> QMenu``: ``"file"``, ``"edit"``, ``"view"``, ``"tools"``, ``"help"``
  (created on first use for other names); ``window.add_action(action, menu=..., toolbar=False)``;
  ``window.action(name)``: a built-in QAction ("quit", "edit_mode", ...) or None.
- ``window.add_tool_button(action, mode=False)``: a button among the drawing tools (``mode``:
  it joins their exclusive group); ``window.dock_beside_files(dock)``: a hidden tab beside
  the file list; ``window.add_panel_toggle(dock)``: listed in View > Panels. Qt's own
  ``addDockWidget``, ``tabifyDockWidget``, ``resizeDocks``, ``addAction``, ``statusBar``.
- ``window.canvas``, ``window.settings`` (extension keys under their own name),
  ``window.folder_index``, ``window.current_index``, ``window.document``, ``window.toolbar``,
  ``window.file_dock``, ``window.shape_dock``, ``window.mode_group``, ``window.label_provider``.
- ``window.current_image_path()``, ``window.current_image()`` (RGB, as shown),
  ``window.current_shapes()``.
- ``window.add_shapes(shapes, replace=False)`` / ``window.set_shapes(shapes, label=...)``:
  one undoable edit each; ``window.apply_prediction(shapes, replace, flags, title)``: a
  model's shapes and image flags as one undo step; ``window.document_edited()`` after a
  change made through ``window.document`` (flags, review).
- ``window.reload_current() -> bool``: re-read the shown image's label file from disk. Call it
  after a background job wrote label files, for the file of the image on screen (``open_image``
  returns at once for the image already open). The view stays; without unsaved edits the file's
  shapes replace the shown ones (one undoable step, nothing written); with unsaved edits the
  user's new/edited shapes are kept on top of the file's shapes and the status bar says so.
  Saving also never overwrites a label file changed on disk since it was read: it merges the
  same way. Must be called on the GUI thread (emit a signal from a worker).
  ``window.label_file_written(path)`` / ``window.label_files_changed()``: a job wrote files
  (check marks and counts follow); ``window.has_unsaved_edits()``.
- ``window.remember_label(label)``: put a label first in the label history.
- ``window.open_folder(path, select=None)``, ``window.open_image(index)``, ``window.save()``,
  ``window.maybe_save()``, ``window.open_path(path)``; ``window.add_path_opener(fn)``:
  ``fn(path) -> bool`` is offered files that are neither folders nor images.
- signals ``window.image_changed(str)``, ``window.folder_changed(str)``, ``window.document_changed()``.
- ``window.show_status(text, ms)``; ``window.report_error(text)`` for failures.
- Slots an extension fills (None before): ``autolabel_panel``, ``sam``, ``video``,
  ``tracks_dock``, ``review``, ``export_import``, ``train_dialog``, ``open_video``; and
  ``statistics_sections`` (a list to append to).
A feature that needs more adds a public member to the main window and names it in the
Protocol (see docs/extending.md).

Canvas prompt mode (interactive segmentation, e.g. SAM):
- ``window.canvas.set_prompt_handler(handler)``: while set, mouse clicks on the canvas go
  to ``handler.on_click(x, y, button, modifiers)`` (x, y in image pixels, float;
  ``button`` is ``Qt.LeftButton`` or ``Qt.RightButton``; ``modifiers`` Qt.KeyboardModifiers)
  and a left-button drag goes to ``handler.on_box(x0, y0, x1, y1)`` (image pixels,
  x0 <= x1, y0 <= y1) instead of drawing or editing. ``set_prompt_handler(None)`` returns
  to normal editing.
- ``window.canvas.set_overlay(rgba)``: an (H, W, 4) uint8 RGBA array (usually the image
  size; other sizes are stretched over the image) drawn over the image as a preview;
  ``set_overlay(None)`` removes it. The array is kept by reference, do not modify it after.
- Other canvas members: ``canvas.shapes`` (list, read-only for extensions: change shapes
  through ``window.add_shapes``/``set_shapes``), ``canvas.selected_shapes()``,
  ``canvas.image_width`` / ``image_height`` (true image size), ``canvas.image_to_widget``,
  ``canvas.widget_to_image``, ``canvas.set_mode(shape_type | "edit")``.
"""
from __future__ import annotations

import importlib
import logging
import pkgutil

from ..window_api import WindowAPI

log = logging.getLogger(__name__)


def install_all(window: WindowAPI) -> list[str]:
    """Install every extension; returns messages for those that failed."""
    failures = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        try:
            mod = importlib.import_module(f"{__name__}.{info.name}")
            mod.install(window)
        except Exception as exc:  # noqa: BLE001  # one broken feature must not stop the app
            log.exception("extension %s failed to install", info.name)
            failures.append(f"{info.name}: {exc}")
    return failures
