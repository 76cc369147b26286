"""Reading images and their sizes (unicode paths work on every platform)."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

IMAGE_EXTENSIONS: frozenset[str] = frozenset(
    {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".jfif", ".pgm", ".ppm", ".pbm"}
)


def is_image_file(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in IMAGE_EXTENSIONS


def image_size(path: str | os.PathLike[str]) -> tuple[int, int]:
    """(width, height) from the file header, without decoding pixels."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None  # large aerial/medical images are legitimate input
    with Image.open(path) as im:
        w, h = im.size
        # EXIF-rotated JPEGs are shown upright, so report the upright size.
        try:
            orientation = im.getexif().get(0x0112, 1)
        except Exception:  # noqa: BLE001  # malformed EXIF must not stop us from reading the size
            orientation = 1
    return (h, w) if orientation in (5, 6, 7, 8) else (w, h)


def read_image_rgb(path: str | os.PathLike[str]) -> np.ndarray:
    """Decode an image as an (H, W, 3) uint8 RGB array; raises ValueError naming the file."""
    import cv2

    data = np.fromfile(Path(path), dtype=np.uint8)
    img = cv2.imdecode(data, cv2.IMREAD_COLOR)  # applies EXIF orientation
    if img is None:
        raise ValueError(f"{os.fspath(path)}: not a readable image")
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
