"""YOLOv8/YOLO11 instance segmentation: output0 [b, 4+nc+32, N] and prototypes output1
[b, 32, H/4, W/4]; each kept box's mask = sigmoid(coefficients . prototypes), cropped to
the box, traced into a polygon."""
from __future__ import annotations

import cv2
import numpy as np

from ...core.geometry import mask_to_polygons, polygon_area
from ...core.shape import POLYGON, Shape, rectangle
from ..base import Prediction
from ..postprocess.nms import suppress
from ..registry import Capabilities, register
from ._ultralytics import (YOLO_CONFIG_KEYS, YOLO_IGNORED_KEYS, Letterbox, UltralyticsModel, cxcywh_to_xyxy, nms_options,
                           objectness_candidates)


SEG_CAPS = Capabilities(conf=True, iou=True, batch=True, nms_methods=True, sahi=True,
                        tracking=True, output_types=("polygon", "rectangle", "rotation"))


def segment_shapes(model: UltralyticsModel, boxes_in: np.ndarray, cls_id: np.ndarray, scores: np.ndarray,
                   coeffs: np.ndarray, protos: np.ndarray, meta: Letterbox) -> Prediction:
    """Kept detections (xyxy in the network input frame, mask coefficients) + prototypes
    [nm, mh, mw] -> one polygon per object (plus its box with ``show_boxes``)."""
    if not len(boxes_in):
        return Prediction()
    nm, mh, mw = protos.shape
    logits = (coeffs @ protos.reshape(nm, -1)).reshape(-1, mh, mw).astype(np.float32)
    boxes = meta.boxes_to_image(boxes_in)
    in_h, in_w = model.input_hw
    sx, sy = meta.scale * mw / in_w, meta.scale * mh / in_h
    shapes: list[Shape] = []
    for gid, (b, c, s, lg) in enumerate(zip(boxes, cls_id, scores, logits)):
        x0, y0 = int(np.floor(b[0])), int(np.floor(b[1]))
        x1, y1 = int(np.ceil(b[2])), int(np.ceil(b[3]))
        bw, bh = x1 - x0, y1 - y0
        if bw < 1 or bh < 1:
            continue
        # Sample the prototype-resolution logits at the centre of every image pixel of the box.
        m = np.array([[sx, 0, ((x0 + 0.5) * meta.scale + meta.left) * mw / in_w - 0.5],
                      [0, sy, ((y0 + 0.5) * meta.scale + meta.top) * mh / in_h - 0.5]], dtype=np.float64)
        crop = cv2.warpAffine(lg, m, (bw, bh), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                              borderMode=cv2.BORDER_REPLICATE)
        mask = crop > 0.0  # sigmoid > 0.5
        tol = (model.config.epsilon_factor * 2 * (bw + bh)) if model.config.epsilon_factor else 1.0
        polys = mask_to_polygons(mask, tolerance=tol, min_area=4.0)
        if not polys:
            continue
        label = model.label(int(c))
        sc = round(float(s), 4)
        # The main region, plus detached parts of the same object that are not specks.
        parts = [p for p in polys if p is polys[0] or polygon_area(p) > 0.2 * polygon_area(polys[0])]
        gid_or_none = gid if len(parts) > 1 or model.config.show_boxes else None
        for poly in parts:
            shapes.append(Shape(POLYGON, poly + [x0, y0], label=label, score=sc, group_id=gid_or_none))
        if model.config.show_boxes:
            shapes.append(rectangle(*b, label=label, score=sc, group_id=gid))
    return Prediction(shapes=shapes)


@register("yolov8_seg", aliases=("yolo11_seg", "yolov8_seg_track", "yolo11_seg_track"), capabilities=SEG_CAPS,
          config_keys=YOLO_CONFIG_KEYS, ignored_keys=YOLO_IGNORED_KEYS)
class YoloSegment(UltralyticsModel):
    """Ultralytics v8/11 seg: output0 [b, 4+nc+nm, N], prototypes output1 [b, nm, H/4, W/4]."""

    def decode(self, outputs: list[np.ndarray], meta: Letterbox) -> Prediction:
        pred, protos = outputs[0][0], outputs[1][0]
        nm = protos.shape[0]
        n_cls = pred.shape[0] - 4 - nm
        rows, cls_id, score, cxcywh = self.candidates(pred, n_cls)
        kept = suppress(cxcywh_to_xyxy(cxcywh), score, cls_id, **nms_options(self.config))
        return segment_shapes(self, kept.boxes, cls_id[kept.index], kept.scores,
                              rows[kept.index, 4 + n_cls:], protos, meta)


@register("yolov5_seg", capabilities=SEG_CAPS, config_keys=YOLO_CONFIG_KEYS, ignored_keys=YOLO_IGNORED_KEYS)
class YoloV5Segment(UltralyticsModel):
    """YOLOv5 seg: output0 [b, N, 5+nc+nm] (cx cy w h, objectness, class scores, mask
    coefficients), prototypes output1 [b, nm, H/4, W/4]; score = objectness x class score."""

    def decode(self, outputs: list[np.ndarray], meta: Letterbox) -> Prediction:
        pred, protos = outputs[0][0], outputs[1][0]
        nm = protos.shape[0]
        n_cls = pred.shape[1] - 5 - nm
        idx, cls_id, score = objectness_candidates(pred, n_cls, self.config.conf_threshold)
        pred = pred[idx]
        kept = suppress(cxcywh_to_xyxy(pred[:, :4]), score, cls_id, **nms_options(self.config))
        return segment_shapes(self, kept.boxes, cls_id[kept.index], kept.scores,
                              pred[kept.index, 5 + n_cls:], protos, meta)
