"""A stable colour per track id (the same id gets the same colour in every session)."""
from __future__ import annotations

from qtpy.QtGui import QColor

_GOLDEN = 0.61803398875


def track_rgb(track_id: int) -> tuple[int, int, int]:
    """Hues spaced by the golden angle: ids 1, 2, 3... get far-apart colours."""
    hue = (0.13 + _GOLDEN * int(track_id)) % 1.0
    c = QColor.fromHsvF(hue, 0.75 + 0.2 * ((int(track_id) // 7) % 2), 0.95)
    return c.red(), c.green(), c.blue()


def track_color(track_id: int) -> QColor:
    return QColor(*track_rgb(track_id))
