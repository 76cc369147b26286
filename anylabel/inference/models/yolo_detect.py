"""YOLO object detectors with NMS outside the graph, in their two output layouts:

- anchor-free ``[b, 4+nc, N]`` (cx cy w h, class scores): Ultralytics YOLOv8, YOLO11,
  YOLO12, YOLOv9 (its Ultralytics export), YOLO-World exported with a fixed vocabulary;
- ``[b, N, 5+nc]`` (cx cy w h, objectness, class scores): YOLOv5, YOLOv7, and YOLOv6 /
  Gold-YOLO (whose exports put a constant 1 in the objectness column).

The ``*_det_track`` and ``*_sahi`` types of X-AnyLabeling are the same detectors: their
``tracker:`` map drives the tracker (``anylabel predict``), their slice sizes turn on
sliced inference.
"""
from __future__ import annotations

import numpy as np

from ...core.shape import rectangle
from ..base import Prediction
from ..postprocess.nms import suppress
from ..registry import Capabilities, register
from ._ultralytics import (YOLO_CONFIG_KEYS, YOLO_IGNORED_KEYS, Letterbox, UltralyticsModel, cxcywh_to_xyxy,
                           nms_options, objectness_candidates)

DETECT_CAPS = Capabilities(conf=True, iou=True, batch=True, nms_methods=True, sahi=True, tracking=True,
                           output_types=("rectangle", "polygon", "rotation"))


def boxes_to_shapes(model: UltralyticsModel, boxes: np.ndarray, cls_id: np.ndarray, scores: np.ndarray) -> Prediction:
    shapes = [rectangle(b[0], b[1], b[2], b[3], label=model.label(int(c)), score=round(float(s), 4))
              for b, c, s in zip(boxes, cls_id, scores) if b[2] > b[0] and b[3] > b[1]]
    return Prediction(shapes=shapes)


@register("yolov8", capabilities=DETECT_CAPS, config_keys=YOLO_CONFIG_KEYS, ignored_keys=YOLO_IGNORED_KEYS,
          aliases=("yolo11", "yolov11", "yolov10_nms", "yolov9", "yolo12", "yolow",
                   "yolov8_det_track", "yolo11_det_track", "yolov8_sahi", "yolo11_sahi"))
class YoloV8(UltralyticsModel):
    """Ultralytics YOLOv8/YOLO11 detect export: output0 [b, 4+nc, N], cx cy w h + class scores."""

    def decode(self, outputs: list[np.ndarray], meta: Letterbox) -> Prediction:
        pred = outputs[0][0]
        n_cls = pred.shape[0] - 4
        _, cls_id, score, cxcywh = self.candidates(pred, n_cls)
        kept = suppress(cxcywh_to_xyxy(cxcywh), score, cls_id, **nms_options(self.config))
        return boxes_to_shapes(self, meta.boxes_to_image(kept.boxes), cls_id[kept.index], kept.scores)


@register("yolov5", capabilities=DETECT_CAPS, config_keys=YOLO_CONFIG_KEYS, ignored_keys=YOLO_IGNORED_KEYS,
          aliases=("yolov7", "yolov6", "gold_yolo", "yolov5_det_track", "yolov5_sahi"))
class YoloV5(UltralyticsModel):
    """YOLOv5/v6/v7/Gold-YOLO export: output [b, N, 5+nc], cx cy w h, objectness, class scores."""

    def decode(self, outputs: list[np.ndarray], meta: Letterbox) -> Prediction:
        pred = outputs[0][0]
        idx, cls_id, score = objectness_candidates(pred, pred.shape[1] - 5, self.config.conf_threshold)
        kept = suppress(cxcywh_to_xyxy(pred[idx, :4]), score, cls_id, **nms_options(self.config))
        return boxes_to_shapes(self, meta.boxes_to_image(kept.boxes), cls_id[kept.index], kept.scores)
