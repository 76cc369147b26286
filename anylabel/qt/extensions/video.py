"""Video: File > Open Video..., the Tracks dock (View > Tracks) and Tools > Video
(track boxes, interpolate keyframes, propagate from the current frame).

``window.open_video(path=None)`` splits a video into frames beside it and opens them;
``window.video`` is the controller (``anylabel.qt.video.controller``). The shortcut of
Open Video is ``shortcuts.open_video`` in the settings (default Ctrl+Shift+O, because
Ctrl+O opens an image here).
"""
from __future__ import annotations

from qtpy.QtGui import QKeySequence
from qtpy.QtWidgets import QAction, QFileDialog

from ..video.controller import VideoController, video_filter
from ..video.tracks_dock import TracksDock
from ..i18n import translate
from ..window_api import WindowAPI

DEFAULT_SHORTCUT = "Ctrl+Shift+O"


def install(window: WindowAPI) -> None:
    ctl = VideoController(window)
    window.video = ctl

    def open_video(path: str | None = None, options: dict | None = None):
        if path is None:
            start = window.settings.get("last_folder") or ""
            path, _ = QFileDialog.getOpenFileName(window, translate("video", "Open Video"), start, video_filter())
            if not path:
                return None
        return ctl.open_video(path, options)

    window.open_video = open_video

    act = QAction(translate("video", "Open &Video..."), window)
    keys = window.settings.get("shortcuts.open_video", DEFAULT_SHORTCUT)
    if keys:
        act.setShortcuts([QKeySequence(k) for k in ([keys] if isinstance(keys, str) else keys)])
    act.triggered.connect(lambda *_: open_video())
    window.add_action(act, menu="file")

    dock = TracksDock(window, ctl)
    window.tracks_dock = dock
    window.dock_beside_files(dock)  # room for the list; the file list is a tab away
    toggle = dock.toggleViewAction()
    toggle.setText(translate("video", "&Tracks"))
    window.add_panel_toggle(dock)  # View > Panels, with the other docks

    video_menu = window.menu("tools").addMenu(translate("video", "&Video"))
    for text, slot in ((translate("video", "Track Boxes in Folder"), lambda: dock.track_boxes()),
                       (translate("video", "Interpolate Keyframes"), lambda: ctl.interpolate()),
                       (translate("video", "Propagate Forward"), lambda: ctl.propagate("forward")),
                       (translate("video", "Propagate Backward"), lambda: ctl.propagate("backward")),
                       (translate("video", "Propagate with SAM 2"), lambda: ctl.propagate_sam2("both"))):
        a = QAction(text, window)
        a.triggered.connect(lambda *_, s=slot: s())
        video_menu.addAction(a)

    def on_folder(_path: str) -> None:
        if dock.isVisible():
            dock.refresh()

    window.folder_changed.connect(on_folder)
    colours = window.action("toggle_track_colors")
    if colours is not None:  # the swatches show the colours the canvas switches to
        colours.toggled.connect(lambda _on: dock.refresh() if dock.isVisible() else None)
    window.image_changed.connect(lambda path: dock.on_image_changed(path) if dock.isVisible() else None)
    dock.visibilityChanged.connect(lambda visible: dock.refresh() if visible else None)
