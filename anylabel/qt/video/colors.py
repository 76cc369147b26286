"""A stable colour per track id; the canvas draws tracks in the same colours."""
from __future__ import annotations

from ..canvas.colors import track_color


def track_rgb(track_id: int) -> tuple[int, int, int]:
    c = track_color(track_id)
    return c.red(), c.green(), c.blue()


__all__ = ["track_color", "track_rgb"]
