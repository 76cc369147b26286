"""Dock widgets of the main window: file list, label list, shape list."""
from .file_list import FileListDock, FileListModel
from .label_list import LabelListDock
from .shape_list import ShapeListDock

__all__ = ["FileListDock", "FileListModel", "LabelListDock", "ShapeListDock"]
