"""Detect, then classify each detection's crop: X-AnyLabeling's ``yolov5_resnet``.

One YAML names both models: the YOLOv5 detector (``model_path``, ``det_classes``, the
thresholds) and an image classifier (``cls_model_path``, ``cls_classes``). Every box gets
the classifier's top class as its label (the detector's class goes to the shape's
``description``). Classifier input as X-AnyLabeling feeds its ResNet: the crop stretched to
the classifier's input size, RGB / 255, then ImageNet ``mean`` / ``std`` (override in the
YAML, e.g. ``[0, 0, 0]`` / ``[1, 1, 1]`` for an Ultralytics classify export), logits
soft-maxed.
"""
from __future__ import annotations

import dataclasses
from typing import Any

import cv2
import numpy as np

from ...core.i18n import tr
from ..base import Model, Prediction, ProgressCallback
from ..config import ConfigError, ModelConfig
from ..registry import Capabilities, register
from .yolo_detect import YoloV5

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def class_list(value: Any, config: ModelConfig, key: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, dict):
        try:
            items = {int(k): str(v) for k, v in value.items()}
        except (TypeError, ValueError):
            raise ConfigError(config.source, tr("{0}: a map must be {{index: name}}").format(key)) from None
        return [items.get(i, str(i)) for i in range(max(items) + 1)] if items else []
    if isinstance(value, list):
        return [str(v) for v in value]
    raise ConfigError(config.source, tr("{0}: expected a list or a map {{index: name}}").format(key))


@register("yolov5_resnet", capabilities=Capabilities(conf=True, iou=True, output_types=("rectangle",)),
          config_keys=("det_classes", "cls_classes", "mean", "std"))
class DetectThenClassify(Model):
    pipelined = False

    def __init__(self, config: ModelConfig, device: str = "auto", progress: ProgressCallback | None = None,
                 **_: Any) -> None:
        super().__init__(config, device, progress)
        for key in ("model_path", "cls_model_path"):
            if not getattr(config, key):
                raise ConfigError(config.source, tr("a {0} config needs {1}").format(config.type, key))
        opts = config.options
        det_classes = class_list(opts.get("det_classes"), config, "det_classes") or config.classes
        det_cfg = dataclasses.replace(config, type="yolov5", classes=det_classes, cls_model_path=None,
                                      options={}, ignored={}, warnings=[])
        self.detector = YoloV5(det_cfg, device=device, progress=progress)
        self.cls_session = self.load_session("cls_model_path")
        inp = self.cls_session.inputs[0]
        self.cls_input = inp.name
        self.cls_hw = (inp.fixed_dim(2) or 224, inp.fixed_dim(3) or 224)
        self.cls_classes = class_list(opts.get("cls_classes"), config, "cls_classes")
        self.mean = np.asarray(opts.get("mean", IMAGENET_MEAN), np.float32).reshape(3, 1, 1)
        self.std = np.asarray(opts.get("std", IMAGENET_STD), np.float32).reshape(3, 1, 1)

    @property
    def device(self) -> str:
        return self.detector.device

    def set_options(self, **changes: Any) -> None:
        super().set_options(**changes)
        self.detector.set_options(**changes)

    def classify(self, crop_rgb: np.ndarray) -> tuple[str, float]:
        h, w = self.cls_hw
        x = cv2.resize(crop_rgb, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32).transpose(2, 0, 1) / 255.0
        x = ((x - self.mean) / self.std)[None].astype(np.float32)
        logits = np.asarray(self.cls_session.run({self.cls_input: x})[0][0], np.float64).reshape(-1)
        p = np.exp(logits - logits.max())
        p /= p.sum()
        i = int(p.argmax())
        return (self.cls_classes[i] if i < len(self.cls_classes) else str(i)), float(p[i])

    def predict_result(self, image_rgb: np.ndarray) -> Prediction:
        det = self.detector.predict_result(image_rgb)
        h, w = image_rgb.shape[:2]
        for s in det.shapes:
            x0, y0 = np.floor(s.points.min(0)).astype(int).clip(0, [w - 1, h - 1])
            x1, y1 = np.ceil(s.points.max(0)).astype(int).clip(1, [w, h])
            if x1 - x0 < 1 or y1 - y0 < 1:
                continue
            label, _score = self.classify(image_rgb[y0:y1, x0:x1])
            s.description = s.label  # the detector's class
            s.label = label
        return det  # the detector applied the class filter and output type

    def close(self) -> None:
        self.detector.close()
        super().close()
