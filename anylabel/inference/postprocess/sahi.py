"""Sliced inference (SAHI-style) for small objects in large images.

The image is cut into overlapping tiles; the model runs on every tile (and once on the
whole image, so large objects are not cut apart); shapes are moved back to image
coordinates and duplicates across tiles are merged with the config's NMS method on the
shapes' bounding boxes (class-aware unless ``agnostic``).

The image is a decoded array or, for a huge image that is never decoded whole, its
``ImageWindows`` (``inference/huge_image.py``): the tiles are then read at full resolution
from its pyramid's level 0 and the whole-image pass sees a coarser level, whose shapes
are scaled back by the level's exact factor.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, Union

import numpy as np

from ...core.geometry import bounding_box
from ...core.shape import POINT, Shape
from .. import cancel
from .nms import suppress

if TYPE_CHECKING:  # pragma: no cover
    from ..base import Model, Prediction


class ImageWindows(Protocol):
    """An image too large to decode whole, read a window at a time."""

    shape: tuple[int, int, int]  # (height, width, 3), as an array's, upright

    def window(self, x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
        """(y1 - y0, x1 - x0, 3) uint8 RGB of the full-resolution upright image."""

    def overview(self, target_hw: tuple[int, int]) -> tuple[np.ndarray, int, tuple[float, float]]:
        """(the whole image shrunk by a power of two, at least ``target_hw`` where it can, the
        factor, (dx, dy)): full-image point = overview point * factor + (dx, dy)."""


SlicedImage = Union[np.ndarray, ImageWindows]


def slice_windows(height: int, width: int, slice_h: int, slice_w: int, overlap_h: float,
                  overlap_w: float) -> list[tuple[int, int, int, int]]:
    """Tile windows (x0, y0, x1, y1) covering the image; the last row/column is flush with the edge."""
    def starts(total: int, size: int, overlap: float) -> list[int]:
        if size >= total:
            return [0]
        step = max(1, int(size * (1.0 - overlap)))
        out = list(range(0, total - size, step))
        out.append(total - size)
        return sorted(set(out))

    sh, sw = min(slice_h, height), min(slice_w, width)
    return [(x, y, x + sw, y + sh) for y in starts(height, sh, overlap_h) for x in starts(width, sw, overlap_w)]


def _offset(shape: Shape, dx: float, dy: float) -> Shape:
    shape.points = shape.points + np.array([dx, dy])
    return shape


def merge_shapes(shapes: list[Shape], method: str, iou_threshold: float, agnostic: bool,
                 max_det: int) -> list[Shape]:
    """Drop duplicate detections of one object (keypoints follow their box by group_id)."""
    main = [s for s in shapes if s.shape_type != POINT]
    if not main:
        return shapes
    boxes = np.array([bounding_box(s) for s in main])
    scores = np.array([s.score if s.score is not None else 1.0 for s in main])
    labels = sorted({s.label for s in main})
    cls = np.array([labels.index(s.label) for s in main])
    kept = suppress(boxes, scores, cls, method=method if method != "weighted_nms" else "nms",
                    iou_threshold=iou_threshold, agnostic=agnostic, max_det=max_det)
    out: list[Shape] = []
    groups = set()
    for i, score in zip(kept.index, kept.scores):
        s = main[int(i)]
        s.score = float(score)
        out.append(s)
        if s.group_id is not None:
            groups.add(s.group_id)
    out += [s for s in shapes if s.shape_type == POINT and s.group_id in groups]
    return out


def sliced_predict(model: "Model", image: SlicedImage) -> "Prediction":
    """Run ``model`` tile by tile and merge; group ids are made unique across tiles. Between
    tiles a cancelled batch run (``cancel.stops_when``) raises ``cancel.PredictionCancelled``."""
    from ..base import Prediction

    cfg = model.config
    h, w = image.shape[:2]
    sh = cfg.slice_height or cfg.slice_width or 640
    sw = cfg.slice_width or cfg.slice_height or 640
    windows = slice_windows(h, w, sh, sw, cfg.overlap_height_ratio, cfg.overlap_width_ratio)
    shapes: list[Shape] = []
    next_group = 0
    flags: dict[str, bool] = {}

    def run(pixels: np.ndarray, dx: float, dy: float, factor: float) -> None:
        nonlocal next_group
        inputs, meta = model.preprocess(pixels)
        pred = model.decode(model.infer(inputs), meta)
        flags.update(pred.flags)
        remap: dict[int, int] = {}
        for s in pred.shapes:
            if s.group_id is not None:
                if s.group_id not in remap:
                    remap[s.group_id] = next_group
                    next_group += 1
                s.group_id = remap[s.group_id]
            if factor != 1:
                s.points = s.points * factor
            shapes.append(_offset(s, dx, dy))

    whole = isinstance(image, np.ndarray)
    for x0, y0, x1, y1 in windows:
        cancel.check()
        tile = image[y0:y1, x0:x1] if whole else image.window(x0, y0, x1, y1)
        run(np.ascontiguousarray(tile), x0, y0, 1)
    if len(windows) > 1:  # the whole image once more, so large objects are not cut apart
        cancel.check()
        if whole:
            run(image, 0, 0, 1)
        else:
            overview, factor, (dx, dy) = image.overview((sh, sw))
            run(overview, dx, dy, factor)
    merged = merge_shapes(shapes, cfg.nms, cfg.iou_threshold, cfg.agnostic, cfg.max_det)
    return Prediction(shapes=merged, flags=flags)
