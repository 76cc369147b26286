"""YOLOv8/YOLO11 oriented boxes: output [b, 4+nc+1, N] (cx cy w h, class scores, angle in radians)."""
from __future__ import annotations

import numpy as np

from ..base import Prediction
from ..postprocess.convert import rotation_shape
from ..postprocess.nms import suppress
from ..registry import Capabilities, register
from ._ultralytics import YOLO_CONFIG_KEYS, YOLO_IGNORED_KEYS, Letterbox, UltralyticsModel


OBB_CAPS = Capabilities(conf=True, iou=True, batch=True, sahi=True, tracking=True,
                        output_types=("rotation", "polygon", "rectangle"))


def obb_shapes(model: UltralyticsModel, rboxes: np.ndarray, cls_id: np.ndarray, scores: np.ndarray,
               meta: Letterbox) -> Prediction:
    """Kept rotated boxes (cx, cy, w, h, angle in radians; input frame) -> rotation shapes."""
    shapes = []
    for rb, c, s in zip(rboxes, cls_id, scores):
        (cx, cy), = meta.points_to_image(rb[None, :2])
        w, h = rb[2] / meta.scale, rb[3] / meta.scale
        if w > 0 and h > 0:
            shapes.append(rotation_shape(cx, cy, w, h, float(rb[4]), label=model.label(int(c)),
                                         score=round(float(s), 4)))
    return Prediction(shapes=shapes)


def rotated_nms(model: UltralyticsModel, rboxes: np.ndarray, scores: np.ndarray, cls_id: np.ndarray):
    return suppress(rboxes.astype(np.float64), scores, cls_id, iou_threshold=model.config.iou_threshold,
                    agnostic=model.config.agnostic, max_det=model.config.max_det, rotated=True)


@register("yolov8_obb", aliases=("yolo11_obb", "yolov8_obb_track", "yolo11_obb_track"), capabilities=OBB_CAPS,
          config_keys=YOLO_CONFIG_KEYS, ignored_keys=YOLO_IGNORED_KEYS)
class YoloObb(UltralyticsModel):
    """Ultralytics v8/11 OBB: output0 [b, 4+nc+1, N] (cx cy w h, class scores, angle in radians)."""

    def decode(self, outputs: list[np.ndarray], meta: Letterbox) -> Prediction:
        pred = outputs[0][0]
        n_cls = pred.shape[0] - 5
        rows, cls_id, score, _ = self.candidates(pred, n_cls)
        rboxes = np.concatenate([rows[:, :4], rows[:, -1:]], axis=1)
        kept = rotated_nms(self, rboxes, score, cls_id)
        return obb_shapes(self, kept.boxes, cls_id[kept.index], kept.scores, meta)
