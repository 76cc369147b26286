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
from ._ultralytics import Letterbox, UltralyticsModel, cxcywh_to_xyxy, nms_options


@register("yolov8_seg", aliases=("yolo11_seg", "yolov5_seg"),
          capabilities=Capabilities(conf=True, iou=True, batch=True, nms_methods=True, sahi=True,
                                    tracking=True, output_types=("polygon", "rectangle", "rotation")))
class YoloSegment(UltralyticsModel):
    def decode(self, outputs: list[np.ndarray], meta: Letterbox) -> Prediction:
        pred, protos = outputs[0][0], outputs[1][0]
        nm, mh, mw = protos.shape
        n_cls = pred.shape[0] - 4 - nm
        rows, cls_id, score, cxcywh = self.candidates(pred, n_cls)
        kept = suppress(cxcywh_to_xyxy(cxcywh), score, cls_id, **nms_options(self.config))
        if not len(kept):
            return Prediction()
        coeffs = rows[kept.index, 4 + n_cls:]
        logits = (coeffs @ protos.reshape(nm, -1)).reshape(-1, mh, mw).astype(np.float32)
        boxes = meta.boxes_to_image(kept.boxes)
        in_h, in_w = self.input_hw
        sx, sy = meta.scale * mw / in_w, meta.scale * mh / in_h
        shapes: list[Shape] = []
        for gid, (b, c, s, lg) in enumerate(zip(boxes, cls_id[kept.index], kept.scores, logits)):
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
            tol = (self.config.epsilon_factor * 2 * (bw + bh)) if self.config.epsilon_factor else 1.0
            polys = mask_to_polygons(mask, tolerance=tol, min_area=4.0)
            if not polys:
                continue
            label = self.label(int(c))
            sc = round(float(s), 4)
            # The main region, plus detached parts of the same object that are not specks.
            parts = [p for p in polys if p is polys[0] or polygon_area(p) > 0.2 * polygon_area(polys[0])]
            gid_or_none = gid if len(parts) > 1 or self.config.show_boxes else None
            for poly in parts:
                shapes.append(Shape(POLYGON, poly + [x0, y0], label=label, score=sc, group_id=gid_or_none))
            if self.config.show_boxes:
                shapes.append(rectangle(*b, label=label, score=sc, group_id=gid))
        return Prediction(shapes=shapes)
