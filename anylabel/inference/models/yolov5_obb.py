"""YOLOv5-OBB (hukaixuan19970627/yolov5_obb, circular smooth label angles).

Layout (its ``export.py``): input ``images`` [1, 3, H, W] letterboxed as YOLOv5 (RGB / 255,
centred, 114 padding); output [1, N, 5+nc+180]: cx, cy, long side, short side,
objectness, nc class scores, 180 angle-class scores. The angle is
(argmax of the angle scores - 90) degrees; score = objectness x best class score; then
rotated NMS.
"""
from __future__ import annotations

import numpy as np

from ..base import Prediction
from ..registry import register
from ._ultralytics import YOLO_CONFIG_KEYS, YOLO_IGNORED_KEYS, Letterbox, UltralyticsModel, objectness_candidates
from .yolo_obb import OBB_CAPS, obb_shapes, rotated_nms

ANGLE_BINS = 180


@register("yolov5_obb", capabilities=OBB_CAPS, config_keys=YOLO_CONFIG_KEYS, ignored_keys=YOLO_IGNORED_KEYS)
class YoloV5Obb(UltralyticsModel):
    def decode(self, outputs: list[np.ndarray], meta: Letterbox) -> Prediction:
        pred = outputs[0][0]
        n_cls = pred.shape[1] - 5 - ANGLE_BINS
        idx, cls_id, score = objectness_candidates(pred, n_cls, self.config.conf_threshold)
        pred = pred[idx]
        theta = (pred[:, 5 + n_cls:].argmax(axis=1) - 90) / 180.0 * np.pi
        rboxes = np.concatenate([pred[:, :4], theta[:, None]], axis=1)
        kept = rotated_nms(self, rboxes, score, cls_id)
        return obb_shapes(self, kept.boxes, cls_id[kept.index], kept.scores, meta)
