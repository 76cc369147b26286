"""The canvas package: widget, drawing tools, editing, painting layers and their caches."""
from .canvas import EDIT, Canvas
from .view import CanvasArea
from .colors import label_color

__all__ = ["EDIT", "Canvas", "CanvasArea", "label_color"]
