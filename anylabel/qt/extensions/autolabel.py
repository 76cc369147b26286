"""Auto labeling in the main window: the panel (Ctrl+A) and "run all images" (Ctrl+B)."""
from __future__ import annotations

from qtpy.QtCore import Qt
from qtpy.QtWidgets import QAction

from ..autolabel.panel import AutoLabelPanel
from ..i18n import translate
from ..icons import tool_icon


def install(window) -> None:  # type: ignore[no-untyped-def]
    from ...inference.download import set_mirror

    settings = getattr(window, "settings", None)
    if settings is not None:  # rc file: autolabel: {model_mirror: https://my.mirror/models/}
        set_mirror(settings.get("autolabel.model_mirror"))
    panel = AutoLabelPanel(window)
    window.addDockWidget(Qt.RightDockWidgetArea, panel)
    files = getattr(window, "file_dock", None)
    if files is not None:
        # A tab beside the file list: the panel gets the column's height instead of a sliver.
        window.tabifyDockWidget(files, panel)
        files.raise_()
    panel.hide()
    window.autolabel_panel = panel
    window.folder_changed.connect(panel.on_folder_changed)

    toggle = QAction(translate("autolabel", "&Auto Labeling Panel"), window)
    toggle.setShortcut("Ctrl+A")
    toggle.setCheckable(True)
    toggle.setIcon(tool_icon("ai"))
    toggle.setIconText(translate("autolabel", "AI Label"))  # the toolbar button's text
    toggle.setToolTip(translate("autolabel", "Auto labeling with a model: open the panel (Ctrl+A)"))
    def show_panel(on: bool) -> None:
        panel.setVisible(on)
        if on:
            panel.raise_()  # bring its tab to the front
            # The files tab is the short bottom of the column: give the panel most of it so
            # Load, Run and the status line are on screen without scrolling.
            window.resizeDocks([panel], [int(window.height() * 0.62)], Qt.Vertical)

    toggle.toggled.connect(show_panel)
    # Follow open/closed, not "tab in front": a tabbed dock reports itself invisible when
    # another tab is in front, which must not close it.
    panel.toggleViewAction().toggled.connect(toggle.setChecked)
    window.add_action(toggle, menu="tools")
    # The AI button among the drawing tools, so a first run shows what the tool is for.
    toolbar = getattr(window, "toolbar", None)
    if toolbar is not None:
        edit_mode = getattr(window, "actions_by_name", {}).get("edit_mode")
        toolbar.insertAction(edit_mode, toggle) if edit_mode is not None else toolbar.addAction(toggle)
    if hasattr(window, "add_panel_toggle"):
        window.add_panel_toggle(panel)

    run_one = QAction(translate("autolabel", "Auto Label This &Image"), window)

    def run_here() -> None:
        if panel.model is None:  # nothing to run yet: the panel is where a model is picked
            show_panel(True)
            panel.status.setText(translate("autolabel", "Pick a model in the list and press Load, then run it on this image."))
            return
        panel.run_current()

    run_one.triggered.connect(run_here)
    window.add_action(run_one, menu="tools")

    run_all = QAction(translate("autolabel", "Auto Label &All Images"), window)
    run_all.setShortcut("Ctrl+B")

    def start_all() -> None:
        show_panel(True)
        panel.run_all()

    run_all.triggered.connect(start_all)
    window.add_action(run_all, menu="tools")
