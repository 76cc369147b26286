"""Auto labeling in the main window: the panel (Ctrl+A) and "run all images" (Ctrl+B)."""
from __future__ import annotations

from qtpy.QtCore import Qt
from qtpy.QtWidgets import QAction

from ..autolabel.panel import AutoLabelPanel
from ..i18n import translate
from ..icons import tool_icon
from ..window_api import WindowAPI


def install(window: WindowAPI) -> None:
    from ...inference.download import set_mirror

    # rc file: autolabel: {model_mirror: https://my.mirror/models/}
    set_mirror(window.settings.get("autolabel.model_mirror"))
    panel = AutoLabelPanel(window)
    window.dock_beside_files(panel)
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
    window.add_tool_button(toggle)
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
