"""CLRNet lane detection -> one line strip per lane.

Layout facts (the TuSimple export X-AnyLabeling ships, ``clrnet_tusimple_r18.onnx``, and its
``clrnet.py``; docs/models.md, "CLRNet"): the image is resized to ``image_width`` x
``image_height`` (the training resolution, 1280 x 720), the top ``cut_height`` rows are
dropped, the rest stretched to the input (``input_width`` x ``input_height``), BGR / 255.
Output [1,N,6+n_offsets] per lane prior: 2 class logits (no lane / lane), start y (0 =
bottom), start x, theta, length (fraction of the n_offsets - 1 strips), then x positions
(fractions of the width) at the rows ``linspace(1, 0, n_offsets)`` of the cut region,
bottom to top. Lanes whose x positions differ by less than ``nms_threshold`` pixels (of
the training width) on average over their common rows are duplicates (lane NMS), at most
``max_lanes`` are kept.
"""
from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from ...core.i18n import tr
from ...core.shape import LINESTRIP, Shape
from ..base import Model, Prediction
from ..config import ModelConfig
from ..download import ProgressCallback
from ..registry import Capabilities, register
from ._layout import require_outputs

LANE_KEYS = ("n_offsets", "max_lanes", "cut_height", "image_width", "image_height", "nms_threshold")


def softmax_lane_score(logits: np.ndarray) -> np.ndarray:
    """P(lane) from the two class logits of each prior."""
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e[:, 1] / e.sum(axis=1)


@register("clrnet", config_keys=LANE_KEYS, capabilities=Capabilities(conf=True, output_types=("linestrip",)))
class ClrNet(Model):
    def __init__(self, config: ModelConfig, device: str = "auto", progress: ProgressCallback | None = None) -> None:
        super().__init__(config, device, progress)
        opts = config.options
        self.session = self.load_session("model_path")
        inp = self.session.inputs[0]
        self.input_name = inp.name
        self.input_hw = (inp.fixed_dim(2) or int(getattr(config, "input_height", None) or 320),
                         inp.fixed_dim(3) or int(getattr(config, "input_width", None) or 800))
        self.n_offsets = int(opts.get("n_offsets", 72))
        self.max_lanes = int(opts.get("max_lanes", 5))
        self.cut_height = int(opts.get("cut_height", 160))
        self.train_wh = (int(opts.get("image_width", 1280)), int(opts.get("image_height", 720)))
        self.lane_distance = float(opts.get("nms_threshold", 50))  # pixels of the training width
        if not 0 <= self.cut_height < self.train_wh[1]:
            from ..config import ConfigError

            raise ConfigError(config.source, tr("cut_height must be between 0 "
                                                "and image_height - 1, got {0}").format(self.cut_height))
        self.prior_ys = np.linspace(1, 0, self.n_offsets)
        out = self.session.outputs
        width = out[0].fixed_dim(2) if out and len(out[0].shape) == 3 else None
        require_outputs(self.session, config.type, bool(out) and len(out[0].shape) == 3
                        and width in (None, 6 + self.n_offsets),
                        f"[1,N,6+n_offsets] = [1,N,{6 + self.n_offsets}] lane rows (n_offsets: {self.n_offsets})")

    def preprocess(self, image_rgb: np.ndarray) -> tuple[dict[str, np.ndarray], tuple[int, int]]:
        tw, th = self.train_wh
        img = cv2.resize(image_rgb, (tw, th), interpolation=cv2.INTER_LINEAR)[self.cut_height:, :, ::-1]
        h, w = self.input_hw
        img = cv2.resize(img, (w, h), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255.0
        return {self.input_name: np.ascontiguousarray(img.transpose(2, 0, 1)[None])}, image_rgb.shape[:2]

    def infer(self, inputs: dict[str, np.ndarray]) -> list[np.ndarray]:
        return self.session.run(inputs)

    def _span(self, row: np.ndarray) -> tuple[int, int]:
        strips = self.n_offsets - 1
        start = min(max(0, int(round(float(row[2]) * strips))), strips)
        end = min(start + int(round(float(row[5]) * strips)) - 1, self.n_offsets - 1)
        return start, end

    def _duplicate(self, a: np.ndarray, b: np.ndarray) -> bool:
        (sa, ea), (sb, eb) = self._span(a), self._span(b)
        lo, hi = max(sa, sb), min(ea, eb)
        if hi < lo:
            return False
        scale = self.train_wh[0] - 1
        dist = np.abs(a[6 + lo:7 + hi] - b[6 + lo:7 + hi]).mean() * scale
        return bool(dist < self.lane_distance)

    def lane_points(self, row: np.ndarray, image_hw: tuple[int, int]) -> np.ndarray:
        """(n, 2) image pixels of one lane, bottom to top; rows below the predicted start are
        kept while the lane stays inside the image (as CLRNet extends lanes to the bottom)."""
        xs = row[6:6 + self.n_offsets].astype(np.float64)
        start, end = self._span(row)
        inside = (xs >= 0) & (xs <= 1)
        first = start
        while first > 0 and inside[first - 1]:
            first -= 1
        idx = np.arange(first, end + 1)
        idx = idx[inside[idx]]
        h, w = image_hw
        tw, th = self.train_wh
        y_norm = (self.prior_ys[idx] * (th - self.cut_height) + self.cut_height) / th
        return np.stack([xs[idx] * w, y_norm * h], axis=1)

    def decode(self, outputs: Any, meta: tuple[int, int]) -> Prediction:
        rows = np.asarray(outputs[0][0], np.float64)
        scores = softmax_lane_score(rows[:, :2])
        cand = np.flatnonzero(scores >= self.config.conf_threshold)
        cand = cand[np.argsort(-scores[cand], kind="stable")]
        kept: list[int] = []
        for i in cand:
            if len(kept) >= self.max_lanes:
                break
            if not any(self._duplicate(rows[i], rows[k]) for k in kept):
                kept.append(int(i))
        lanes = [(self.lane_points(rows[i], meta), scores[i]) for i in kept]
        lanes = [(p, s) for p, s in lanes if len(p) >= 2]
        lanes.sort(key=lambda ps: ps[0][0, 0])  # left to right, by the bottom point
        return Prediction(shapes=[Shape(LINESTRIP, p, label=f"lane{n + 1}", score=round(float(s), 4))
                                  for n, (p, s) in enumerate(lanes)])
