"""The Tracks dock: every track of the open folder with its colour, label and frame span;
jump to its first/last frame; rename, merge, split, delete; and the sequence tools
(track boxes, interpolate, propagate from the current frame)."""
from __future__ import annotations


from qtpy.QtCore import Qt
from qtpy.QtGui import QIcon, QPixmap
from qtpy.QtWidgets import (QCheckBox, QComboBox, QDockWidget, QGridLayout, QInputDialog, QLabel, QPushButton, QSpinBox,
                            QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from ...core.tracks import TrackListing, list_tracks
from ..canvas.colors import label_color
from .colors import track_color
from .controller import VideoController
from ..i18n import QT_TRANSLATE_NOOP, translate
from ..window_api import WindowAPI

COLUMNS = (QT_TRANSLATE_NOOP("tracks_dock", "Track"), QT_TRANSLATE_NOOP("tracks_dock", "Label"),
           QT_TRANSLATE_NOOP("tracks_dock", "First"), QT_TRANSLATE_NOOP("tracks_dock", "Last"),
           QT_TRANSLATE_NOOP("tracks_dock", "Frames"))


def _swatch(track_id: int, label: str, by_track: bool) -> QIcon:
    """The colour the canvas draws the track's shapes in: its track colour with View > Colour
    by Track Id, else its label's colour (as ``shape_render.color_key`` picks it)."""
    pm = QPixmap(12, 12)
    pm.fill(track_color(track_id) if by_track else label_color(label))
    return QIcon(pm)


class TracksDock(QDockWidget):
    def __init__(self, window: WindowAPI, controller: VideoController) -> None:
        super().__init__(translate("tracks_dock", "Tracks"), window)
        self.setObjectName("tracks_dock")
        self.window_ = window
        self.ctl = controller
        self.listing: TrackListing | None = None
        body = QWidget(self)
        lay = QVBoxLayout(body)
        lay.setContentsMargins(4, 4, 4, 4)
        self.tree = QTreeWidget(body)
        self.tree.setHeaderLabels([translate("tracks_dock", c) for c in COLUMNS])
        self.tree.setRootIsDecorated(False)
        self.tree.setSortingEnabled(False)
        self.tree.setMinimumHeight(140)
        self.tree.itemDoubleClicked.connect(lambda *_: self.jump_first())
        self.tree.currentItemChanged.connect(lambda *_: self.select_on_canvas())
        lay.addWidget(self.tree)
        self.summary = QLabel("")
        lay.addWidget(self.summary)

        grid = QGridLayout()
        self.buttons: dict[str, QPushButton] = {}

        def button(name: str, text: str, slot, row: int, col: int, tip: str = "") -> None:
            b = QPushButton(text, body)
            b.setToolTip(tip)
            b.clicked.connect(lambda *_: slot())
            grid.addWidget(b, row, col)
            self.buttons[name] = b

        button("first", translate("tracks_dock", "First frame"), self.jump_first, 0, 0, translate("tracks_dock", "Go to the track's first frame"))
        button("last", translate("tracks_dock", "Last frame"), self.jump_last, 0, 1, translate("tracks_dock", "Go to the track's last frame"))
        button("refresh", translate("tracks_dock", "Refresh"), self.refresh, 0, 2)
        button("rename", translate("tracks_dock", "Rename..."), self.rename, 1, 0, translate("tracks_dock", "Give every box of the track another label"))
        button("merge", translate("tracks_dock", "Merge into..."), self.merge, 1, 1, translate("tracks_dock", "This track and another are one object"))
        button("split", translate("tracks_dock", "Split here"), self.split, 1, 2, translate("tracks_dock", "From the current frame on, a new track id"))
        button("delete", translate("tracks_dock", "Delete"), self.delete, 2, 0, translate("tracks_dock", "Remove the track's shapes from every frame"))
        lay.addLayout(grid)

        tools = QGridLayout()
        self.tracker = QComboBox(body)
        from ...inference.trackers import TRACKERS

        self.tracker.addItems(list(TRACKERS))
        tools.addWidget(self.tracker, 0, 0)
        b = QPushButton(translate("tracks_dock", "Track boxes"), body)
        b.setToolTip(translate("tracks_dock", "Assign track ids to the boxes (rectangles, rotated boxes) in this folder's label files; ids you set are kept and continued"))
        b.clicked.connect(lambda *_: self.track_boxes())
        tools.addWidget(b, 0, 1)
        self.buttons["track"] = b
        self.reassign = QCheckBox(translate("tracks_dock", "Recompute ids already set"), body)
        self.reassign.setToolTip(translate("tracks_dock", "Track boxes gives every box a new id, also the ids you set; shapes grouped with a box (keypoints, polygon parts) follow it"))
        tools.addWidget(self.reassign, 5, 0, 1, 2)
        b = QPushButton(translate("tracks_dock", "Detect + track"), body)
        b.setToolTip(translate("tracks_dock", "Run the Auto Labeling panel's model with this tracker from the current frame (the frame count below; your frames are never changed)"))
        b.clicked.connect(lambda *_: self.ctl.detect_and_track(self.tracker.currentText(), self.count.value()))
        tools.addWidget(b, 4, 0, 1, 2)
        self.buttons["detect_track"] = b
        b = QPushButton(translate("tracks_dock", "Interpolate keyframes"), body)
        b.setToolTip(translate("tracks_dock", "Fill the frames between two boxes of the same track id (your frames are never changed)"))
        b.clicked.connect(lambda *_: self.ctl.interpolate())
        tools.addWidget(b, 1, 0, 1, 2)
        self.buttons["interpolate"] = b
        self.direction = QComboBox(body)
        for key, title in (("forward", QT_TRANSLATE_NOOP("tracks_dock", "forward")),
                           ("backward", QT_TRANSLATE_NOOP("tracks_dock", "backward")),
                           ("both", QT_TRANSLATE_NOOP("tracks_dock", "both"))):
            self.direction.addItem(translate("tracks_dock", title), key)  # the controller takes the key
        self.count = QSpinBox(body)
        self.count.setRange(0, 1_000_000)
        self.count.setSpecialValueText(translate("tracks_dock", "to the end"))
        self.count.setSuffix(translate("tracks_dock", " frames"))
        tools.addWidget(self.direction, 2, 0)
        tools.addWidget(self.count, 2, 1)
        b = QPushButton(translate("tracks_dock", "Propagate from this frame"), body)
        b.setToolTip(translate("tracks_dock", "Carry this frame's objects through the next/previous frames (your frames are never changed)"))
        b.clicked.connect(lambda *_: self.ctl.propagate(self.direction.currentData(), self.count.value()))
        tools.addWidget(b, 3, 0, 1, 2)
        self.buttons["propagate"] = b
        lay.addLayout(tools)
        self.setWidget(body)
        controller.labels_changed.connect(self.refresh)

    def track_boxes(self):
        """Track the folder's boxes with the chosen tracker (and the "recompute" choice)."""
        return self.ctl.track_boxes(self.tracker.currentText(), reassign=self.reassign.isChecked())

    # ------------------------------------------------------------------ listing
    def _by_track(self) -> bool:
        canvas = self.window_.canvas
        return bool(canvas is not None and canvas.style.color_by_track)

    def refresh(self) -> None:
        frames = self.ctl.frames()
        self.tree.clear()
        if frames is None:
            self.listing = None
            self.summary.setText(translate("tracks_dock", "No folder open"))
            return
        self.listing = list_tracks(frames)
        names = frames.index.names
        for t in self.listing.tracks:
            item = QTreeWidgetItem([str(t.track_id), ", ".join(t.labels), str(t.first + 1), str(t.last + 1),
                                    str(t.frames)])
            item.setIcon(0, _swatch(t.track_id, t.label, self._by_track()))
            item.setData(0, Qt.UserRole, t.track_id)
            item.setToolTip(0, f"{names[t.first]} .. {names[t.last]}")
            self.tree.addTopLevelItem(item)
        self.on_image_changed()
        for c in range(len(COLUMNS)):
            self.tree.resizeColumnToContents(c)
        text = f"{len(self.listing.tracks)} track(s)"
        if self.listing.errors:
            text += f"; {len(self.listing.errors)} unreadable label file(s)"
            self.summary.setToolTip("\n".join(self.listing.errors[:20]))
        self.summary.setText(text)

    def selected_id(self) -> int | None:
        item = self.tree.currentItem()
        return None if item is None else int(item.data(0, Qt.UserRole))

    def select_track(self, track_id: int) -> bool:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if int(item.data(0, Qt.UserRole)) == track_id:
                self.tree.setCurrentItem(item)
                return True
        return False

    def _span(self, track_id: int):
        if self.listing is None:
            return None
        return next((t for t in self.listing.tracks if t.track_id == track_id), None)

    def select_on_canvas(self) -> None:
        """Select the chosen track's shapes on the frame shown, if it is there."""
        tid = self.selected_id()
        canvas = self.window_.canvas
        if tid is None or canvas is None:
            return
        hits = [i for i, s in enumerate(canvas.shapes) if s.group_id == tid]
        if hits:
            canvas.select_indices(hits)

    def on_image_changed(self, _path: str = "") -> None:
        """Mark the tracks present on the frame shown (bold) and keep the chosen one selected there."""
        canvas = self.window_.canvas
        here = {s.group_id for s in canvas.shapes} if canvas is not None else set()
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            font = item.font(0)
            font.setBold(int(item.data(0, Qt.UserRole)) in here)
            for c in range(len(COLUMNS)):
                item.setFont(c, font)
        self.select_on_canvas()

    # ------------------------------------------------------------------ actions
    def jump_first(self) -> None:
        tid = self.selected_id()
        span = self._span(tid) if tid is not None else None
        if span is not None:
            self.ctl.jump(span.first)

    def jump_last(self) -> None:
        tid = self.selected_id()
        span = self._span(tid) if tid is not None else None
        if span is not None:
            self.ctl.jump(span.last)

    def rename(self) -> None:
        tid = self.selected_id()
        if tid is None:
            return
        span = self._span(tid)
        text, ok = QInputDialog.getText(self, translate("tracks_dock", "Rename track"), translate("tracks_dock", "New label for track {0}:").format(tid),
                                        text=span.label if span else "")
        if ok and text.strip():
            self.ctl.rename_track(tid, text.strip())

    def merge(self) -> None:
        tid = self.selected_id()
        if tid is None or self.listing is None:
            return
        others = [str(t.track_id) for t in self.listing.tracks if t.track_id != tid]
        if not others:
            return
        choice, ok = QInputDialog.getItem(self, translate("tracks_dock", "Merge track"), translate("tracks_dock", "Track {0} becomes part of track:").format(tid), others, 0, False)
        if ok:
            self.ctl.merge_tracks(int(choice), tid)

    def split(self) -> None:
        tid = self.selected_id()
        if tid is not None:
            self.ctl.split_track(tid)

    def delete(self) -> None:
        tid = self.selected_id()
        if tid is not None:
            self.ctl.delete_track(tid)
