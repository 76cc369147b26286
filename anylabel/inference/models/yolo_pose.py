"""YOLOv8/YOLO11 pose: output [b, 4+nc+K*3, N]; each detection -> a box plus its keypoints
(point shapes named after the keypoints) linked to the box by ``group_id``."""
from __future__ import annotations

import ast

import numpy as np

from ...core.shape import POINT, Shape, rectangle
from ..base import Prediction
from ..postprocess.nms import suppress
from ..registry import Capabilities, register
from ._ultralytics import Letterbox, UltralyticsModel, cxcywh_to_xyxy, nms_options


@register("yolov8_pose", aliases=("yolo11_pose",), config_keys=("has_visible",),
          capabilities=Capabilities(conf=True, iou=True, batch=True, nms_methods=True, tracking=True,
                                    output_types=("rectangle",)))
class YoloPose(UltralyticsModel):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        shape = self.session.metadata.get("kpt_shape")
        self.kpt_shape = tuple(ast.literal_eval(shape)) if shape else None

    def decode(self, outputs: list[np.ndarray], meta: Letterbox) -> Prediction:
        pred = outputs[0][0]
        if self.kpt_shape:
            k, dims = self.kpt_shape
        else:
            # Without metadata: X-AnyLabeling's has_visible says whether each keypoint has a score.
            k = len(self.config.keypoints) or 17
            dims = 3 if self.config.options.get("has_visible", True) else 2
        n_cls = pred.shape[0] - 4 - k * dims
        rows, cls_id, score, cxcywh = self.candidates(pred, n_cls)
        kept = suppress(cxcywh_to_xyxy(cxcywh), score, cls_id, **nms_options(self.config))
        boxes = meta.boxes_to_image(kept.boxes)
        kpts = rows[kept.index, 4 + n_cls:].reshape(-1, k, dims)
        names = self.config.keypoints
        shapes: list[Shape] = []
        for gid, (b, c, s, kp) in enumerate(zip(boxes, cls_id[kept.index], kept.scores, kpts)):
            shapes.append(rectangle(*b, label=self.label(int(c)), score=round(float(s), 4), group_id=gid))
            xy = meta.points_to_image(kp[:, :2])
            vis = kp[:, 2] if dims == 3 else np.ones(k)
            for j in range(k):
                if vis[j] >= self.config.kpt_threshold:
                    name = names[j] if j < len(names) else f"kpt{j}"
                    shapes.append(Shape(POINT, xy[j:j + 1], label=name, group_id=gid,
                                        score=round(float(vis[j]), 4)))
        return Prediction(shapes=shapes)
