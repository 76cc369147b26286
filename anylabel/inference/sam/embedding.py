"""One encoded image, and the encoder that makes it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..runtime import OnnxModel
from .spec import SamSpec
from .transforms import ResizeFrame, encoder_input, frame_for


@dataclass(frozen=True)
class ImageEmbedding:
    """Encoder outputs for one image plus the frame that maps prompts into them."""

    tensors: dict[str, np.ndarray]
    frame: ResizeFrame
    model_id: str

    @property
    def nbytes(self) -> int:
        return int(sum(t.nbytes for t in self.tensors.values()))


class SamEncoder:
    """Runs the heavy image encoder: image in, ``ImageEmbedding`` out."""

    def __init__(self, session: OnnxModel, spec: SamSpec, model_id: str) -> None:
        self.session = session
        self.spec = spec
        self.model_id = model_id
        self._dtype = session.input(spec.encoder_input).dtype
        self._wanted = [name for name, _ in spec.embeddings] + list(spec.stacked[1] if spec.stacked else ())

    def make_run_options(self) -> Any:
        """Options whose ``terminate = True`` (from another thread) aborts a run in progress."""
        import onnxruntime as ort

        return ort.RunOptions()

    def encode(self, image_rgb: np.ndarray, run_options: Any = None) -> ImageEmbedding:
        s = self.spec
        frame = frame_for(image_rgb.shape, s.input_size, s.stretch)
        tensor = encoder_input(image_rgb, frame, s.pixel_mean, s.pixel_std, s.channels_last, self._dtype,
                               raw=s.raw_image)
        # The ORT session directly: OnnxModel.run has no run options (needed to abort).
        outs = dict(zip(self._wanted, self.session.session.run(self._wanted, {s.encoder_input: tensor}, run_options)))
        if s.stacked:
            name, parts = s.stacked
            outs[name] = np.stack([outs.pop(p) for p in parts])
        return ImageEmbedding(outs, frame, self.model_id)
