"""Depth Anything v1 / v2: a relative depth image per photo, saved beside it as a PNG layer.

Layout facts (the exports X-AnyLabeling ships; docs/models.md, "Depth Anything"):
v1 input ``image`` [1,3,h,w] (dynamic; fed 518 x 518), output ``depth`` [1,1,h,w]; v2
input ``l_x_`` [1,3,518,518], output [1,518,518]. Both: the image stretched to the input
(bicubic), RGB / 255 then ImageNet mean/std; the output is relative inverse depth (larger
= nearer), resized back to the image and min-max scaled to 0..255. ``render_mode``:
"color" (Inferno colour map, the default) or "gray".
"""
from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from ...core.i18n import tr
from ..base import Model, Prediction
from ..config import ConfigError, ModelConfig
from ..download import ProgressCallback
from ..registry import Capabilities, register
from ._layout import ranks, require_outputs

IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], np.float32)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], np.float32)
RENDER_MODES = ("color", "gray")
#: Input side when the export's axes are dynamic (the size Depth Anything was trained at).
DEFAULT_SIDE = 518


def render_depth(depth: np.ndarray, mode: str) -> np.ndarray:
    """H x W float depth -> uint8 image: grey (H x W) or Inferno-coloured RGB (H x W x 3)."""
    lo, hi = float(depth.min()), float(depth.max())
    scaled = (depth - lo) / (hi - lo) if hi > lo else np.zeros_like(depth)
    grey = (scaled * 255.0).astype(np.uint8)
    if mode == "gray":
        return grey
    return cv2.cvtColor(cv2.applyColorMap(grey, cv2.COLORMAP_INFERNO), cv2.COLOR_BGR2RGB)


@register("depth_anything", aliases=("depth_anything_v2",), config_keys=("render_mode",),
          capabilities=Capabilities(conf=False, output_types=()))
class DepthAnything(Model):
    def __init__(self, config: ModelConfig, device: str = "auto", progress: ProgressCallback | None = None) -> None:
        self.render_mode = str(config.options.get("render_mode", "color"))
        if self.render_mode not in RENDER_MODES:
            raise ConfigError(config.source, tr("render_mode must be one of {0}, got {1!r}").format(
                ", ".join(RENDER_MODES), self.render_mode))
        super().__init__(config, device, progress)
        self.session = self.load_session("model_path")
        inp = self.session.inputs[0]
        self.input_name = inp.name
        require_outputs(self.session, config.type, ranks(self.session)[:1] in ([3], [4]),
                        "a depth map [1,h,w] or [1,1,h,w]")
        side = config.input_size or DEFAULT_SIDE
        self.input_hw = (inp.fixed_dim(2) or side, inp.fixed_dim(3) or side)

    def preprocess(self, image_rgb: np.ndarray) -> tuple[dict[str, np.ndarray], tuple[int, int]]:
        h, w = self.input_hw
        img = cv2.resize(image_rgb, (w, h), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255.0
        blob = ((img - IMAGENET_MEAN) / IMAGENET_STD).transpose(2, 0, 1)[None]
        return {self.input_name: np.ascontiguousarray(blob, np.float32)}, image_rgb.shape[:2]

    def infer(self, inputs: dict[str, np.ndarray]) -> list[np.ndarray]:
        return self.session.run(inputs)

    def decode(self, outputs: Any, meta: tuple[int, int]) -> Prediction:
        depth = np.asarray(outputs[0], np.float32)
        depth = depth.reshape(depth.shape[-2:])  # [1,1,h,w] (v1) or [1,h,w] (v2)
        h, w = meta
        full = cv2.resize(depth, (w, h), interpolation=cv2.INTER_CUBIC)
        return Prediction(layers={"depth": render_depth(full, self.render_mode)})
