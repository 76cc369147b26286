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
from ._ultralytics import YOLO_CONFIG_KEYS, YOLO_IGNORED_KEYS, Letterbox, UltralyticsModel
from .yolo_obb import OBB_CAPS, obb_shapes, rotated_nms

ANGLE_BINS = 180


@register("yolov5_obb", capabilities=OBB_CAPS, config_keys=YOLO_CONFIG_KEYS, ignored_keys=YOLO_IGNORED_KEYS)
class YoloV5Obb(UltralyticsModel):
    def decode(self, outputs: list[np.ndarray], meta: Letterbox) -> Prediction:
        pred = outputs[0][0]
        n_cls = pred.shape[1] - 5 - ANGLE_BINS
        pred = pred[pred[:, 4] >= self.config.conf_threshold]
        cls_scores = pred[:, 5:5 + n_cls] * pred[:, 4:5]
        cls_id = cls_scores.argmax(axis=1)
        score = cls_scores[np.arange(len(pred)), cls_id]
        keep = score >= self.config.conf_threshold
        pred, cls_id, score = pred[keep], cls_id[keep], score[keep]
        theta = (pred[:, 5 + n_cls:].argmax(axis=1) - 90) / 180.0 * np.pi
        rboxes = np.concatenate([pred[:, :4], theta[:, None]], axis=1)
        kept = rotated_nms(self, rboxes, score, cls_id)
        return obb_shapes(self, kept.boxes, cls_id[kept.index], kept.scores, meta)
