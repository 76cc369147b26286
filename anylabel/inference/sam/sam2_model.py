"""Segment Anything 2 (SAM 2 / 2.1) on images.

The image encoder gives three tensors (``image_embed`` [1,256,64,64] and the
high-resolution ``high_res_feats_0`` [1,32,256,256], ``high_res_feats_1`` [1,64,128,128]),
all fed to the prompt decoder; ``spec.read_spec`` pairs them by name as for SAM 1, so
the whole SAM 1 path (embedding store and prefetch, prompt session, mask feedback, mask
-> shapes) is reused. What differs, from the export X-AnyLabeling's
``segment_anything_2`` type reads:

- the image is stretched to the square input (no longest-side resize and padding);
- the decoder adds SAM's padding point itself, and returns three low-resolution candidate
  masks with their predicted IoU (the best is kept);
- the config keys ``epsilon`` (polygon simplification as a fraction of each outline's
  length), ``padding_ratio`` (with ``crop_boxes: true``, a box prompt is segmented on a
  crop around the box, grown by that fraction: small objects get more of the encoder's
  resolution) and the ``amg_*`` keys of "segment everything" (``auto_masks``).

``predict`` (CLI, panel) on an image: its rectangles become box prompts (as with SAM 1);
an image without rectangles gets "segment everything".
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from ...core.i18n import tr
from ...core.shape import Shape
from ..base import Prediction, ProgressCallback
from ..config import ConfigError, ModelConfig
from ..registry import register
from .auto_masks import AutoMaskSettings, generate
from .decoder import MaskPrediction, Prompt
from .embedding import ImageEmbedding
from .embedding_store import EmbeddingStore
from .model import SAM_CAPABILITIES, SAM_CONFIG_KEYS, SAM_IGNORED_KEYS, SamModel, rectangles

SAM2_CONFIG_KEYS = SAM_CONFIG_KEYS + ("epsilon", "padding_ratio", "crop_boxes", "amg_label",
                                      *AutoMaskSettings.KEYS)


def _number(config: ModelConfig, key: str, default: float, lo: float, hi: float) -> float:
    raw = config.options.get(key, default)
    try:
        v = float(raw)
    except (TypeError, ValueError):
        raise ConfigError(config.source, tr("{0}: expected a number, got {1!r}").format(key, raw)) from None
    if not lo <= v <= hi:
        raise ConfigError(config.source, tr("{0}: {1} is outside {2}..{3}").format(key, v, lo, hi))
    return v


@register("segment_anything_2", capabilities=SAM_CAPABILITIES, config_keys=SAM2_CONFIG_KEYS,
          ignored_keys=SAM_IGNORED_KEYS, aliases=("sam2",))
class Sam2Model(SamModel):
    """SAM 2 image prompting and automatic mask generation."""

    default_resize = "stretch"
    decoder_pads_points = True

    def __init__(self, config: ModelConfig, device: str = "auto", progress: ProgressCallback | None = None,
                 store: EmbeddingStore | None = None, **kw: Any) -> None:
        super().__init__(config, device, progress, store, **kw)
        # ``tolerance`` (pixels) wins when a config gives it; X-AnyLabeling's configs give epsilon.
        self.epsilon = 0.0 if "tolerance" in config.options else _number(config, "epsilon", 0.0, 0.0, 0.5)
        self.padding_ratio = _number(config, "padding_ratio", 0.2, 0.0, 10.0)
        self.crop_boxes = bool(config.options.get("crop_boxes", False))
        self.auto_settings = AutoMaskSettings.from_options(config.options, config.source)
        self.auto_label = str(config.options.get("amg_label", "object"))

    def set_options(self, **changes: Any) -> None:
        """``epsilon`` changes live (0 returns to the pixel ``tolerance``); while it is set,
        it decides the polygon simplification (the GUI always sends its pixel tolerance)."""
        if "epsilon" in changes:
            self.epsilon = min(0.5, max(0.0, float(changes.pop("epsilon"))))
        super().set_options(**changes)

    # -- segment everything ----------------------------------------------------------------
    def segment_everything(self, embedding: ImageEmbedding, cancel: threading.Event | None = None,
                           progress: Callable[[int, int], None] | None = None,
                           first_group_id: int = 1) -> list[Shape]:
        """Shapes of every object found on the point grid; each object has its own group
        id (its parts share it), best-scored first. Empty when cancelled."""
        shapes: list[Shape] = []
        gid = first_group_id
        for found in generate(self.decoder, embedding, self.auto_settings, cancel, progress):
            pred = MaskPrediction(found.mask, found.score, None, (embedding.frame.orig_w, embedding.frame.orig_h))
            new = self.to_shapes(pred, self.auto_label, gid, round(found.score, 4))
            if new:
                shapes.extend(new)
                gid += 1
        return shapes

    def predict_result(self, image_rgb: np.ndarray) -> Prediction:
        return Prediction(shapes=self.segment_everything(self.encoder.encode(image_rgb)), keep_group_ids=True)

    def predict_with_annotation(self, image_rgb: np.ndarray, existing_shapes: Sequence[Shape],
                                path: str | Path | None = None) -> Prediction:
        """Rectangles -> their objects (the image's whole shape list, as SAM 1); no rectangle
        -> "segment everything" (the new shapes, group ids after the image's own)."""
        from .box_to_segment import boxes_to_segments

        if rectangles(existing_shapes):
            if self.crop_boxes:
                return Prediction(shapes=boxes_to_segments(CroppedBoxes(self, image_rgb), None,  # type: ignore[arg-type]
                                                           existing_shapes), keep_group_ids=True)
            return super().predict_with_annotation(image_rgb, existing_shapes, path)
        used = [s.group_id for s in existing_shapes if s.group_id is not None]
        emb = self.embed(image_rgb, path)
        return Prediction(shapes=self.segment_everything(emb, first_group_id=max(used, default=0) + 1),
                          keep_group_ids=True)


class CroppedBoxes:
    """Box prompts on a crop around each box (X-AnyLabeling's cropping mode): the crop,
    the box grown by ``padding_ratio`` of its size on each side, is encoded on its own, so
    a small object fills more of the encoder input. Has the two methods
    ``box_to_segment.boxes_to_segments`` calls; shapes come back in image pixels."""

    def __init__(self, model: Sam2Model, image_rgb: np.ndarray) -> None:
        self.model = model
        self.image = image_rgb
        self._offset = (0, 0)

    def crop_for(self, box: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
        x0, y0, x1, y1 = box
        h, w = self.image.shape[:2]
        px, py = (x1 - x0) * self.model.padding_ratio, (y1 - y0) * self.model.padding_ratio
        cx0, cy0 = max(0, int(x0 - px)), max(0, int(y0 - py))
        cx1, cy1 = min(w, int(np.ceil(x1 + px))), min(h, int(np.ceil(y1 + py)))
        return cx0, cy0, max(cx1, cx0 + 1), max(cy1, cy0 + 1)

    def segment(self, _emb: Any, prompt: Prompt, mask_input: np.ndarray | None = None) -> MaskPrediction:
        assert prompt.box is not None
        cx0, cy0, cx1, cy1 = self.crop_for(prompt.box)
        self._offset = (cx0, cy0)
        emb = self.model.encoder.encode(np.ascontiguousarray(self.image[cy0:cy1, cx0:cx1]))
        x0, y0, x1, y1 = prompt.box
        return self.model.segment(emb, Prompt(box=(x0 - cx0, y0 - cy0, x1 - cx0, y1 - cy0)))

    def to_shapes(self, pred: MaskPrediction, label: str = "", group_id: int | None = None,
                  score: float | None = None, mode: str | None = None) -> list[Shape]:
        shapes = self.model.to_shapes(pred, label, group_id, score, mode)
        for s in shapes:  # every shape type (a mask shape too) is placed by its points
            s.points = s.points + np.array(self._offset, dtype=float)
        return shapes
