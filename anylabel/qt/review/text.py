"""The one call the review mode's visible texts go through (catalogue context "Review")."""
from __future__ import annotations

try:  # the interface's translation catalogue, when the project has one
    from ..i18n import translate  # type: ignore[import-not-found]  # noqa: F401
except ImportError:  # the same call Qt's own catalogues answer
    from qtpy.QtCore import QCoreApplication

    def translate(context: str, text: str) -> str:
        return QCoreApplication.translate(context, text)
