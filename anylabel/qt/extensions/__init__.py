"""Features that plug into the main window without the main window knowing them.

Each module here (``anylabel/qt/extensions/<feature>.py``) defines
``install(window) -> None`` and is called once by the main window after it has built
its menus, canvas and docks, in alphabetical order. A failing extension is reported in
the log and the status bar and does not stop the app.

What an extension may use on ``window`` (``anylabel.qt.main_window.MainWindow``):
- ``window.menu(name) -> QMenu``: ``"file"``, ``"edit"``, ``"view"``, ``"tools"``, ``"help"``
  (created on first use for other names), to add actions.
- ``window.add_action(action, menu=..., toolbar=False)``.
- ``window.addDockWidget(area, dock)`` / ``window.tabifyDockWidget``: Qt's own.
- ``window.canvas``: the canvas widget (``anylabel.qt.canvas``).
- ``window.current_image_path() -> pathlib.Path | None``
- ``window.current_image() -> numpy.ndarray | None`` (RGB, as shown).
- ``window.folder_index -> anylabel.core.FolderIndex | None``
- ``window.current_shapes() -> list[anylabel.core.Shape]``
- ``window.add_shapes(shapes, replace=False)``: one undoable edit; marks the image changed.
- ``window.set_shapes(shapes)``: one undoable edit replacing all shapes.
- ``window.reload_current() -> bool``: re-read the shown image's label file from disk. Call it
  after a background job wrote label files, for the file of the image on screen (``open_image``
  returns at once for the image already open). The view stays; without unsaved edits the file's
  shapes replace the shown ones (one undoable step, nothing written); with unsaved edits the
  user's new/edited shapes are kept on top of the file's shapes and the status bar says so.
  ``open_image(index)`` of the image already shown does the same when its file changed.
  Saving also never overwrites a label file changed on disk since it was read: it merges the
  same way. Must be called on the GUI thread (emit a signal from a worker).
- ``window.remember_label(label)``: put a label first in the label history (offered first in
  the label dialog), e.g. after an extension asked the user for a label.
- ``window.open_folder(path)``, ``window.open_image(index)``, ``window.save()``,
  ``window.open_path(path)`` (folder, image, or a file an extension opens).
- ``window.add_path_opener(fn)``: ``fn(path) -> bool`` is offered files that are neither
  folders nor images (``anylabel PATH``, drag and drop); return True when handled. A
  ``window.open_video(path)`` set by an extension is used for video suffixes too.
- ``window.settings``: the settings object (read/write extension keys under their own name).
- signals ``window.image_changed(str)`` (path of the image now shown) and
  ``window.folder_changed(str)``.
- ``window.statusBar().showMessage(text, ms)``; ``window.report_error(text)`` for failures.
- ``window.toolbar`` (QToolBar), ``window.actions_by_name[name]`` (built-in QActions).

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

log = logging.getLogger(__name__)


def install_all(window) -> list[str]:
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
