"""How shapes look: pens, fills and the label tag, in screen pixels."""
from __future__ import annotations

from dataclasses import dataclass

from qtpy.QtGui import QColor, QFont

HANDLE_PX = 7.0        # vertex handle size
HIT_PX = 7.0           # how close (screen px) a click must be to a vertex or edge
ROTATE_HANDLE_PX = 28  # distance of the rotate handle from the box edge
POINT_PX = 4.5         # radius of a point shape


@dataclass
class Style:
    line_width: float = 2.0
    fill: bool = True
    fill_alpha: int = 50
    selected_fill_alpha: int = 110
    show_labels: bool = True
    min_label_px: float = 14.0  # shapes smaller than this on screen get no label tag
    color_by_track: bool = False  # video work: each group_id (track id) gets its own colour

    def __post_init__(self) -> None:
        self.font = QFont()
        self.font.setPointSizeF(8.5)
        self.font.setBold(True)

    def key(self) -> tuple:
        return (self.line_width, self.fill, self.fill_alpha, self.show_labels, self.color_by_track)


DRAFT_COLOR = QColor(0, 255, 127)
SELECT_COLOR = QColor(255, 255, 255)
HOVER_VERTEX_COLOR = QColor(255, 80, 80)
CROSSHAIR_COLOR = QColor(255, 255, 255, 150)
BACKGROUND = QColor(48, 50, 54)
