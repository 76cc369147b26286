"""The ``segment_anything_2_video`` model type: SAM 2's four ONNX parts behind one config.

```yaml
type: segment_anything_2_video
name: sam2.1_hiera_tiny_video
encoder_model_path: sam2.1_hiera_tiny.video_encoder.onnx
memory_attention_model_path: sam2.1_hiera_tiny.memory_attention.onnx
memory_encoder_model_path: sam2.1_hiera_tiny.memory_encoder.onnx
decoder_model_path: sam2.1_hiera_tiny.video_decoder.onnx
```

X-AnyLabeling's configs of this type name a PyTorch checkpoint (``model_path: ....pt`` and
``model_cfg``), which needs PyTorch at run time: ``anylabel models check`` reports them as
unsupported with the way to export the parts. The model runs on frame sequences
(``anylabel track --model``, Video > Propagate with SAM 2), not on single images.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ...core.i18n import tr
from ..base import Model, Prediction, ProgressCallback
from ..config import ConfigError, ModelConfig
from ..registry import Capabilities, register
from .parts import Sam2VideoParts

PART_KEYS = ("encoder_model_path", "memory_attention_model_path", "memory_encoder_model_path",
             "decoder_model_path")

#: Prompts are given per frame of a sequence (prompts file, Video menu), not per image: the
#: type is kept out of the single-image Segment Anything menu (``point_prompts`` False).
CAPABILITIES = Capabilities(conf=False, output_types=("polygon", "rectangle", "rotation", "mask"))


@register("segment_anything_2_video", capabilities=CAPABILITIES, config_keys=("output_mode", "tolerance"),
          ignored_keys={"model_cfg": "the architecture is in the ONNX files",
                        "device_type": "the device is chosen by the app setting or the config's device"})
class Sam2VideoModel(Model):
    """Holds the four sessions; ``parts`` is what the propagation engine runs."""

    def __init__(self, config: ModelConfig, device: str = "auto", progress: ProgressCallback | None = None,
                 **_: Any) -> None:
        super().__init__(config, device, progress)
        problem = self.config_problem(config)
        if problem:
            raise ConfigError(config.source, problem)
        sessions = [self.load_session(k) for k in PART_KEYS]
        self.parts = Sam2VideoParts(*sessions)
        self.output_mode = str(config.options.get("output_mode", "polygon"))
        if self.output_mode not in CAPABILITIES.output_types:
            raise ConfigError(config.source, tr("output_mode must be one of {0}").format(
                ", ".join(CAPABILITIES.output_types)))
        self.tolerance = float(config.options.get("tolerance", 1.0))

    @staticmethod
    def config_problem(config: ModelConfig) -> str | None:
        missing = [k for k in PART_KEYS if not getattr(config, k)]
        if not missing:
            return None
        if config.model_path and str(config.model_path).endswith((".pt", ".pth")):
            return tr("the config names a PyTorch checkpoint, which needs PyTorch at run "
                      "time; export its parts with scripts/export_sam2_video_onnx.py "
                      "--checkpoint FILE and set {0} (docs/video.md)").format(
                ", ".join(PART_KEYS))
        return tr("a SAM 2 video config needs {0}").format(", ".join(missing))

    def predict_result(self, image_rgb: np.ndarray) -> Prediction:
        raise ConfigError(self.config.source, tr("{0} follows prompted objects through a "
                                                 "sequence of frames: use 'anylabel track "
                                                 "--model' or Video > Propagate with SAM 2").format(
            self.config.title))
