"""The SAM-family model type: encoder + embedding store + decoder behind one object.

One type covers SAM ViT-B/L/H (and their quantised exports), MobileSAM, EdgeSAM and
EfficientViT-SAM: their differences (tensor names, input size, mask input or not,
low- or full-resolution masks) are read from the ONNX files by ``spec.read_spec``.
The X-AnyLabeling type names are aliases so users' configs load unchanged.
"""
from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ...core.i18n import tr
from ...core.shape import RECTANGLE, Shape
from ..base import Model, Prediction, ProgressCallback
from ..config import ConfigError, ModelConfig
from ..registry import Capabilities, register
from .decoder import MaskPrediction, Prompt, SamDecoder
from .embedding import ImageEmbedding, SamEncoder
from .embedding_store import DEFAULT_CAPACITY, EmbeddingStore
from .mask_output import OUTPUT_MODES, mask_to_shapes
from .spec import SamSpec, read_spec

#: Config keys SAM configs may use besides the common schema.
SAM_CONFIG_KEYS = ("cache_size", "output_mode", "tolerance", "pixel_mean", "pixel_std", "mask_threshold",
                   "prefetch", "target_size", "resize")
#: How the image is fitted into the encoder input: SAM's longest-side resize + padding, or a
#: stretch to the square (SAM-Med2D).
RESIZE_MODES = ("longest", "stretch")

#: Keys of X-AnyLabeling's EdgeSAM / EfficientViT-SAM configs that mean nothing here.
SAM_IGNORED_KEYS = {
    "target_size": "the encoder's input size is read from the encoder ONNX",
    "model_arch": "the architecture is read from the ONNX files",
    "img_model_path": "EdgeSAM's CLIP image tower (text-prompted SAM) is not used",
    "img_extra_path": "EdgeSAM's CLIP image tower (text-prompted SAM) is not used",
    "txt_model_path": "EdgeSAM's CLIP text tower (text-prompted SAM) is not used",
    "txt_extra_path": "EdgeSAM's CLIP text tower (text-prompted SAM) is not used",
}

SAM_CAPABILITIES = Capabilities(conf=False, point_prompts=True, box_prompts=True,
                                output_types=OUTPUT_MODES, uses_annotation=True)


def _triple(cfg: ModelConfig, key: str) -> tuple[float, float, float] | None:
    v = cfg.options.get(key)
    if v is None:
        return None
    if not isinstance(v, (list, tuple)) or len(v) != 3:
        raise ConfigError(cfg.source, tr("{0}: expected three numbers (R, G, B), got {1!r}").format(key, v))
    return (float(v[0]), float(v[1]), float(v[2]))


def _file_id(path: Path) -> str:
    """Identity of a model file for cache keys: path, size and modification time."""
    st = path.stat()
    return hashlib.sha1(f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()[:16]


@register("segment_anything", capabilities=SAM_CAPABILITIES, config_keys=SAM_CONFIG_KEYS,
          ignored_keys=SAM_IGNORED_KEYS,
          aliases=("segment_anything_model", "sam", "mobile_sam", "edge_sam", "efficientvit_sam", "sam_hq"))
class SamModel(Model):
    """Point/box-prompted segmentation with a cached, prefetched image encoder."""

    pipelined = False
    default_resize = "longest"
    #: Polygon simplification as a fraction of each outline's length (0: the pixel tolerance);
    #: SAM 2 configs set it (X-AnyLabeling's ``epsilon``).
    epsilon: float = 0.0
    #: The decoder graph adds SAM's padding point itself (SAM 2 exports).
    decoder_pads_points = False

    def __init__(self, config: ModelConfig, device: str = "auto", progress: ProgressCallback | None = None,
                 store: EmbeddingStore | None = None, **_: Any) -> None:
        super().__init__(config, device, progress)
        for key in ("encoder_model_path", "decoder_model_path"):
            if not getattr(config, key):
                raise ConfigError(config.source, tr("a {0} config needs {1}").format(config.type, key))
        enc = self.load_session("encoder_model_path")
        dec = self.load_session("decoder_model_path")
        opts = config.options
        resize = str(opts.get("resize", self.default_resize))
        if resize not in RESIZE_MODES:
            raise ConfigError(config.source, tr("resize must be one of {0}, got {1!r}").format(
                ", ".join(RESIZE_MODES), resize))
        # ``target_size`` (EfficientViT-SAM configs): the longest side a pre-processing encoder
        # works at, when the encoder's input has no fixed size.
        size = config.input_size or (int(opts["target_size"]) if opts.get("target_size") else None)
        self.spec: SamSpec = read_spec(enc, dec, size, _triple(config, "pixel_mean"),
                                       _triple(config, "pixel_std"), float(opts.get("mask_threshold", 0.0)),
                                       stretch=resize == "stretch")
        if self.decoder_pads_points:
            self.spec = dataclasses.replace(self.spec, pad_point=False)
        self.model_id = f"{config.name}:{_file_id(enc.path)}:{_file_id(dec.path)}"
        self.encoder = SamEncoder(enc, self.spec, self.model_id)
        limit = (config.max_width or 2048, config.max_height or 2048)
        self.decoder = SamDecoder(dec, self.spec, limit)
        self.output_mode = str(opts.get("output_mode", "polygon"))
        if self.output_mode not in OUTPUT_MODES:
            raise ConfigError(config.source, tr("output_mode must be one of {0}, got {1!r}").format(
                ", ".join(OUTPUT_MODES), self.output_mode))
        self.tolerance = float(opts.get("tolerance", 1.0))
        self.prefetch_count = int(opts.get("prefetch", 2))
        self._own_store = store is None
        self.store = store or EmbeddingStore(capacity=int(opts.get("cache_size", DEFAULT_CAPACITY)))
        self.store.set_encoder(self.encoder)

    # -- prompts -------------------------------------------------------------------------
    def embed(self, image_rgb: np.ndarray, path: str | Path | None = None) -> ImageEmbedding:
        """The embedding of an image: from the store when it has a path, else encoded now."""
        if path is not None:
            return self.store.embedding(path, image_rgb)
        return self.encoder.encode(image_rgb)

    def segment(self, embedding: ImageEmbedding, prompt: Prompt,
                mask_input: np.ndarray | None = None) -> MaskPrediction:
        return self.decoder.decode(embedding, prompt, mask_input)

    def to_shapes(self, mask: np.ndarray | MaskPrediction, label: str = "", group_id: int | None = None,
                  score: float | None = None, mode: str | None = None) -> list[Shape]:
        """Shapes in image pixels from a prediction (or a mask at the image size)."""
        scale = (1.0, 1.0)
        if isinstance(mask, MaskPrediction):
            scale, mask = mask.scale, mask.mask
        return mask_to_shapes(mask, mode or self.output_mode, label, self.tolerance, group_id, score,
                              scale=scale, epsilon=self.epsilon)

    def set_options(self, **changes: Any) -> None:
        """``output_mode`` and ``tolerance`` change live; other keys go to the config."""
        if "output_mode" in changes:
            mode = changes.pop("output_mode")
            if mode not in OUTPUT_MODES:
                raise ValueError(tr("output_mode must be one of {0}").format(", ".join(OUTPUT_MODES)))
            self.output_mode = mode
        if "tolerance" in changes:
            self.tolerance = max(0.0, float(changes.pop("tolerance")))
        if changes:
            super().set_options(**changes)

    # -- whole-image API -----------------------------------------------------------------
    def predict_result(self, image_rgb: np.ndarray) -> Prediction:
        raise ConfigError(self.config.source, tr("{0} segments what you point at: click on "
                                                 "the image (Q/E) or draw a box, or run it on "
                                                 "existing rectangles (--prompt-from-boxes)").format(
                                                     self.config.title))

    def predict_with_annotation(self, image_rgb: np.ndarray, existing_shapes: Sequence[Shape],
                                path: str | Path | None = None) -> Prediction:
        """Box-to-segment: the image's shapes with each rectangle replaced by the object SAM
        finds in it (same label, group id, flags and attributes); other shapes unchanged.
        ``anylabel predict --prompt-from-boxes --replace`` writes exactly this list."""
        from .box_to_segment import boxes_to_segments

        emb = self.embed(image_rgb, path)
        return Prediction(shapes=boxes_to_segments(self, emb, existing_shapes), keep_group_ids=True)

    def close(self, wait: bool = True) -> None:
        """Release the sessions; ``wait=False`` (the GUI switching models) does not wait
        for an encoder run in progress."""
        if self._own_store:
            self.store.close(timeout=10.0 if wait else 0)
        super().close()


def rectangles(shapes: Sequence[Shape]) -> list[Shape]:
    return [s for s in shapes if s.shape_type == RECTANGLE]


@register("sam_med2d", capabilities=SAM_CAPABILITIES, config_keys=SAM_CONFIG_KEYS, ignored_keys=SAM_IGNORED_KEYS)
class SamMed2d(SamModel):
    """SAM-Med2D: SAM's interface at a 256 input, the image stretched to the square."""

    default_resize = "stretch"
