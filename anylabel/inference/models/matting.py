"""BRIA RMBG background removal (v1.4 / v2.0): the foreground as polygon shapes.

Layout facts (the exports X-AnyLabeling ships; docs/models.md, "RMBG"): input ``input``
[b,3,1024,1024], the image stretched, RGB / 255 then x - 0.5 (v1.4) or ImageNet mean/std
(v2.0, ``version: 2.0``); output ``output`` [b,1,1024,1024], the foreground alpha. The
alpha is resized to the image and min-max scaled as X-AnyLabeling does; pixels above
0.5 are the foreground, traced into polygons labelled with the config's first class
(default "foreground").
"""
from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from ...core.geometry import mask_to_polygons, polygon_area
from ...core.i18n import tr
from ...core.shape import POLYGON, Shape
from ..base import Model, Prediction
from ..config import ConfigError, ModelConfig
from ..download import ProgressCallback
from ..registry import Capabilities, register
from ._layout import ranks, require_outputs

VERSIONS = ("1.4", "2.0")
SIDE = 1024
IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], np.float32)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], np.float32)
#: Parts smaller than this share of the largest foreground region are dropped as specks.
MIN_PART = 0.01


@register("rmbg", config_keys=("version",),
          capabilities=Capabilities(conf=False, output_types=("polygon", "rectangle", "rotation")))
class Rmbg(Model):
    def __init__(self, config: ModelConfig, device: str = "auto", progress: ProgressCallback | None = None) -> None:
        raw = config.options.get("version", "1.4")
        self.version = f"{float(raw):.1f}" if isinstance(raw, (int, float)) else str(raw)
        if self.version not in VERSIONS:
            raise ConfigError(config.source, tr("version must be 1.4 or 2.0, got {0!r}").format(raw))
        super().__init__(config, device, progress)
        self.session = self.load_session("model_path")
        inp = self.session.inputs[0]
        self.input_name = inp.name
        require_outputs(self.session, config.type, ranks(self.session)[:1] == [4], "an alpha map [b,1,h,w]")
        fixed = self.version == "1.4"  # v2.0 is always fed 1024 x 1024 (X-AnyLabeling hard-codes it)
        self.input_hw = ((inp.fixed_dim(2) if fixed else None) or SIDE, (inp.fixed_dim(3) if fixed else None) or SIDE)
        self.label = config.classes[0] if config.classes else "foreground"

    def preprocess(self, image_rgb: np.ndarray) -> tuple[dict[str, np.ndarray], tuple[int, int]]:
        h, w = self.input_hw
        img = cv2.resize(image_rgb, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32) / 255.0
        img = (img - IMAGENET_MEAN) / IMAGENET_STD if self.version == "2.0" else img - 0.5
        return {self.input_name: np.ascontiguousarray(img.transpose(2, 0, 1)[None], np.float32)}, image_rgb.shape[:2]

    def infer(self, inputs: dict[str, np.ndarray]) -> list[np.ndarray]:
        return self.session.run(inputs)

    def decode(self, outputs: Any, meta: tuple[int, int]) -> Prediction:
        alpha = np.asarray(outputs[0], np.float32)
        alpha = alpha.reshape(alpha.shape[-2:])
        h, w = meta
        full = cv2.resize(alpha, (w, h), interpolation=cv2.INTER_LINEAR)
        lo, hi = float(full.min()), float(full.max())
        if hi - lo < 1e-6:  # a flat alpha: no foreground to separate
            return Prediction()
        mask = ((full - lo) / (hi - lo) > 0.5).astype(np.uint8)
        # Drop specks before tracing: a noisy alpha has thousands of one-pixel regions, and
        # tracing each costs far more than labelling them all at once.
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        areas = stats[1:, cv2.CC_STAT_AREA]
        if not len(areas):
            return Prediction()
        big = np.flatnonzero(areas >= max(16, MIN_PART * areas.max())) + 1
        keep = np.zeros(n, bool)
        keep[big] = True
        tol = self.config.epsilon_factor * 2 * (w + h) if self.config.epsilon_factor else 1.0
        polys = mask_to_polygons(keep[labels], tolerance=tol, min_area=16.0)
        if not polys:
            return Prediction()
        biggest = polygon_area(polys[0])
        return Prediction(shapes=[Shape(POLYGON, p, label=self.label, score=None)
                                  for p in polys if polygon_area(p) >= MIN_PART * biggest])
