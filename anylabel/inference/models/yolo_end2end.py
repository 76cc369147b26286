"""NMS-free ("end-to-end") YOLO exports: the graph already chose the detections.

Layouts (boxes in the letterboxed input frame, pixels; one row per query, best first or
not, padded rows have score 0):

- detect ``output0 [b, N, 6]``: x1 y1 x2 y2, score, class id. YOLOv10 (THU-MIG export,
  N = 300), DocLayout-YOLO (a YOLOv10 derivative), YOLO26 (Ultralytics ``end2end``);
- segment ``output0 [b, N, 6+nm]`` (+ nm mask coefficients) and prototypes
  ``output1 [b, nm, H/4, W/4]``: YOLO26-seg;
- pose ``output0 [b, N, 6+K*dims]``: YOLO26-pose (``kpt_shape`` in the metadata);
- oriented ``output0 [b, N, 7]``: cx cy w h, score, class id, angle (radians): YOLO26-obb.

Decoding is a threshold and ``max_det``; no NMS (the model was trained one-to-one).
"""
from __future__ import annotations

import numpy as np

from ..base import Prediction
from ..registry import register
from ._ultralytics import YOLO_CONFIG_KEYS, YOLO_IGNORED_KEYS, Letterbox, UltralyticsModel
from .yolo_detect import DETECT_CAPS, boxes_to_shapes
from .yolo_obb import OBB_CAPS, obb_shapes
from .yolo_pose import POSE_CAPS, POSE_CONFIG_KEYS, PoseModel, pose_shapes
from .yolo_segment import SEG_CAPS, segment_shapes


def top_rows(model: UltralyticsModel, rows: np.ndarray, score_col: int = 4) -> np.ndarray:
    """Rows at or above the confidence threshold, best first, at most ``max_det``."""
    rows = rows[rows[:, score_col] >= model.config.conf_threshold]
    order = np.argsort(-rows[:, score_col], kind="stable")[:model.config.max_det]
    return rows[order]


@register("yolov10", capabilities=DETECT_CAPS, config_keys=YOLO_CONFIG_KEYS, ignored_keys=YOLO_IGNORED_KEYS,
          aliases=("doclayout_yolo", "yolo26", "yolo26_det_track", "yolo26_sahi"))
class YoloEnd2End(UltralyticsModel):
    """``output0 [b, N, 6]``: x1 y1 x2 y2, score, class id."""

    def decode(self, outputs: list[np.ndarray], meta: Letterbox) -> Prediction:
        rows = top_rows(self, outputs[0][0])
        return boxes_to_shapes(self, meta.boxes_to_image(rows[:, :4]), rows[:, 5].astype(int), rows[:, 4])


@register("yolo26_seg", capabilities=SEG_CAPS, config_keys=YOLO_CONFIG_KEYS, ignored_keys=YOLO_IGNORED_KEYS,
          aliases=("yolo26_seg_track",))
class YoloEnd2EndSegment(UltralyticsModel):
    """``output0 [b, N, 6+nm]`` and prototypes ``output1 [b, nm, H/4, W/4]``."""

    def decode(self, outputs: list[np.ndarray], meta: Letterbox) -> Prediction:
        rows = top_rows(self, outputs[0][0])
        return segment_shapes(self, rows[:, :4], rows[:, 5].astype(int), rows[:, 4], rows[:, 6:],
                              outputs[1][0], meta)


@register("yolo26_pose", capabilities=POSE_CAPS, config_keys=POSE_CONFIG_KEYS, ignored_keys=YOLO_IGNORED_KEYS,
          aliases=("yolo26_pose_track",))
class YoloEnd2EndPose(PoseModel):
    """``output0 [b, N, 6+K*dims]``: box, score, class id, keypoints (x, y[, visibility])."""

    def decode(self, outputs: list[np.ndarray], meta: Letterbox) -> Prediction:
        rows = top_rows(self, outputs[0][0])
        k, dims = self.kpt_shape
        return pose_shapes(self, rows[:, :4], rows[:, 5].astype(int), rows[:, 4],
                           rows[:, 6:6 + k * dims].reshape(-1, k, dims), meta)


@register("yolo26_obb", capabilities=OBB_CAPS, config_keys=YOLO_CONFIG_KEYS, ignored_keys=YOLO_IGNORED_KEYS,
          aliases=("yolo26_obb_track",))
class YoloEnd2EndObb(UltralyticsModel):
    """``output0 [b, N, 7]``: cx cy w h, score, class id, angle in radians."""

    def decode(self, outputs: list[np.ndarray], meta: Letterbox) -> Prediction:
        rows = top_rows(self, outputs[0][0])
        rboxes = np.concatenate([rows[:, :4], rows[:, 6:7]], axis=1)
        return obb_shapes(self, rboxes, rows[:, 5].astype(int), rows[:, 4], meta)
