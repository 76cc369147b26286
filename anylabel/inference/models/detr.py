"""DETR-family detectors: RT-DETR, RT-DETRv2, D-FINE (+ seg), DEIMv2, RiO-DETR, RF-DETR (+ seg).

DETRs predict a fixed set of queries and need no NMS. Their ONNX exports come in three
output layouts, each decoded by one class here; the model types differ only in how the
image is fitted into the input (see docs/models.md, "DETR family", for each export's
tensors and the public code they come from):

- post-processed (RT-DETR's PostProcessor inside the graph): ``labels`` [1,Q] int64,
  ``boxes`` [1,Q,4] corners (or [1,Q,5] rotated centre/size/angle), ``scores`` [1,Q],
  optionally ``masks`` [1,Q,h,w]; a second input ``orig_target_sizes`` [1,2] tells the
  graph which frame to scale the boxes to.
- query table (Paddle and Ultralytics RT-DETR): one [1,Q,4+nc] output, normalised
  cx cy w h then class scores (logits or probabilities).
- RF-DETR: ``dets`` [1,Q,4] normalised cx cy w h, class logits [1,Q,C] whose column is
  the class id, optional mask logits; top-``num_select`` over all (query, class) pairs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import cv2
import numpy as np

from ...core.geometry import mask_to_polygons, polygon_area
from ...core.i18n import tr
from ...core.shape import POLYGON, Shape, rectangle
from ..base import Model, Prediction
from ..config import ModelConfig
from ..download import ProgressCallback
from ..postprocess.convert import rotation_shape
from ..postprocess.nms import suppress
from ..registry import Capabilities, register
from ._layout import ranks, require_outputs

IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], np.float32).reshape(1, 3, 1, 1)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], np.float32).reshape(1, 3, 1, 1)


BOX_CAPS = Capabilities(conf=True, output_types=("rectangle", "polygon", "rotation"))
SEG_CAPS = Capabilities(conf=True, iou=True, output_types=("polygon", "rectangle", "rotation"))


def config_option(config: ModelConfig, key: str, default: Any = None) -> Any:
    """A key the type declares: a ModelConfig field when the schema has one, else ``options``."""
    value = getattr(config, key, None)
    if value is None:
        value = config.options.get(key)
    return default if value is None else value


@dataclass(frozen=True)
class Fit:
    """How the image was fitted into the network input: x_in = x * sx + left (same for y)."""

    sx: float
    sy: float
    left: float
    top: float
    height: int  # the image
    width: int

    def boxes_to_image(self, xyxy: np.ndarray) -> np.ndarray:
        out = np.asarray(xyxy, dtype=np.float64).copy()
        out[:, [0, 2]] = ((out[:, [0, 2]] - self.left) / self.sx).clip(0, self.width)
        out[:, [1, 3]] = ((out[:, [1, 3]] - self.top) / self.sy).clip(0, self.height)
        return out


def fit_image(image_rgb: np.ndarray, size_hw: tuple[int, int], mode: str) -> tuple[np.ndarray, Fit]:
    """Resize into ``size_hw``: "stretch" (both axes), "centre" (aspect kept, black padding
    around) or "corner" (aspect kept, padding right and below). Returns HWC uint8."""
    h, w = image_rgb.shape[:2]
    th, tw = size_hw
    if mode == "stretch":
        img = cv2.resize(image_rgb, (tw, th), interpolation=cv2.INTER_LINEAR)
        return img, Fit(tw / w, th / h, 0.0, 0.0, h, w)
    r = min(tw / w, th / h)
    nw, nh = max(1, int(w * r)), max(1, int(h * r))
    left, top = ((tw - nw) // 2, (th - nh) // 2) if mode == "centre" else (0, 0)
    canvas = np.zeros((th, tw, 3), np.uint8)
    canvas[top:top + nh, left:left + nw] = cv2.resize(image_rgb, (nw, nh), interpolation=cv2.INTER_LINEAR)
    return canvas, Fit(nw / w, nh / h, float(left), float(top), h, w)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -60, 60)))


def cxcywh_to_xyxy(b: np.ndarray) -> np.ndarray:
    b = np.asarray(b, dtype=np.float64)
    half = b[:, 2:4] / 2
    return np.concatenate([b[:, :2] - half, b[:, :2] + half], axis=1)


@dataclass(frozen=True)
class Meta:
    fit: Fit
    input_hw: tuple[int, int]


class DetrModel(Model):
    """Session, input size, class names and pre-processing shared by the DETR layouts."""

    #: How the image is fitted into the input (``fit_image`` modes).
    resize: ClassVar[str] = "stretch"
    #: "unit": RGB / 255; "imagenet": then (x - mean) / std.
    normalise: ClassVar[str] = "unit"
    #: Input size when the export's spatial axes are dynamic and the config gives none.
    default_size: ClassVar[int] = 640

    def default_input_size(self) -> int:
        return self.default_size

    def __init__(self, config: ModelConfig, device: str = "auto", progress: ProgressCallback | None = None) -> None:
        super().__init__(config, device, progress)
        self.session = self.load_session("model_path")
        images = [i for i in self.session.inputs if len(i.shape) == 4]
        if not images:
            from ..config import ConfigError

            raise ConfigError(config.source, tr("{0}: no [1, 3, H, W] image input (inputs: {1})").format(
                self.session.path.name, ", ".join(self.session.input_names)))
        self.image_input = images[0]
        default = config.input_size or self.default_input_size()
        w = config_option(config, "input_width", default)
        h = config_option(config, "input_height", default)
        self.input_hw = (self.image_input.fixed_dim(2) or int(h), self.image_input.fixed_dim(3) or int(w))
        self.class_names = config.classes

    def label(self, index: int) -> str:
        return self.class_names[index] if 0 <= index < len(self.class_names) else str(index)

    def input_size_hint(self) -> tuple[int, int] | None:
        return self.input_hw

    def image_blob(self, image_rgb: np.ndarray) -> tuple[np.ndarray, Fit]:
        img, fit = fit_image(image_rgb, self.input_hw, self.resize)
        blob = img.transpose(2, 0, 1)[None].astype(np.float32) * np.float32(1 / 255)
        if self.normalise == "imagenet":
            blob = (blob - IMAGENET_MEAN) / IMAGENET_STD
        return np.ascontiguousarray(blob, dtype=self.image_input.dtype), fit

    def preprocess(self, image_rgb: np.ndarray) -> tuple[dict[str, np.ndarray], Meta]:
        blob, fit = self.image_blob(image_rgb)
        return {self.image_input.name: blob}, Meta(fit, self.input_hw)

    def infer(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return self.session.run_dict(inputs)

    # -- shapes ---------------------------------------------------------------------------
    def box_shapes(self, boxes: np.ndarray, class_ids: np.ndarray, scores: np.ndarray) -> list[Shape]:
        return [rectangle(b[0], b[1], b[2], b[3], label=self.label(int(c)), score=round(float(s), 4))
                for b, c, s in zip(boxes, class_ids, scores) if b[2] > b[0] and b[3] > b[1]]

    def mask_shapes(self, masks: np.ndarray, boxes: np.ndarray, class_ids: np.ndarray, scores: np.ndarray,
                    meta: Meta, threshold: float, clip_to_box: bool) -> list[Shape]:
        """Polygons of low-resolution masks (input frame) above ``threshold``, in image pixels.

        Each mask is sampled at the centre of every image pixel of its region: the box when
        ``clip_to_box``, else the whole image (RF-DETR's masks are not limited to the box).
        """
        fit, (in_h, in_w) = meta.fit, meta.input_hw
        shapes: list[Shape] = []
        for gid, (m, b, c, s) in enumerate(zip(masks, boxes, class_ids, scores)):
            if clip_to_box:
                x0, y0 = int(np.floor(b[0])), int(np.floor(b[1]))
                x1, y1 = int(np.ceil(b[2])), int(np.ceil(b[3]))
            else:
                x0, y0, x1, y1 = 0, 0, fit.width, fit.height
            bw, bh = x1 - x0, y1 - y0
            if bw < 1 or bh < 1:
                continue
            mh, mw = m.shape
            kx, ky = mw / in_w, mh / in_h  # mask cells per input pixel
            affine = np.array([[fit.sx * kx, 0, ((x0 + 0.5) * fit.sx + fit.left) * kx - 0.5],
                               [0, fit.sy * ky, ((y0 + 0.5) * fit.sy + fit.top) * ky - 0.5]], np.float64)
            crop = cv2.warpAffine(np.ascontiguousarray(m, np.float32), affine, (bw, bh),
                                  flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REPLICATE)
            tol = self.config.epsilon_factor * 2 * (bw + bh) if self.config.epsilon_factor else 1.0
            polys = mask_to_polygons(crop > threshold, tolerance=tol, min_area=4.0)
            if not polys:
                continue
            label, sc = self.label(int(c)), round(float(s), 4)
            parts = [p for p in polys if p is polys[0] or polygon_area(p) > 0.2 * polygon_area(polys[0])]
            group = gid if len(parts) > 1 or self.config.show_boxes else None
            shapes += [Shape(POLYGON, p + [x0, y0], label=label, score=sc, group_id=group) for p in parts]
            if self.config.show_boxes:
                shapes.append(rectangle(*b, label=label, score=sc, group_id=gid))
        return shapes


def _output(outs: dict[str, np.ndarray], name: str, rank: int, index: int) -> np.ndarray:
    """An output by its export name, else the ``index``-th output of that rank."""
    if name in outs:
        return outs[name]
    same = [v for v in outs.values() if v.ndim == rank]
    return same[index]


class PostprocessedDetr(DetrModel):
    """``labels`` / ``boxes`` / ``scores`` (+ ``masks``) from RT-DETR's in-graph post-processor."""

    #: What ``orig_target_sizes`` holds: "image_wh" (boxes come back in image pixels),
    #: "input_wh" (boxes in the input frame) or "image_hw" (RiO-DETR's order).
    sizes_feed: ClassVar[str] = "image_wh"
    #: Masks are probabilities (True) or logits.
    mask_probabilities: ClassVar[bool] = True
    mask_clip_to_box: ClassVar[bool] = True

    def __init__(self, config: ModelConfig, device: str = "auto", progress: ProgressCallback | None = None) -> None:
        super().__init__(config, device, progress)
        sizes = [i for i in self.session.inputs if i is not self.image_input]
        self.sizes_input = sizes[0].name if sizes else None
        r = ranks(self.session)
        require_outputs(self.session, config.type, r.count(2) == 2 and r.count(3) == 1 and r.count(4) <= 1,
                        "labels [1,Q], boxes [1,Q,4 or 5], scores [1,Q] (+ masks [1,Q,h,w])")

    def preprocess(self, image_rgb: np.ndarray) -> tuple[dict[str, np.ndarray], Meta]:
        feeds, meta = super().preprocess(image_rgb)
        if self.sizes_input:
            fit, (ih, iw) = meta.fit, self.input_hw
            pair = {"image_wh": (fit.width, fit.height), "input_wh": (iw, ih),
                    "image_hw": (fit.height, fit.width)}[self.sizes_feed]
            feeds[self.sizes_input] = np.array([pair], np.int64)
        return feeds, meta

    def boxes_in_input_frame(self) -> bool:
        return self.sizes_input is None or self.sizes_feed == "input_wh"

    def decode(self, outputs: dict[str, np.ndarray], meta: Meta) -> Prediction:
        scores = _output(outputs, "scores", 2, 1)[0].astype(np.float64)
        labels = _output(outputs, "labels", 2, 0)[0].astype(np.int64)
        boxes = _output(outputs, "boxes", 3, 0)[0]
        keep = np.flatnonzero(scores >= self.config.conf_threshold)
        keep = keep[np.argsort(-scores[keep], kind="stable")][: self.config.max_det]
        scores, labels, boxes = scores[keep], labels[keep], boxes[keep].astype(np.float64)
        if boxes.shape[1] == 5:
            return Prediction(shapes=self.rotated_shapes(boxes, labels, scores, meta))
        identity = Fit(1.0, 1.0, 0.0, 0.0, meta.fit.height, meta.fit.width)
        boxes = (meta.fit if self.boxes_in_input_frame() else identity).boxes_to_image(boxes)
        masks = next((v for v in outputs.values() if v.ndim == 4), None)
        if self.capabilities.iou and len(boxes):
            kept = suppress(boxes, scores, labels, iou_threshold=self.config.iou_threshold,
                            agnostic=self.config.agnostic, max_det=self.config.max_det)
            boxes, scores, labels, keep = kept.boxes, kept.scores, labels[kept.index], keep[kept.index]
        if masks is None or self.config.output_type == "rectangle":
            return Prediction(shapes=self.box_shapes(boxes, labels, scores))
        t = self.mask_threshold()
        return Prediction(shapes=self.mask_shapes(masks[0][keep], boxes, labels, scores, meta,
                                                  t if self.mask_probabilities else float(np.log(t / (1 - t))),
                                                  self.mask_clip_to_box))

    def mask_threshold(self) -> float:
        t = float(config_option(self.config, "mask_threshold", 0.5))
        return min(max(t, 1e-6), 1 - 1e-6)

    def rotated_shapes(self, rboxes: np.ndarray, labels: np.ndarray, scores: np.ndarray, meta: Meta) -> list[Shape]:
        """[n, 5] cx cy w h angle (radians) in image pixels (or the input frame)."""
        fit = meta.fit
        shapes = []
        for (cx, cy, w, h, a), c, s in zip(rboxes, labels, scores):
            if self.boxes_in_input_frame():
                cx, cy, w, h = (cx - fit.left) / fit.sx, (cy - fit.top) / fit.sy, w / fit.sx, h / fit.sy
            if w > 0 and h > 0:
                shapes.append(rotation_shape(cx, cy, w, h, float(a), label=self.label(int(c)),
                                             score=round(float(s), 4)))
        return shapes


@register("rtdetrv2", capabilities=BOX_CAPS)
class RtDetrV2(PostprocessedDetr):
    """RT-DETRv2 export: stretched input /255, ``orig_target_sizes`` = image (w, h)."""


@register("dfine", capabilities=BOX_CAPS, aliases=("deimv2",))
class DFine(PostprocessedDetr):
    """D-FINE / DEIMv2 export: aspect kept, centred on black, sizes = the input (w, h)."""

    resize = "centre"
    sizes_feed = "input_wh"


@register("rio_detr", capabilities=Capabilities(conf=True, output_types=("rotation", "polygon", "rectangle")))
class RioDetr(PostprocessedDetr):
    """RiO-DETR (oriented RT-DETRv2): aspect kept, padded right/below, sizes = image (h, w);
    ``boxes`` [1,Q,5] cx cy w h angle in image pixels."""

    resize = "corner"
    sizes_feed = "image_hw"
    default_size = 800


@register("dfine_seg", capabilities=SEG_CAPS, config_keys=("mask_threshold",))
class DFineSeg(PostprocessedDetr):
    """D-FINE-seg export: input ``input`` only (stretched /255); boxes in input pixels,
    ``masks`` [1,Q,H/4,W/4] probabilities; duplicates are removed by class-wise NMS."""


@register("rtdetr", capabilities=BOX_CAPS, aliases=("u_rtdetr",))
class QueryTableDetr(DetrModel):
    """Paddle RT-DETR (``image`` -> ``outputs``) and Ultralytics RT-DETR (``images`` ->
    ``output0``): [1,Q,4+nc], normalised cx cy w h then class logits or probabilities."""

    def __init__(self, config: ModelConfig, device: str = "auto", progress: ProgressCallback | None = None) -> None:
        super().__init__(config, device, progress)
        out = self.session.outputs
        require_outputs(self.session, config.type, len(out) == 1 and len(out[0].shape) == 3
                        and (out[0].fixed_dim(2) or 5) > 4, "one [1,Q,4+nc] output (cx cy w h, class scores)")

    def decode(self, outputs: dict[str, np.ndarray], meta: Meta) -> Prediction:
        rows = next(iter(outputs.values()))[0].astype(np.float64)
        cls = rows[:, 4:]
        if cls.size and (cls.min() < 0.0 or cls.max() > 1.0):  # logits (Paddle) -> probabilities
            cls = sigmoid(cls)
        ids = cls.argmax(axis=1) if cls.size else np.zeros(0, np.int64)
        scores = cls[np.arange(len(cls)), ids] if cls.size else np.zeros(0)
        keep = np.flatnonzero(scores >= self.config.conf_threshold)
        keep = keep[np.argsort(-scores[keep], kind="stable")][: self.config.max_det]
        ih, iw = meta.input_hw
        xyxy = cxcywh_to_xyxy(rows[keep, :4]) * [iw, ih, iw, ih]
        return Prediction(shapes=self.box_shapes(meta.fit.boxes_to_image(xyxy), ids[keep], scores[keep]))


@register("rfdetr", config_keys=("num_select",), aliases=("rfdetr_seg",),
          capabilities=Capabilities(conf=True, output_types=("rectangle", "polygon", "rotation")))
class RfDetr(DetrModel):
    """RF-DETR: ImageNet-normalised stretched input; ``dets`` + class logits (+ mask logits).

    The logit column is the class id (COCO ids 1..90 with gaps for the COCO models), so
    ``classes`` is indexed by id; a config's {id: name} map keeps its ids.
    """

    normalise = "imagenet"

    def __init__(self, config: ModelConfig, device: str = "auto", progress: ProgressCallback | None = None) -> None:
        super().__init__(config, device, progress)
        r = ranks(self.session)
        require_outputs(self.session, config.type, r.count(3) == 2 and r.count(4) <= 1 and len(r) <= 3,
                        "dets [1,Q,4], class logits [1,Q,C] (+ mask logits [1,Q,h,w])")

    def default_input_size(self) -> int:
        # X-AnyLabeling's defaults for exports with dynamic axes (multiples of the patch grid).
        return 432 if self.config.type == "rfdetr_seg" else 560

    def decode(self, outputs: dict[str, np.ndarray], meta: Meta) -> Prediction:
        dets = _output(outputs, "dets", 3, 0)[0]
        logits = _output(outputs, "labels", 3, 1)[0]
        masks = next((v for v in outputs.values() if v.ndim == 4), None)
        n_cls = logits.shape[1]
        flat = logits.reshape(-1)
        k = min(int(config_option(self.config, "num_select", 300)), flat.size)
        top = np.argpartition(-flat, k - 1)[:k] if k < flat.size else np.arange(flat.size)
        top = top[np.argsort(-flat[top], kind="stable")]
        scores = sigmoid(flat[top].astype(np.float64))
        keep = scores >= self.config.conf_threshold
        top, scores = top[keep][: self.config.max_det], scores[keep][: self.config.max_det]
        query, ids = top // n_cls, top % n_cls
        ih, iw = meta.input_hw
        boxes = meta.fit.boxes_to_image(cxcywh_to_xyxy(dets[query]) * [iw, ih, iw, ih])
        if masks is None or self.config.output_type == "rectangle":
            return Prediction(shapes=self.box_shapes(boxes, ids, scores))
        return Prediction(shapes=self.mask_shapes(masks[0][query], boxes, ids, scores, meta, 0.0,
                                                  clip_to_box=False))
