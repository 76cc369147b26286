"""The dialog that asks how to split a video: folder, every N-th frame, range."""
from __future__ import annotations

from pathlib import Path

from qtpy.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                            QPushButton, QSpinBox, QWidget)

from ...core.video_frames import VideoInfo, default_frames_dir
from ..i18n import translate


class ExtractDialog(QDialog):
    def __init__(self, info: VideoInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("extract_dialog", "Open Video: {0}").format(info.path.name))
        self.info = info
        form = QFormLayout(self)
        fps = f"{info.fps:g} fps" if info.fps else "unknown frame rate"
        count = f"{info.frame_count} frames" if info.frame_count else "unknown length"
        form.addRow(QLabel(translate("extract_dialog", "{0} x {1}, {2}, {3}").format(info.width, info.height, fps, count)))
        row = QHBoxLayout()
        self.folder = QLineEdit(str(default_frames_dir(info.path)))
        browse = QPushButton("...")
        browse.clicked.connect(self._browse)
        row.addWidget(self.folder)
        row.addWidget(browse)
        form.addRow(translate("extract_dialog", "Frames folder"), row)
        last = max(1, info.frame_count or 10_000_000)
        self.interval = QSpinBox()
        self.interval.setRange(1, 100_000)
        self.interval.setValue(1)
        self.interval.setSuffix(translate("extract_dialog", " (every N-th frame)"))
        self.start = QSpinBox()
        self.start.setRange(1, last)
        self.start.setValue(1)
        self.end = QSpinBox()
        self.end.setRange(1, last)
        self.end.setValue(last)
        form.addRow(translate("extract_dialog", "Interval"), self.interval)
        form.addRow(translate("extract_dialog", "First frame"), self.start)
        form.addRow(translate("extract_dialog", "Last frame"), self.end)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self) -> None:
        d = QFileDialog.getExistingDirectory(self, translate("extract_dialog", "Frames folder"), str(self.info.path.parent))
        if d:
            self.folder.setText(d)

    def options(self) -> dict:
        """Keyword arguments for ``extract_frames``."""
        end = self.end.value()
        return {"out_dir": Path(self.folder.text()), "interval": self.interval.value(), "start": self.start.value(),
                "end": None if self.info.frame_count and end >= self.info.frame_count else end}
