"""The interface every model type implements.

``predict(image_rgb) -> list[Shape]`` is what scripts call. Internally a prediction is
three stages so that a batch run can overlap them across images (see ``pipeline``):

    inputs, meta = model.preprocess(image_rgb)   # CPU, numpy; thread-safe
    outputs      = model.infer(inputs)           # the ONNX session(s)
    prediction   = model.postprocess(outputs, meta)  # CPU, numpy; thread-safe

A model type that cannot split its work (multi-stage OCR) overrides ``infer`` to do
everything and leaves the other two as pass-throughs. Classifiers return image-level
``flags`` in the ``Prediction`` besides (or instead of) shapes.

Models that use the image's existing shapes as prompts (SAM from boxes) implement
``predict_with_annotation(image_rgb, existing_shapes)`` and declare
``Capabilities(uses_annotation=True)``; ``anylabel predict`` and the panel call it.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Sequence

import numpy as np

from ..core.i18n import tr
from ..core.shape import Shape
from .config import ModelConfig
from .download import ProgressCallback, resolve_model_file
from .registry import Capabilities
from .runtime import OnnxModel

__all__ = ["Model", "Prediction", "ProgressCallback"]

log = logging.getLogger(__name__)


@dataclass
class Prediction:
    """What a model found on one image."""

    shapes: list[Shape] = field(default_factory=list)
    #: Image-level flags (classification): {class name: bool}.
    flags: dict[str, bool] = field(default_factory=dict)
    #: Image-level text (e.g. the top class with its score).
    description: str | None = None
    #: Dense results, {kind: H x W (x 3) uint8 RGB image} (e.g. "depth"), saved beside the
    #: image and named in its label file by ``anylabel.inference.layers.save_layers``.
    layers: dict[str, np.ndarray] = field(default_factory=dict)
    #: The shapes' group ids are meaningful as they are (track ids, or ids carried over from
    #: the user's own shapes by box-to-segment) and must not be renumbered when merged.
    keep_group_ids: bool = False

    @property
    def classifies_only(self) -> bool:
        """Image flags and no shapes: a classifier's result. It never replaces shapes (there
        is nothing to put in their place), also when the user asked to replace them."""
        return bool(self.flags) and not self.shapes

    @property
    def leaves_shapes(self) -> bool:
        """No shapes, but an image-level result (flags, layers or a description: a classifier,
        a tagger that found no tag, a depth map): there is nothing to put in place of the
        image's shapes, so they stay also when the user asked to replace them."""
        return not self.shapes and (bool(self.flags or self.layers) or self.description is not None)


class Model:
    """Base class of model types. Subclasses are registered with ``registry.register``."""

    type_name: ClassVar[str] = ""
    capabilities: ClassVar[Capabilities] = Capabilities()

    def __init__(self, config: ModelConfig, device: str = "auto",
                 progress: ProgressCallback | None = None) -> None:
        self.config = config
        self.requested_device = device
        self._progress = progress
        self._sessions: list[OnnxModel] = []
        #: Extra text for users about the model (e.g. why it runs on CPU).
        self.notes: list[str] = []

    # -- loading -------------------------------------------------------------------------
    def model_file(self, key: str = "model_path") -> Path:
        """The local file for a path key of the config (downloaded when a URL)."""
        return resolve_model_file(self.config, key, self._progress)

    def load_session(self, key: str = "model_path", intra_threads: int | None = None) -> OnnxModel:
        # Batch (pipelined) model types share the CPU with loader/writer threads: no busy-waiting.
        sess = OnnxModel(self.model_file(key), device=self.requested_device,  # type: ignore[arg-type]
                         intra_threads=intra_threads,
                         allow_spinning=not (self.pipelined and self.capabilities.batch))
        if sess.fallback_reason:
            self.notes.append(tr("running on CPU: {0}").format(sess.fallback_reason))
        self._sessions.append(sess)
        return sess

    @property
    def sessions(self) -> tuple[OnnxModel, ...]:
        """The ONNX sessions this model loaded (``anylabel models quantize`` records their inputs)."""
        return tuple(self._sessions)

    @property
    def device(self) -> str:
        """Where the model actually runs ("cpu" or "cuda")."""
        return self._sessions[0].device if self._sessions else "cpu"

    @property
    def fallback_reason(self) -> str | None:
        return next((s.fallback_reason for s in self._sessions if s.fallback_reason), None)

    # -- settings changed by the panel / CLI ---------------------------------------------
    def set_options(self, **changes: Any) -> None:
        """Change thresholds or NMS settings (``conf_threshold``, ``iou_threshold``, ``nms``...)."""
        self.config = self.config.with_overrides(**changes)

    # -- stages --------------------------------------------------------------------------
    def preprocess(self, image_rgb: np.ndarray) -> tuple[Any, Any]:
        return image_rgb, None

    def infer(self, inputs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} implements neither infer nor predict_result")

    def decode(self, outputs: Any, meta: Any) -> Prediction:
        """Model outputs -> shapes in image pixels (subclasses implement)."""
        if isinstance(outputs, Prediction):
            return outputs
        raise NotImplementedError(f"{type(self).__name__}.decode")

    def postprocess(self, outputs: Any, meta: Any) -> Prediction:
        """``decode``, then the choices every model shares: class filter and output shape type."""
        return self.finish(self.decode(outputs, meta))

    def finish(self, pred: Prediction) -> Prediction:
        from .postprocess.convert import convert_shapes

        wanted = set(self.config.filter_classes)
        if wanted:
            groups = {s.group_id for s in pred.shapes if s.label in wanted and s.group_id is not None}
            pred.shapes = [s for s in pred.shapes
                           if s.label in wanted or (s.group_id is not None and s.group_id in groups)]
        if self.config.output_type:
            pred.shapes = convert_shapes(pred.shapes, self.config.output_type)
        return pred

    #: Whether ``preprocess``/``postprocess`` may run on other threads than ``infer``.
    pipelined: ClassVar[bool] = True

    # -- public API ----------------------------------------------------------------------
    @property
    def slices(self) -> bool:
        """Whether predictions run tile by tile (SAHI: the config asks and the type supports it)."""
        return bool(self.config.sahi and self.capabilities.sahi)

    def predict_result(self, image_rgb: np.ndarray) -> Prediction:
        """Shapes and image flags for one RGB image (H x W x 3 uint8); a sliced model also takes
        the windows of a huge image (``postprocess.sahi.ImageWindows``)."""
        if self.slices:
            from .postprocess.sahi import sliced_predict

            return self.finish(sliced_predict(self, image_rgb))
        return self.predict_unsliced(image_rgb)

    def predict_unsliced(self, image_rgb: np.ndarray) -> Prediction:
        inputs, meta = self.preprocess(image_rgb)
        return self.postprocess(self.infer(inputs), meta)

    def input_size_hint(self) -> tuple[int, int] | None:
        """(H, W) the image is shrunk to anyway, so loaders may decode at a lower resolution;
        None when the model needs full resolution (OCR crops, SAHI tiles)."""
        return None

    @property
    def can_pipeline(self) -> bool:
        """Whether a batch run may split the stages across threads."""
        return self.pipelined and not self.slices

    def predict(self, image_rgb: np.ndarray) -> list[Shape]:
        """Shapes found on one RGB image (H x W x 3 uint8), in image pixels."""
        return self.predict_result(image_rgb).shapes

    def predict_batch(self, images: Sequence[np.ndarray]) -> list[Prediction]:
        """Predictions for several images (types with ``batch`` capability run them in one call)."""
        return [self.predict_result(im) for im in images]

    def close(self) -> None:
        self._sessions.clear()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.config.name!r} on {self.device}>"


def class_name(config: ModelConfig, index: int) -> str:
    """Label for a class index (the index itself when the config lists no classes)."""
    return config.classes[index] if 0 <= index < len(config.classes) else str(index)
