"""YOLOv8/YOLO11 pose: output [b, 4+nc+K*3, N]; each detection -> a box plus its keypoints
(point shapes named after the keypoints) linked to the box by ``group_id``."""
from __future__ import annotations

import ast

import numpy as np

from ...core.shape import POINT, Shape, rectangle
from ..base import Prediction
from ..postprocess.nms import suppress
from ..registry import Capabilities, register
from ._ultralytics import YOLO_CONFIG_KEYS, YOLO_IGNORED_KEYS, Letterbox, UltralyticsModel, cxcywh_to_xyxy, nms_options


POSE_CONFIG_KEYS = (*YOLO_CONFIG_KEYS, "has_visible")

POSE_CAPS = Capabilities(conf=True, iou=True, batch=True, nms_methods=True, tracking=True,
                         output_types=("rectangle",))


def pose_shapes(model: UltralyticsModel, boxes_in: np.ndarray, cls_id: np.ndarray, scores: np.ndarray,
                kpts: np.ndarray, meta: Letterbox) -> Prediction:
    """Kept detections (xyxy in the input frame) and keypoints [n, K, 2|3] -> a box per
    object and its visible keypoints as points, linked by ``group_id``."""
    boxes = meta.boxes_to_image(boxes_in)
    names = model.config.keypoints
    k, dims = kpts.shape[1:] if kpts.ndim == 3 else (0, 3)
    shapes: list[Shape] = []
    for gid, (b, c, s, kp) in enumerate(zip(boxes, cls_id, scores, kpts)):
        shapes.append(rectangle(*b, label=model.label(int(c)), score=round(float(s), 4), group_id=gid))
        xy = meta.points_to_image(kp[:, :2])
        vis = kp[:, 2] if dims == 3 else np.ones(k)
        for j in range(k):
            if vis[j] >= model.config.kpt_threshold:
                name = names[j] if j < len(names) else f"kpt{j}"
                shapes.append(Shape(POINT, xy[j:j + 1], label=name, group_id=gid, score=round(float(vis[j]), 4)))
    return Prediction(shapes=shapes)


class PoseModel(UltralyticsModel):
    """Reads the keypoint layout (K, 2|3) from the export's ``kpt_shape`` metadata."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        shape = self.session.metadata.get("kpt_shape")
        if shape:
            self.kpt_shape = tuple(ast.literal_eval(shape))
        else:
            # Without metadata: X-AnyLabeling's has_visible says whether each keypoint has a score.
            self.kpt_shape = (len(self.config.keypoints) or 17,
                              3 if self.config.options.get("has_visible", True) else 2)


@register("yolov8_pose", aliases=("yolo11_pose", "yolov8_pose_track", "yolo11_pose_track"), capabilities=POSE_CAPS,
          config_keys=POSE_CONFIG_KEYS, ignored_keys=YOLO_IGNORED_KEYS)
class YoloPose(PoseModel):
    """Ultralytics v8/11 pose: output0 [b, 4+nc+K*dims, N]."""

    def decode(self, outputs: list[np.ndarray], meta: Letterbox) -> Prediction:
        pred = outputs[0][0]
        k, dims = self.kpt_shape
        n_cls = pred.shape[0] - 4 - k * dims
        rows, cls_id, score, cxcywh = self.candidates(pred, n_cls)
        kept = suppress(cxcywh_to_xyxy(cxcywh), score, cls_id, **nms_options(self.config))
        kpts = rows[kept.index, 4 + n_cls:].reshape(-1, k, dims)
        return pose_shapes(self, kept.boxes, cls_id[kept.index], kept.scores, kpts, meta)
