"""YOLOX (Megvii) ONNX exports: raw grid outputs decoded here.

Layout (YOLOX ``tools/export_onnx.py``, ``decode_in_inference`` off): input ``images``
[1, 3, H, W], BGR, 0-255 (no normalisation), resized keeping the aspect and padded with
114 at the bottom/right; output ``output`` [1, N, 5+nc] with, per grid cell of the
strides 8, 16, 32 (and 64 for the P6 models), raw x/y offsets, log w/h, objectness and
class probabilities (already sigmoided). Decode: xy = (offset + cell) * stride,
wh = exp(log wh) * stride; score = objectness x class probability; then NMS.
"""
from __future__ import annotations

import numpy as np

from ...core.i18n import tr
from ..base import Prediction
from ..postprocess.nms import suppress
from ..registry import register
from ._ultralytics import (YOLO_IGNORED_KEYS, Letterbox, UltralyticsModel, cxcywh_to_xyxy, fit_image, nms_options,
                           objectness_candidates)
from .yolo_detect import DETECT_CAPS, boxes_to_shapes


def grid_strides(size_hw: tuple[int, int], strides: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Per output row: its grid cell (x, y) and its stride, in YOLOX's row order."""
    cells, steps = [], []
    for s in strides:
        gh, gw = size_hw[0] // s, size_hw[1] // s
        yv, xv = np.mgrid[0:gh, 0:gw]
        cells.append(np.stack([xv.ravel(), yv.ravel()], axis=1))
        steps.append(np.full((gh * gw, 1), s))
    return np.concatenate(cells).astype(np.float32), np.concatenate(steps).astype(np.float32)


@register("yolox", capabilities=DETECT_CAPS, config_keys=("p6",), ignored_keys=YOLO_IGNORED_KEYS)
class Yolox(UltralyticsModel):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._grids: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def preprocess(self, image_rgb: np.ndarray) -> tuple[dict[str, np.ndarray], Letterbox]:
        blob, lb = fit_image(image_rgb, self.input_hw, centre=False, scale_255=False, bgr=True)
        return {self.input_name: blob.astype(self.input_dtype)}, lb

    def grid(self, rows: int) -> tuple[np.ndarray, np.ndarray]:
        """Cells and strides for an output of ``rows`` rows: P5 or P6, whichever fits (the
        config's ``p6`` only decides when both would)."""
        if rows not in self._grids:
            p6_first = bool(self.config.options.get("p6", False))
            layouts = [(8, 16, 32, 64), (8, 16, 32)] if p6_first else [(8, 16, 32), (8, 16, 32, 64)]
            for strides in layouts:
                cells, steps = grid_strides(self.input_hw, strides)
                if len(cells) == rows:
                    self._grids[rows] = (cells, steps)
                    break
            else:
                raise ValueError(tr("YOLOX output has {0} rows; a {1}x{2} "
                                    "input gives neither the P5 nor the P6 grid").format(
                                        rows, self.input_hw[1], self.input_hw[0]))
        return self._grids[rows]

    def decode(self, outputs: list[np.ndarray], meta: Letterbox) -> Prediction:
        pred = outputs[0][0]
        cells, steps = self.grid(len(pred))
        ok, cls_id, score = objectness_candidates(pred, pred.shape[1] - 5, self.config.conf_threshold)
        xy = (pred[ok, :2] + cells[ok]) * steps[ok]
        wh = np.exp(pred[ok, 2:4]) * steps[ok]
        kept = suppress(cxcywh_to_xyxy(np.concatenate([xy, wh], axis=1)), score, cls_id,
                        **nms_options(self.config))
        return boxes_to_shapes(self, meta.boxes_to_image(kept.boxes), cls_id[kept.index], kept.scores)
