"""Segment Anything in the main window (Tools > Segment Anything).

Q positive click, E negative click (right click is always negative), drag a box, B clear
the prompts, F finish the object (label dialog, then a shape). Keys can be changed in
the rc file under ``shortcuts.sam_positive`` / ``sam_negative`` / ``sam_clear`` /
``sam_finish``. Options live under ``sam.*`` in the settings.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from qtpy.QtGui import QKeySequence
from qtpy.QtWidgets import QAction, QActionGroup, QFileDialog, QInputDialog, QMenu

from ..background import BackgroundTask
from ..sam.controller import SamController, output_modes
from ..i18n import QT_TRANSLATE_NOOP, translate
from ..window_api import WindowAPI

OUTPUT_TITLES = {"polygon": QT_TRANSLATE_NOOP("sam", "Polygon"), "rectangle": QT_TRANSLATE_NOOP("sam", "Rectangle"),
                 "rotation": QT_TRANSLATE_NOOP("sam", "Rotation"), "mask": QT_TRANSLATE_NOOP("sam", "Mask")}
SHORTCUTS = {"sam_positive": "Q", "sam_negative": "E", "sam_clear": "B", "sam_finish": "F"}


def _keys(window: WindowAPI, name: str) -> list[QKeySequence]:
    keys = window.settings.get(f"shortcuts.{name}", SHORTCUTS[name])  # defaults: core.settings
    if keys is None:
        return []
    return [QKeySequence(k) for k in ([keys] if isinstance(keys, str) else keys)]


def _action(window: WindowAPI, menu: QMenu, text: str, slot, name: str | None = None) -> QAction:
    act = QAction(text, window)
    if name:
        act.setShortcuts(_keys(window, name))
    act.triggered.connect(lambda *_: slot())
    menu.addAction(act)
    window.addAction(act)  # shortcuts work with the menu bar hidden
    return act


def sam_configs() -> list[Any]:
    """Shipped configs of the SAM family (broken ones are skipped here; the model
    picker of the auto-labelling panel reports them)."""
    from ...inference.config import shipped_configs

    from ...inference.registry import types_with

    prompted = set(types_with(point_prompts=True))  # the registry knows which types take clicks
    configs, _errors = shipped_configs()
    return [c for c in configs if c.type in prompted]


def install(window: WindowAPI) -> None:
    ctl = SamController(window)
    window.sam = ctl
    window.image_changed.connect(ctl.on_image_changed)
    ctl.status.connect(lambda text: window.show_status(text, 8000))
    window.canvas.mode_changed.connect(lambda _mode: ctl.deactivate() if ctl.active else None)

    menu: QMenu = window.menu("tools").addMenu(translate("sam", "Segment &Anything"))
    models = menu.addMenu(translate("sam", "&Model"))

    def fill_models() -> None:
        models.clear()
        for cfg in sam_configs():
            _action(window, models, cfg.title, lambda c=cfg: ctl.load_model(c))
        models.addSeparator()
        _action(window, models, translate("sam", "Load Model Config (YAML)..."), load_from_file)

    def load_from_file() -> None:
        from ...inference.config import load_config

        path, _ = QFileDialog.getOpenFileName(window, translate("sam", "SAM model config"), "", translate("sam", "Model config (*.yaml *.yml)"))
        if path:
            try:
                ctl.load_model(load_config(path))
            except Exception as exc:  # noqa: BLE001  # any config problem is shown, not raised into Qt
                window.report_error(str(exc))

    models.aboutToShow.connect(fill_models)

    def start(negative: bool) -> None:
        demo = False
        if ctl.model is None and ctl.loading is None:
            if ctl.option("model"):
                _restore_model(window, ctl)  # the model used last time
            else:
                demo = _offer_demo_model(ctl)  # first run: Q works offline at once
        ctl.activate(negative)
        if demo:  # said plainly, where the user looks: this is not a real SAM
            window.show_status(translate(
                "sam", "Segment Anything: no model chosen yet, so the offline demo model is used (it selects "
                       "regions of similar colour; choose a real model in Tools > Segment Anything)"), 20000)

    menu.addSeparator()
    _mode_button(window, ctl, lambda: start(False))
    _action(window, menu, translate("sam", "&Positive Point"), lambda: start(False), "sam_positive")
    _action(window, menu, translate("sam", "&Negative Point"), lambda: start(True), "sam_negative")
    # B / F act only while Segment Anything is on: otherwise the keys stay free (a disabled
    # action's shortcut does not fire).
    in_mode = [_action(window, menu, translate("sam", "&Clear Prompts"), ctl.clear, "sam_clear"),
               _action(window, menu, translate("sam", "&Finish Object"), ctl.finish, "sam_finish"),
               _action(window, menu, translate("sam", "&Leave Segment Anything"), ctl.deactivate)]
    for act in in_mode:
        act.setEnabled(ctl.active)
        ctl.active_changed.connect(act.setEnabled)
    menu.addSeparator()

    out = menu.addMenu(translate("sam", "&Output"))
    group = QActionGroup(window)
    for mode in output_modes():
        act = QAction(translate("sam", OUTPUT_TITLES.get(mode, mode.capitalize())), window, checkable=True)
        act.setChecked(mode == ctl.option("output_mode"))
        act.triggered.connect(lambda _c=False, m=mode: ctl.set_option("output_mode", m))
        group.addAction(act)
        out.addAction(act)

    def ask_tolerance() -> None:
        value, ok = QInputDialog.getDouble(window, translate("sam", "Polygon tolerance"), translate("sam", "Simplification tolerance (pixels):"),
                                           float(ctl.option("tolerance")), 0.0, 50.0, 1)
        if ok:
            ctl.set_option("tolerance", value)

    _action(window, menu, translate("sam", "Polygon &Tolerance..."), ask_tolerance)
    menu.addSeparator()
    _action(window, menu, translate("sam", "Segment &Everything (This Image)"), ctl.segment_everything_here)
    _action(window, menu, translate("sam", "Rectangles to Segments (This &Image)"), ctl.boxes_to_segments_here)
    _action(window, menu, translate("sam", "Rectangles to Segments (Whole &Folder)"), lambda: _folder_run(window, ctl))


def _mode_button(window: WindowAPI, ctl: SamController, start) -> QAction:  # type: ignore[no-untyped-def]
    """A toolbar button among the drawing tools that shows when Segment Anything is on (one
    exclusive group with them: "Edit Shapes" no longer stays highlighted) and turns it on."""
    from ..icons import tool_icon

    act = QAction(translate("sam", "Segment Anything"), window)
    act.setObjectName("sam_mode")
    act.setCheckable(True)
    act.setIcon(tool_icon("sam"))
    keys = _keys(window, "sam_positive")
    act.setToolTip(translate("sam", "Segment Anything: click on an object") + (f" ({keys[0].toString()})" if keys else ""))
    window.add_tool_button(act, mode=True)
    act.triggered.connect(lambda on: start() if on else ctl.deactivate())

    def follow(on: bool) -> None:
        if on:
            act.setChecked(True)
        elif act.isChecked():  # back to the canvas mode the tools show
            mode = window.canvas.mode
            back = window.action("edit_mode" if mode == "edit" else f"create_{mode}")
            if back is not None:
                back.setChecked(True)
            else:
                act.setChecked(False)

    ctl.active_changed.connect(follow)
    return act


#: The SAM model Q starts with when none was ever chosen: it ships with the app and needs no
#: download (models/configs/sam_demo_colour.yaml), so a first run shows what a click does.
DEMO_SAM_CONFIG = "sam_demo_colour"


def _offer_demo_model(ctl: SamController) -> bool:
    """Start loading the demo SAM; False when this build has none (Q then asks for a model)."""
    from ...inference.config import ConfigError, find_config

    try:
        config = find_config(DEMO_SAM_CONFIG)
    except (ConfigError, FileNotFoundError, LookupError):
        return False
    ctl.load_model(config)
    return True


def _restore_model(window: WindowAPI, ctl: SamController) -> None:
    from ...inference.config import find_config

    try:
        ctl.load_model(find_config(str(ctl.option("model"))))
    except Exception as exc:  # noqa: BLE001  # a moved/deleted config is reported, not fatal
        window.report_error(translate("sam", "Segment Anything: the last model ({0}) cannot be loaded: {1}").format(ctl.option('model'), exc))


def _folder_run(window: WindowAPI, ctl: SamController) -> BackgroundTask | None:
    """Every other image of the folder in a worker thread (label files written atomically);
    the image on screen goes through the undo history instead."""
    from ...inference.sam.box_to_segment import segment_label_files

    idx = window.folder_index
    if ctl.model is None or idx is None:
        window.show_status(translate("sam", "Segment Anything: choose a model and open a folder first"), 8000)
        return None
    window.save()
    current = window.current_image_path()
    paths = [idx.path(i) for i in range(len(idx))
             if idx.has_label(i) and (current is None or Path(idx.path(i)) != Path(current))]
    ctl.boxes_to_segments_here()
    model = ctl.model
    task = BackgroundTask(lambda progress, cancel: segment_label_files(model, paths, progress=progress, cancel=cancel),
                          name="sam-folder", cancel=ctl.folder_cancel, parent=window,
                          describe=lambda exc: translate("controller", "Segment Anything: {0}: {1}").format(idx.folder, exc))
    merged: list[str] = []  # images on screen whose unsaved edits were merged into the run's file

    def reload_if_shown(path: Path) -> None:
        """The user may have moved to an image the run has just rewritten: show the new file
        (unsaved edits are merged into it, never lost; see window.reload_current)."""
        shown = window.current_image_path()
        if shown is not None and Path(shown) == Path(path):
            had_edits = window.has_unsaved_edits()
            if window.reload_current() and had_edits:
                merged.append(Path(path).name)

    def progress(i: int, n: int) -> None:
        window.show_status(translate("sam", "Rectangles to segments: {0}/{1}").format(i, n), 3000)
        if 0 < i <= len(paths):
            reload_if_shown(paths[i - 1])  # emitted after file i was written

    task.progress.connect(progress)

    def done(res: Any) -> None:
        msg = translate("sam", "Rectangles to segments: {0} label files written, {1} without rectangles").format(
            res.written, res.skipped)
        if merged:
            msg += translate("sam", "; your unsaved shapes on {0} were kept on top of its new shapes").format(
                ", ".join(dict.fromkeys(merged)))
        if res.failed:
            window.report_error(msg + translate("sam", ", {0} failed:\n").format(len(res.failed)) + "\n".join(res.failed[:10]))
        else:
            window.show_status(msg, 15000)
        shown = window.current_image_path()
        if shown is not None and Path(shown) in {Path(p) for p in paths}:
            window.reload_current()  # no-op when the file did not change

    task.done.connect(done)
    task.failed.connect(window.report_error)
    return task.start()
