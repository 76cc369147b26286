"""Helpers for the format tests: generated images with label files beside them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from anylabel.core.label_file import label_path_for, new_annotation_for, write_label_file
from anylabel.core.shape import Shape


def rect(x0, y0, x1, y1, label="cat", **kw) -> Shape:
    return Shape("rectangle", np.array([[x0, y0], [x1, y1]], dtype=float), label=label, **kw)


def poly(points, label="cat", **kw) -> Shape:
    return Shape("polygon", np.array(points, dtype=float), label=label, **kw)


def make_image(path: Path, size=(64, 48)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (30, 60, 90)).save(path)
    return path


def make_dataset(folder: Path, per_image: dict[str, list[Shape]], size=(64, 48)) -> Path:
    """Images named by the keys, each with a label file holding the given shapes."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, shapes in per_image.items():
        img = make_image(folder / name, size)
        write_label_file(label_path_for(img), new_annotation_for(img, shapes, size))
    return folder


def mixed_shapes(i: int = 0) -> list[Shape]:
    """Every drawable type, with a unicode label, a difficult flag and a group."""
    return [
        rect(2 + i, 3, 20 + i, 30, label="cat", difficult=True),
        poly([[30, 5], [50, 5], [52, 20], [40, 25]], label="狗 dog", group_id=7),
        Shape("rotation", np.array([[10, 10], [20, 14], [16, 24], [6, 20]], dtype=float), label="car"),
        Shape("circle", np.array([[40, 30], [45, 30]], dtype=float), label="ball"),
        Shape("line", np.array([[0, 0], [5, 5]], dtype=float), label="edge"),
        Shape("point", np.array([[3, 3]], dtype=float), label="dot"),
    ]
