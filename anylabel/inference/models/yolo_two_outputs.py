"""Detectors whose export gives boxes and class scores as two outputs, NMS outside:

- YOLO-NAS (Deci super-gradients ``model.export``, no post-processing): input [1, 3, H, W],
  BGR / 255, longest side resized to (H - 4, W - 4) and centred with 114 padding (its
  ``DetectionLongestMaxSizeRescale`` + ``DetectionCenterPadding``); outputs boxes
  [1, N, 4] x1 y1 x2 y2 in input pixels and scores [1, N, nc] (probabilities).
- DAMO-YOLO (tinyvision ``tools/converter.py``, ``end2end`` off): input [1, 3, H, W],
  BGR, 0-255, resized keeping the aspect and placed at the top left; outputs scores
  [1, N, nc] (probabilities) and boxes [1, N, 4] x1 y1 x2 y2 in input pixels.

The two outputs are told apart by their last axis (4 = boxes), not by their order.
"""
from __future__ import annotations

import numpy as np

from ..base import Prediction
from ..postprocess.nms import suppress
from ..registry import register
from ._ultralytics import YOLO_IGNORED_KEYS, Letterbox, UltralyticsModel, fit_image, nms_options
from .yolo_detect import DETECT_CAPS, boxes_to_shapes


def boxes_and_scores(outputs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    a, b = outputs[0][0], outputs[1][0]
    return (a, b) if a.shape[-1] == 4 and b.shape[-1] != 4 else (b, a)


class TwoOutputDetector(UltralyticsModel):
    #: Pre-processing of the family (see fit_image).
    fit: dict = {}

    def preprocess(self, image_rgb: np.ndarray) -> tuple[dict[str, np.ndarray], Letterbox]:
        blob, lb = fit_image(image_rgb, self.input_hw, **self.fit)
        return {self.input_name: blob.astype(self.input_dtype)}, lb

    def decode(self, outputs: list[np.ndarray], meta: Letterbox) -> Prediction:
        boxes, scores = boxes_and_scores(outputs)
        best = scores.max(axis=1)
        keep = np.flatnonzero(best >= self.config.conf_threshold)
        cls_id = scores[keep].argmax(axis=1)
        kept = suppress(boxes[keep].astype(np.float64), best[keep], cls_id, **nms_options(self.config))
        return boxes_to_shapes(self, meta.boxes_to_image(kept.boxes), cls_id[kept.index], kept.scores)


@register("yolo_nas", capabilities=DETECT_CAPS, ignored_keys=YOLO_IGNORED_KEYS)
class YoloNas(TwoOutputDetector):
    fit = dict(centre=True, margin=4, scale_255=True, bgr=True)


@register("damo_yolo", capabilities=DETECT_CAPS, ignored_keys=YOLO_IGNORED_KEYS)
class DamoYolo(TwoOutputDetector):
    fit = dict(centre=False, pad_value=0, scale_255=False, bgr=True)
