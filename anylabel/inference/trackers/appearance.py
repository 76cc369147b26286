"""Appearance features for association: crops of the frame -> L2-normalised vectors.

Any ONNX model that maps an image batch [N, 3, H, W] to features [N, D] works (ReID
networks, or an ImageNet backbone without its classifier). Pre-processing is the
common one: RGB, /255, ImageNet mean/std. The crop size is read from the model when it
is fixed, otherwise taken from the config.
"""
from __future__ import annotations

import os

import cv2
import numpy as np

from ..runtime import OnnxModel

_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


class Embedder:
    """Embeds box crops of one frame with an ONNX model (via the shared runtime seam)."""

    def __init__(self, model_path: str | os.PathLike[str], input_size: tuple[int, int] = (256, 128),
                 device: str = "auto", batch_limit: int = 64) -> None:
        self.model = OnnxModel(model_path, device=device)  # type: ignore[arg-type]
        info = self.model.inputs[0]
        self.input_name = info.name
        h, w = info.fixed_dim(2), info.fixed_dim(3)
        self.size = (h or input_size[0], w or input_size[1])
        fixed_batch = info.fixed_dim(0)
        self.batch_limit = fixed_batch if fixed_batch else batch_limit

    def crops(self, frame_rgb: np.ndarray, boxes: np.ndarray) -> np.ndarray:
        """[N, 3, H, W] float32 network input for the boxes (clipped to the frame)."""
        fh, fw = frame_rgb.shape[:2]
        h, w = self.size
        out = np.zeros((len(boxes), 3, h, w), dtype=np.float32)
        for i, (x1, y1, x2, y2) in enumerate(np.asarray(boxes, dtype=np.float64)):
            xa, ya = int(np.clip(np.floor(x1), 0, fw - 1)), int(np.clip(np.floor(y1), 0, fh - 1))
            xb, yb = int(np.clip(np.ceil(x2), xa + 1, fw)), int(np.clip(np.ceil(y2), ya + 1, fh))
            crop = cv2.resize(frame_rgb[ya:yb, xa:xb], (w, h), interpolation=cv2.INTER_LINEAR)
            crop = (crop.astype(np.float32) / 255.0 - _MEAN) / _STD
            out[i] = crop.transpose(2, 0, 1)
        return out

    def embed(self, frame_rgb: np.ndarray, boxes: np.ndarray) -> np.ndarray:
        """(N, D) unit-length features, one per box."""
        if len(boxes) == 0:
            return np.zeros((0, 0), dtype=np.float32)
        batch = self.crops(frame_rgb, boxes)
        feats = []
        for s in range(0, len(batch), self.batch_limit):
            part = batch[s:s + self.batch_limit]
            feats.append(np.asarray(self.model.run({self.input_name: part})[0], dtype=np.float32).reshape(len(part), -1))
        f = np.concatenate(feats)
        return f / np.maximum(np.linalg.norm(f, axis=1, keepdims=True), 1e-12)
