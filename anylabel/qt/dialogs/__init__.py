"""Dialogs of the main window."""
from .label_dialog import LabelDialog, LabelResult

__all__ = ["LabelDialog", "LabelResult"]
