"""Image classification -> image-level flags (the top class is set) and a description.

Default pre-processing is Ultralytics' classify export: short side resized to the input
size, centre crop, RGB / 255, no mean/std. Other classifiers give ``mean``/``std`` (0-1
scale, RGB) in their YAML. Outputs that are not probabilities yet are soft-maxed.
"""
from __future__ import annotations

import cv2
import numpy as np

from ..base import Prediction
from ..registry import Capabilities, register
from ._ultralytics import UltralyticsModel


@register("yolov8_cls", aliases=("yolo11_cls", "yolov5_cls", "image_classifier"), config_keys=("mean", "std", "topk"),
          capabilities=Capabilities(conf=True, iou=False, batch=True, output_types=(), image_flags=True))
class ImageClassifier(UltralyticsModel):
    def preprocess(self, image_rgb: np.ndarray):  # type: ignore[override]
        th, tw = self.input_hw
        h, w = image_rgb.shape[:2]
        r = max(th / h, tw / w)
        img = cv2.resize(image_rgb, (max(tw, round(w * r)), max(th, round(h * r))), interpolation=cv2.INTER_LINEAR)
        y0, x0 = (img.shape[0] - th) // 2, (img.shape[1] - tw) // 2
        x = img[y0:y0 + th, x0:x0 + tw].astype(np.float32) / 255.0
        opts = self.config.options
        if "mean" in opts or "std" in opts:
            x = (x - np.asarray(opts.get("mean", [0, 0, 0]), np.float32)) / np.asarray(opts.get("std", [1, 1, 1]), np.float32)
        return {self.input_name: np.ascontiguousarray(x.transpose(2, 0, 1)[None]).astype(self.input_dtype)}, None

    def decode(self, outputs, meta) -> Prediction:  # type: ignore[override]
        p = np.asarray(outputs[0][0], dtype=np.float64).reshape(-1)
        if p.min() < 0 or abs(p.sum() - 1.0) > 1e-3:
            e = np.exp(p - p.max())
            p = e / e.sum()
        order = np.argsort(-p)
        topk = int(self.config.options.get("topk", 1))
        flags = {self.label(i): False for i in range(len(p))}
        chosen = [i for i in order[:topk] if p[i] >= self.config.conf_threshold]
        for i in chosen:
            flags[self.label(int(i))] = True
        desc = ", ".join(f"{self.label(int(i))} {p[i]:.2f}" for i in order[:max(topk, 1)])
        return Prediction(flags=flags, description=desc)
