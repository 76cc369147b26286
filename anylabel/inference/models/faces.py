"""Face detectors with five landmarks: SCRFD (InsightFace) and YOLOv6-face.

Each face becomes a rectangle and one point per landmark, linked by ``group_id``; the
points are labelled with the keypoint names (X-AnyLabeling's configs give them as
``classes: {face: [left_eye, ...]}``). Layout facts in docs/models.md, "Faces".
"""
from __future__ import annotations

import numpy as np

from ...core.i18n import tr
from ...core.shape import POINT, Shape, rectangle
from ..base import Model, Prediction
from ..config import ModelConfig
from ..download import ProgressCallback
from ..postprocess.nms import suppress
from ..registry import Capabilities, register
from ._layout import require_outputs
from ._ultralytics import Letterbox, UltralyticsModel, cxcywh_to_xyxy
from .detr import Fit, config_option, fit_image

FACE_CAPS = Capabilities(conf=True, iou=True, output_types=("rectangle",))
N_LANDMARKS = 5


def face_shapes(boxes: np.ndarray, scores: np.ndarray, landmarks: np.ndarray, labels: list[str],
                keypoint_names: list[str]) -> list[Shape]:
    """A rectangle + its landmark points per face, grouped; ``landmarks`` [n, 5, 2] image px."""
    shapes: list[Shape] = []
    for gid, (b, s, pts, label) in enumerate(zip(boxes, scores, landmarks, labels)):
        if not (b[2] > b[0] and b[3] > b[1]):
            continue
        shapes.append(rectangle(*b, label=label, score=round(float(s), 4), group_id=gid))
        for j, (x, y) in enumerate(pts):
            name = keypoint_names[j] if j < len(keypoint_names) else str(j)
            shapes.append(Shape(POINT, np.array([[x, y]]), label=name, group_id=gid))
    return shapes


@register("scrfd", capabilities=FACE_CAPS)
class Scrfd(Model):
    """InsightFace SCRFD: per stride (8, 16, 32; or 5 strides without / with key points)
    ``score_s`` [1,N,1], ``bbox_s`` [1,N,4] distances from the anchor centre and ``kps_s``
    [1,N,10] offsets, in units of the stride; N = (H/s)(W/s) x anchors per cell."""

    def __init__(self, config: ModelConfig, device: str = "auto", progress: ProgressCallback | None = None) -> None:
        super().__init__(config, device, progress)
        self.session = self.load_session("model_path")
        inp = self.session.inputs[0]
        self.input_name = inp.name
        self.input_hw = (inp.fixed_dim(2) or int(config_option(config, "input_height", 640)),
                         inp.fixed_dim(3) or int(config_option(config, "input_width", 640)))
        n_out = len(self.session.outputs)
        layouts = {6: (3, 2, False), 9: (3, 2, True), 10: (5, 1, False), 15: (5, 1, True)}
        if n_out not in layouts:
            from ..config import ConfigError

            raise ConfigError(config.source, tr("{0}: {1} outputs; an SCRFD export has 6, 9, 10 "
                                                "or 15 (scores, boxes[, key points] per stride)").format(
                                                    self.session.path.name, n_out))
        self.levels, self.anchors, self.has_kps = layouts[n_out]
        self.strides = (8, 16, 32, 64, 128)[: self.levels]
        self.label = config.classes[0] if config.classes else "face"

    def input_size_hint(self) -> tuple[int, int] | None:
        return self.input_hw

    def preprocess(self, image_rgb: np.ndarray) -> tuple[dict[str, np.ndarray], Fit]:
        img, fit = fit_image(image_rgb, self.input_hw, "corner")
        blob = (img.astype(np.float32) - 127.5) / 128.0
        return {self.input_name: np.ascontiguousarray(blob.transpose(2, 0, 1)[None])}, fit

    def infer(self, inputs: dict[str, np.ndarray]) -> list[np.ndarray]:
        return self.session.run(inputs)

    def anchor_centres(self, stride: int) -> np.ndarray:
        h, w = self.input_hw[0] // stride, self.input_hw[1] // stride
        ys, xs = np.mgrid[:h, :w]
        centres = np.stack([xs, ys], axis=-1).reshape(-1, 2).astype(np.float64) * stride
        return np.repeat(centres, self.anchors, axis=0)

    def decode(self, outputs: list[np.ndarray], meta: Fit) -> Prediction:
        thr = self.config.conf_threshold
        boxes, scores, kps = [], [], []
        for i, stride in enumerate(self.strides):
            score = outputs[i].reshape(-1)
            keep = np.flatnonzero(score >= thr)
            if not len(keep):
                continue
            a = self.anchor_centres(stride)[keep]
            d = outputs[i + self.levels].reshape(-1, 4)[keep].astype(np.float64) * stride
            boxes.append(np.concatenate([a - d[:, :2], a + d[:, 2:]], axis=1))
            scores.append(score[keep])
            if self.has_kps:
                off = outputs[i + 2 * self.levels].reshape(-1, N_LANDMARKS, 2)[keep].astype(np.float64) * stride
                kps.append(a[:, None, :] + off)
        if not boxes:
            return Prediction()
        b, s = np.concatenate(boxes), np.concatenate(scores)
        kept = suppress(b, s, None, iou_threshold=self.config.iou_threshold, max_det=self.config.max_det)
        img_boxes = meta.boxes_to_image(kept.boxes)
        if self.has_kps:
            pts = np.concatenate(kps)[kept.index]
            pts = (pts - [meta.left, meta.top]) / [meta.sx, meta.sy]
        else:
            pts = np.zeros((len(kept.index), 0, 2))
        return Prediction(shapes=face_shapes(img_boxes, kept.scores, pts, [self.label] * len(img_boxes),
                                             self.config.keypoints))


@register("yolov6_face", capabilities=FACE_CAPS)
class YoloV6Face(UltralyticsModel):
    """YOLOv6-face: ``outputs`` [1,N,15+nc] = cx cy w h, 5 x (x, y) landmarks, objectness,
    class scores, in letterboxed input pixels; score = objectness x class score, then NMS."""

    def __init__(self, config: ModelConfig, device: str = "auto", progress: ProgressCallback | None = None) -> None:
        super().__init__(config, device, progress)
        out = self.session.outputs
        require_outputs(self.session, config.type, len(out[0].shape) == 3 and (out[0].fixed_dim(2) or 16) >= 16,
                        "outputs [1,N,15+nc] (cx cy w h, 5 landmarks, objectness, class scores)")

    def decode(self, outputs: list[np.ndarray], meta: Letterbox) -> Prediction:
        rows = outputs[0][0].astype(np.float64)
        cls = rows[:, 15:] * rows[:, 14:15]
        ids = cls.argmax(axis=1) if cls.size else np.zeros(0, np.int64)
        score = cls[np.arange(len(rows)), ids] if cls.size else np.zeros(0)
        keep = np.flatnonzero((rows[:, 14] > self.config.conf_threshold) & (score >= self.config.conf_threshold))
        if not len(keep):
            return Prediction()
        kept = suppress(cxcywh_to_xyxy(rows[keep, :4]), score[keep], ids[keep], iou_threshold=self.config.iou_threshold,
                        agnostic=self.config.agnostic, max_det=self.config.max_det)
        sel = keep[kept.index]
        pts = meta.points_to_image(rows[sel, 4:14].reshape(-1, N_LANDMARKS, 2))
        labels = [self.label(int(c)) for c in ids[sel]]
        return Prediction(shapes=face_shapes(meta.boxes_to_image(kept.boxes), kept.scores, pts, labels,
                                             self.config.keypoints))
