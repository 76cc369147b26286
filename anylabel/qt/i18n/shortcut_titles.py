"""The catalogue entries of ``core.settings.EXTENSION_SHORTCUT_TITLES`` (the core stays
Qt-free, so its English titles are marked here for pylupdate5; a test keeps both in step)."""
from __future__ import annotations

from . import QT_TRANSLATE_NOOP

TITLES = (
    QT_TRANSLATE_NOOP("Shortcuts", "Segment Anything: positive clicks (switches it on)"),
    QT_TRANSLATE_NOOP("Shortcuts", "Segment Anything: negative clicks (switches it on)"),
    QT_TRANSLATE_NOOP("Shortcuts", "Segment Anything: clear the prompts"),
    QT_TRANSLATE_NOOP("Shortcuts", "Segment Anything: finish the object"),
    QT_TRANSLATE_NOOP("Shortcuts", "Open Video"),
)
