"""YOLOv8/YOLO11 oriented boxes: output [b, 4+nc+1, N] (cx cy w h, class scores, angle in radians)."""
from __future__ import annotations

import numpy as np

from ..base import Prediction
from ..postprocess.convert import rotation_shape
from ..postprocess.nms import suppress
from ..registry import Capabilities, register
from ._ultralytics import Letterbox, UltralyticsModel


@register("yolov8_obb", aliases=("yolo11_obb",),
          capabilities=Capabilities(conf=True, iou=True, batch=True, sahi=True, tracking=True,
                                    output_types=("rotation", "polygon", "rectangle")))
class YoloObb(UltralyticsModel):
    def decode(self, outputs: list[np.ndarray], meta: Letterbox) -> Prediction:
        pred = outputs[0][0]
        n_cls = pred.shape[0] - 5
        rows, cls_id, score, _ = self.candidates(pred, n_cls)
        rboxes = np.concatenate([rows[:, :4], rows[:, -1:]], axis=1).astype(np.float64)
        kept = suppress(rboxes, score, cls_id, iou_threshold=self.config.iou_threshold,
                        agnostic=self.config.agnostic, max_det=self.config.max_det, rotated=True)
        shapes = []
        for rb, c, s in zip(kept.boxes, cls_id[kept.index], kept.scores):
            (cx, cy), = meta.points_to_image(rb[None, :2])
            w, h = rb[2] / meta.scale, rb[3] / meta.scale
            if w > 0 and h > 0:
                shapes.append(rotation_shape(cx, cy, w, h, float(rb[4]), label=self.label(int(c)),
                                             score=round(float(s), 4)))
        return Prediction(shapes=shapes)
