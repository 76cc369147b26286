"""Detector + SAM as one model: boxes from a detector (e.g. YOLO), each refined into the
object's outline by SAM box prompts. The config names the two configs it combines::

    type: detector_sam
    name: yolov8n_mobile_sam
    detector: yolov8n            # shipped model name or path of a YAML (relative to this one)
    sam: mobile_sam_vit_h
    output_mode: polygon         # polygon | rectangle | rotation | mask
    tolerance: 1.0

Thresholds (conf/iou/classes) are the detector's; ``set_options`` forwards them to it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ...core.geometry import bounding_box
from ...core.i18n import tr
from ...core.shape import RECTANGLE, Shape
from ..base import Model, Prediction, ProgressCallback
from ..config import ConfigError, ModelConfig, find_config, load_config
from ..registry import Capabilities, create_model, register
from .box_to_segment import boxes_to_segments
from .mask_output import OUTPUT_MODES


def _sub_config(config: ModelConfig, key: str) -> ModelConfig:
    ref = config.options.get(key)
    if not ref:
        raise ConfigError(config.source, tr("a detector_sam config needs {0!r} "
                                            "(a model name or a YAML path)").format(key))
    ref = str(ref)
    p = Path(ref).expanduser()
    if p.suffix.lower() in (".yaml", ".yml"):
        return load_config(p if p.is_absolute() else config.base_dir() / p)
    return find_config(ref)


@register("detector_sam", capabilities=Capabilities(conf=True, iou=True, output_types=OUTPUT_MODES),
          config_keys=("detector", "sam", "output_mode", "tolerance"), aliases=("yolo_sam",))
class DetectorSam(Model):
    """Detect, then segment each detection with SAM (labels and scores from the detector)."""

    pipelined = False

    def __init__(self, config: ModelConfig, device: str = "auto", progress: ProgressCallback | None = None,
                 **_: Any) -> None:
        super().__init__(config, device, progress)
        det_cfg, sam_cfg = self.sub_configs(config)
        from ..registry import model_types

        entry = model_types().get(sam_cfg.type)
        if entry is None or not entry.capabilities.box_prompts:
            raise ConfigError(config.source, tr("sam: {0} is a {1} model, not a SAM model").format(
                sam_cfg.name, sam_cfg.type))
        self.detector = create_model(det_cfg, device=device, progress=progress)
        self.sam = create_model(sam_cfg, device=device, progress=progress)
        opts = {k: config.options[k] for k in ("output_mode", "tolerance") if k in config.options}
        if opts:
            self.sam.set_options(**opts)

    @staticmethod
    def sub_configs(config: ModelConfig) -> tuple[ModelConfig, ModelConfig]:
        """(detector config, SAM config) this combination runs."""
        return _sub_config(config, "detector"), _sub_config(config, "sam")

    @property
    def device(self) -> str:
        return self.detector.device

    def set_options(self, **changes: Any) -> None:
        sam_keys = {k: changes.pop(k) for k in ("output_mode", "tolerance") if k in changes}
        if sam_keys:
            self.sam.set_options(**sam_keys)
        if changes:
            self.detector.set_options(**changes)

    def predict_result(self, image_rgb: np.ndarray) -> Prediction:
        det = self.detector.predict_result(image_rgb)
        boxes = []
        for s in det.shapes:
            if s.shape_type != RECTANGLE:  # seg / obb detectors: prompt with their bounding box
                x0, y0, x1, y1 = bounding_box(s)
                s = Shape(RECTANGLE, np.array([[x0, y0], [x1, y1]]), label=s.label, group_id=s.group_id,
                          score=s.score, attributes=dict(s.attributes))
            boxes.append(s)
        if not boxes:
            return Prediction([], det.flags, det.description)
        emb = self.sam.embed(image_rgb)
        return Prediction(boxes_to_segments(self.sam, emb, boxes), det.flags, det.description)

    def close(self) -> None:
        self.detector.close()
        self.sam.close()
        super().close()


@register("yolov5_sam", capabilities=Capabilities(conf=True, iou=True, output_types=OUTPUT_MODES),
          config_keys=("output_mode", "tolerance", "target_size"))
class YoloV5Sam(DetectorSam):
    """X-AnyLabeling's one-file form: the YOLOv5 detector's ``model_path``, thresholds and
    classes, and the SAM pair's ``encoder_model_path`` / ``decoder_model_path`` side by side."""

    detector_type = "yolov5"
    sam_type = "segment_anything"
    sam_keys: tuple[str, ...] = ("target_size",)

    @classmethod
    def sub_configs(cls, config: ModelConfig) -> tuple[ModelConfig, ModelConfig]:
        import dataclasses

        for key in ("model_path", "encoder_model_path", "decoder_model_path"):
            if not getattr(config, key):
                raise ConfigError(config.source, tr("a {0} config needs {1}").format(config.type, key))
        det = dataclasses.replace(config, type=cls.detector_type, encoder_model_path=None, decoder_model_path=None,
                                  options={}, ignored={}, warnings=[])
        sam_opts = {k: config.options[k] for k in cls.sam_keys if k in config.options}
        sam = dataclasses.replace(config, type=cls.sam_type, model_path=None, options=sam_opts, ignored={},
                                  warnings=[], classes=[], filter_classes=[])
        return det, sam


@register("yolov8_sam2", capabilities=Capabilities(conf=True, iou=True, output_types=OUTPUT_MODES),
          config_keys=("output_mode", "tolerance", "epsilon"))
class YoloV8Sam2(YoloV5Sam):
    """X-AnyLabeling's YOLOv8 + SAM 2 one-file form (same layout as ``yolov5_sam``)."""

    detector_type = "yolov8"
    sam_type = "segment_anything_2"
    sam_keys = ("epsilon",)
