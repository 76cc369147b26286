"""Dense per-pixel results (depth maps, ...) saved beside the image and named in its label file.

A model that produces an image rather than shapes puts it in ``Prediction.layers``
({kind: H x W or H x W x 3 uint8 RGB}). ``save_layers`` writes each one as a PNG into a
sub-folder of the image's folder, ``anylabel_<kind>/<image stem>.png`` (a sub-folder, so
the folder index does not list it as one more image), and records the relative path in
the label file's top-level ``layers`` map ({kind: path}), which the app reads to show the
layer over the image. Other tools keep unknown top-level keys, so the record survives a
round trip through LabelMe or X-AnyLabeling.
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from ..core.atomic import atomic_write_bytes
from ..core.label_file import ImageAnnotation

#: Top-level label-file key that maps a layer kind to its PNG (relative to the image folder).
LAYERS_KEY = "layers"


def layer_path(image_path: Path, kind: str) -> Path:
    """Where the ``kind`` layer of an image is saved."""
    return image_path.parent / f"anylabel_{kind}" / f"{image_path.stem}.png"


def encode_png(image: np.ndarray) -> bytes:
    """PNG bytes of a grey (H x W) or RGB (H x W x 3) uint8 image."""
    arr = np.ascontiguousarray(image)
    if arr.ndim == 3:
        arr = cv2.cvtColor(arr, cv2.COLOR_RGB2BGR)
    ok, buf = cv2.imencode(".png", arr)
    if not ok:  # pragma: no cover - cv2 encodes any uint8 image
        raise ValueError("could not encode the layer as PNG")
    return buf.tobytes()


def save_layers(image_path: Path, layers: dict[str, np.ndarray], ann: ImageAnnotation) -> bool:
    """Write changed layer PNGs atomically and record them in ``ann``; returns whether the
    label file must be written (a new or moved record). Unchanged PNGs are not rewritten."""
    if not layers:
        return False
    record = dict(ann.extra.get(LAYERS_KEY) or {})
    for kind, image in layers.items():
        path = layer_path(Path(image_path), kind)
        data = encode_png(image)
        if not (path.is_file() and path.read_bytes() == data):
            atomic_write_bytes(path, data)
        record[kind] = path.relative_to(Path(image_path).parent).as_posix()
    changed = record != ann.extra.get(LAYERS_KEY)
    ann.extra[LAYERS_KEY] = record
    return changed
