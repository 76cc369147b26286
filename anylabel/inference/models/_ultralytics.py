"""What every Ultralytics ONNX export shares: letterboxed ``images`` input and metadata.

Layout facts (Ultralytics export): input ``images`` [b, 3, H, W], RGB / 255, letterboxed
(aspect kept, padded with grey 114, centred); class names and ``kpt_shape`` are in the
ONNX metadata. Coordinates come back in the letterboxed frame and are mapped back here.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, Sequence

import cv2
import numpy as np

from ...core.i18n import tr
from ..base import Model, Prediction
from ..download import ProgressCallback
from ..config import ModelConfig


#: Keys of X-AnyLabeling's YOLO configs read here: ``engine`` (ort and dnn run on ONNX
#: Runtime; a TensorRT ``.engine`` file cannot be used and is refused).
YOLO_CONFIG_KEYS: tuple[str, ...] = ("engine",)

#: Keys of X-AnyLabeling's YOLO configs that mean nothing here.
YOLO_IGNORED_KEYS: dict[str, str] = {
    "stride": "the input size is read from the ONNX model; the stride is not needed",
}


@dataclass(frozen=True)
class Letterbox:
    """How an image was fitted into the network input: scale, then padding."""

    scale: float
    left: int
    top: int
    height: int  # original image
    width: int

    def boxes_to_image(self, boxes: np.ndarray) -> np.ndarray:
        """(N, 4) xyxy in the input frame -> image pixels, clipped to the image."""
        out = boxes.astype(np.float64).copy()
        out[:, [0, 2]] = (out[:, [0, 2]] - self.left) / self.scale
        out[:, [1, 3]] = (out[:, [1, 3]] - self.top) / self.scale
        out[:, [0, 2]] = out[:, [0, 2]].clip(0, self.width)
        out[:, [1, 3]] = out[:, [1, 3]].clip(0, self.height)
        return out

    def points_to_image(self, xy: np.ndarray) -> np.ndarray:
        out = xy.astype(np.float64).copy()
        out[..., 0] = (out[..., 0] - self.left) / self.scale
        out[..., 1] = (out[..., 1] - self.top) / self.scale
        return out


def letterbox(image_rgb: np.ndarray, size_hw: tuple[int, int]) -> tuple[np.ndarray, Letterbox]:
    """Resize keeping aspect, pad to ``size_hw``; returns the NCHW float32 blob (RGB / 255)."""
    h, w = image_rgb.shape[:2]
    th, tw = size_hw
    r = min(th / h, tw / w)
    nw, nh = int(round(w * r)), int(round(h * r))
    dw, dh = (tw - nw) / 2.0, (th - nh) / 2.0
    top, bottom = int(round(dh - 0.1)), int(round(dh + 0.1))
    left, right = int(round(dw - 0.1)), int(round(dw + 0.1))
    img = image_rgb if (nw, nh) == (w, h) else cv2.resize(image_rgb, (nw, nh), interpolation=cv2.INTER_LINEAR)
    if top or bottom or left or right:
        img = cv2.copyMakeBorder(img, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(114, 114, 114))
    blob = cv2.dnn.blobFromImage(img, scalefactor=1.0 / 255.0)  # HWC uint8 -> NCHW float32, no swap
    return blob, Letterbox(r, left, top, h, w)


def fit_image(image_rgb: np.ndarray, size_hw: tuple[int, int], *, centre: bool = True, pad_value: int = 114,
              margin: int = 0, scale_255: bool = True, bgr: bool = False) -> tuple[np.ndarray, Letterbox]:
    """The letterbox variants of other YOLO projects: keep the aspect, fit into ``size_hw``
    less ``margin`` pixels, pad centred or at the bottom/right, RGB or BGR, /255 or raw 0-255."""
    h, w = image_rgb.shape[:2]
    th, tw = size_hw
    r = min((th - margin) / h, (tw - margin) / w)
    nw, nh = max(1, int(round(w * r))), max(1, int(round(h * r)))
    img = image_rgb if (nw, nh) == (w, h) else cv2.resize(image_rgb, (nw, nh), interpolation=cv2.INTER_LINEAR)
    top, left = ((th - nh) // 2, (tw - nw) // 2) if centre else (0, 0)
    img = cv2.copyMakeBorder(img, top, th - nh - top, left, tw - nw - left, cv2.BORDER_CONSTANT,
                             value=(pad_value,) * 3)
    blob = cv2.dnn.blobFromImage(img, scalefactor=1.0 / 255.0 if scale_255 else 1.0, swapRB=bgr)
    return blob, Letterbox(r, left, top, h, w)


def names_from_metadata(meta: dict[str, str]) -> list[str]:
    """Ultralytics stores ``names`` as the repr of a {index: name} dict."""
    raw = meta.get("names")
    if not raw:
        return []
    try:
        d = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return []
    if isinstance(d, dict):
        return [str(d[k]) for k in sorted(d)]
    return [str(v) for v in d] if isinstance(d, (list, tuple)) else []


class UltralyticsModel(Model):
    """Loads the session, reads input size / class names; letterbox pre-processing."""

    @classmethod
    def config_problem(cls, config: ModelConfig) -> str | None:
        """Why this config cannot run here although its type can (None: it can)."""
        engine = str(config.options.get("engine", "ort")).lower()
        if engine == "trt":
            return "engine: trt (a TensorRT engine file) cannot run here; use the model's ONNX export"
        if engine not in ("ort", "dnn", "onnx", "onnxruntime"):
            return f"engine: {engine!r} is not one of ort, dnn, trt"
        return None

    def __init__(self, config: ModelConfig, device: str = "auto", progress: ProgressCallback | None = None) -> None:
        problem = self.config_problem(config)
        if problem:
            from ..config import ConfigError

            raise ConfigError(config.source, problem)
        super().__init__(config, device, progress)
        self.session = self.load_session("model_path")
        inp = self.session.inputs[0]
        self.input_name = inp.name
        # A fixed input shape wins; a dynamic one takes the config's size (X-AnyLabeling's
        # input_height / input_width, or input_size), else 640.
        default = config.input_size or 640
        self.input_hw = (inp.fixed_dim(2) or config.input_height or default,
                         inp.fixed_dim(3) or config.input_width or default)
        fixed = (inp.fixed_dim(2), inp.fixed_dim(3))
        asked = (config.input_height or fixed[0], config.input_width or fixed[1])
        if None not in fixed and asked != fixed:
            self.notes.append(tr("the model's input is fixed at {0}x{1}; "
                                 "input_width/input_height {2}x{3} of the config are not used").format(
                                     fixed[1], fixed[0], asked[1], asked[0]))
        self.input_dtype = inp.dtype
        self.dynamic_batch = inp.fixed_dim(0) is None
        if not config.classes:
            config.classes = names_from_metadata(self.session.metadata)
        self.class_names = config.classes

    def input_size_hint(self) -> tuple[int, int] | None:
        if self.slices:
            return None
        return self.input_hw

    def label(self, index: int) -> str:
        return self.class_names[index] if 0 <= index < len(self.class_names) else str(index)

    def preprocess(self, image_rgb: np.ndarray) -> tuple[dict[str, np.ndarray], Letterbox]:
        blob, lb = letterbox(image_rgb, self.input_hw)
        if self.input_dtype != np.float32:
            blob = blob.astype(self.input_dtype)
        return {self.input_name: blob}, lb

    def infer(self, inputs: dict[str, np.ndarray]) -> list[np.ndarray]:
        return self.session.run(inputs)

    def predict_batch(self, images: Sequence[np.ndarray]) -> list[Prediction]:
        """One session call for the whole batch when the export has a dynamic batch axis."""
        if not self.dynamic_batch or len(images) < 2 or not self.can_pipeline:
            return super().predict_batch(images)
        prepped = [self.preprocess(im) for im in images]
        feeds = {self.input_name: np.concatenate([p[0][self.input_name] for p in prepped])}
        outs = self.infer(feeds)
        return [self.postprocess([o[i:i + 1] for o in outs], meta) for i, (_, meta) in enumerate(prepped)]

    def candidates(self, pred: np.ndarray, n_cls: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Rows of a [C, N] (v8 layout) output that pass the confidence pre-filter.

        Returns (rows [n, C], class ids, scores, cxcywh boxes).
        """
        # Filter on the best class score first, on the contiguous [C, N] layout; only the few
        # survivors are transposed and arg-maxed.
        best = pred[4:4 + n_cls].max(axis=0)
        keep = np.flatnonzero(best >= self.config.conf_threshold)
        rows = pred[:, keep].T
        cls_id = rows[:, 4:4 + n_cls].argmax(axis=1)
        return rows, cls_id, best[keep], rows[:, :4]


def objectness_candidates(pred: np.ndarray, n_cls: int, conf: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of a YOLOv5-layout output [N, 5 + nc + ...] (cx cy w h, objectness, class scores,
    then any extra columns) whose objectness x best class score reaches ``conf``: their row
    indices, class ids and scores. Objectness bounds the score, so it filters first (cheap)."""
    idx = np.flatnonzero(pred[:, 4] >= conf)
    rows = pred[idx]
    cls_scores = rows[:, 5:5 + n_cls] * rows[:, 4:5]
    cls_id = cls_scores.argmax(axis=1)
    score = cls_scores[np.arange(len(rows)), cls_id]
    ok = score >= conf
    return idx[ok], cls_id[ok], score[ok]


def cxcywh_to_xyxy(b: np.ndarray) -> np.ndarray:
    out = np.empty_like(b, dtype=np.float64)
    out[:, 0] = b[:, 0] - b[:, 2] / 2
    out[:, 1] = b[:, 1] - b[:, 3] / 2
    out[:, 2] = b[:, 0] + b[:, 2] / 2
    out[:, 3] = b[:, 1] + b[:, 3] / 2
    return out


def nms_options(config: ModelConfig) -> dict[str, Any]:
    return dict(method=config.nms, iou_threshold=config.iou_threshold, agnostic=config.agnostic,
                max_det=config.max_det, sigma=config.soft_nms_sigma)
