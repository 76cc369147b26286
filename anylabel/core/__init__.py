"""The Qt-free core: shapes, geometry, label files and the folder index."""
from .errors import AnyLabelError, LabelFileError
from .folder_index import FolderIndex, natural_key, scan_folder
from .label_file import (
    ImageAnnotation,
    label_path_for,
    new_annotation_for,
    read_label_file,
    write_label_file,
)
from .shape import (
    CIRCLE,
    DRAWABLE_TYPES,
    LINE,
    LINESTRIP,
    POINT,
    POLYGON,
    RECTANGLE,
    ROTATION,
    Shape,
)

__all__ = [
    "AnyLabelError", "LabelFileError", "FolderIndex", "natural_key", "scan_folder", "ImageAnnotation",
    "label_path_for", "new_annotation_for", "read_label_file", "write_label_file", "CIRCLE",
    "DRAWABLE_TYPES", "LINE", "LINESTRIP", "POINT", "POLYGON", "RECTANGLE", "ROTATION", "Shape",
]
