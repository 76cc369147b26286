"""Label colours: stable per label name (a hash of the name, not the order labels appear)."""
from __future__ import annotations

import zlib
from functools import lru_cache

from qtpy.QtGui import QColor

# Hues spaced by the golden angle give neighbouring hash values distinct colours.
_GOLDEN = 0.61803398875


@lru_cache(maxsize=4096)
def label_color(label: str) -> QColor:
    """The colour of a label; the same name gets the same colour in every session."""
    h = zlib.crc32(label.encode("utf-8"))
    hue = ((h & 0xFFFF) / 65536.0 + _GOLDEN * ((h >> 16) & 0xFF)) % 1.0
    sat = 0.65 + 0.3 * (((h >> 24) & 0x3) / 3.0)
    return QColor.fromHsvF(hue, sat, 0.95)


@lru_cache(maxsize=4096)
def track_color(track_id: int) -> QColor:
    """The colour of a track id: hues spaced by the golden angle, so ids 1, 2, 3... that
    appear together get far-apart colours; stable across sessions."""
    hue = (0.13 + _GOLDEN * int(track_id)) % 1.0
    return QColor.fromHsvF(hue, 0.75 + 0.2 * ((int(track_id) // 7) % 2), 0.95)


def key_color(key: "str | int") -> QColor:
    """Colour of a colour key (see ``shape_render.color_key``): a label name or a track id."""
    return track_color(key) if isinstance(key, int) else label_color(key)


def text_color_on(bg: QColor) -> QColor:
    """Black or white, whichever reads better on ``bg``."""
    lum = 0.299 * bg.redF() + 0.587 * bg.greenF() + 0.114 * bg.blueF()
    return QColor(0, 0, 0) if lum > 0.6 else QColor(255, 255, 255)
