"""The light prompt decoder: points / a box (+ the previous mask) -> a mask."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..runtime import OnnxModel
from .embedding import ImageEmbedding
from .spec import SamSpec
from .transforms import mask_size, upscale_low_res

POSITIVE = 1
NEGATIVE = 0


@dataclass
class Prompt:
    """Prompts in image pixel coordinates. ``labels``: 1 positive, 0 negative."""

    points: list[tuple[float, float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    box: tuple[float, float, float, float] | None = None  # x0, y0, x1, y1

    def is_empty(self) -> bool:
        return not self.points and self.box is None

    def has_positive(self) -> bool:
        return self.box is not None or any(lab == POSITIVE for lab in self.labels)


@dataclass
class MaskPrediction:
    mask: np.ndarray              # (h, w) bool: the image size, or smaller for huge images
    score: float
    low_res: np.ndarray | None    # (1, 1, h, w) logits to feed back with the next click
    image_size: tuple[int, int] = (0, 0)  # (width, height) of the image

    @property
    def scale(self) -> tuple[float, float]:
        """Mask pixels -> image pixels, (sx, sy); (1, 1) unless the mask was computed smaller."""
        w, h = self.image_size
        mh, mw = self.mask.shape
        return (w / mw if w else 1.0, h / mh if h else 1.0)

    def full_mask(self) -> np.ndarray:
        """The mask at the image size."""
        import cv2

        w, h = self.image_size
        if not w or self.mask.shape == (h, w):
            return self.mask
        return cv2.resize(self.mask.view(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST).astype(bool)


class SamDecoder:
    def __init__(self, session: OnnxModel, spec: SamSpec, mask_limit: tuple[int, int] | None = (2048, 2048)) -> None:
        self.session = session
        self.spec = spec
        #: Largest mask (width, height) the decoder produces; see transforms.mask_size.
        self.mask_limit = mask_limit
        dtypes = {i.name: i.dtype for i in session.inputs}
        self._dtypes = dtypes
        if spec.mask_input is not None:
            shape = session.input(spec.mask_input).shape
            dims = [d if isinstance(d, int) and d > 0 else None for d in shape]
            low = spec.input_size // 4  # SAM's low-resolution masks: a quarter of the input
            self._mask_shape = tuple(d or 1 for d in dims[:-2]) + tuple(d or low for d in dims[-2:])
        else:
            self._mask_shape = (1, 1, 256, 256)

    def feeds(self, emb: ImageEmbedding, prompt: Prompt, mask_input: np.ndarray | None) -> dict[str, np.ndarray]:
        """The decoder inputs for a prompt, in the model's own names and dtypes."""
        pts = list(prompt.points)
        labs = [int(v) for v in prompt.labels]
        if prompt.box is not None:
            x0, y0, x1, y1 = prompt.box
            pts += [(min(x0, x1), min(y0, y1)), (max(x0, x1), max(y0, y1))]
            labs += [2, 3]
        coords = emb.frame.to_model(np.array(pts, dtype=np.float64).reshape(-1, 2))
        if prompt.box is None and self.spec.pad_point:
            # SAM's exported decoder expects a padding point when no box is given.
            coords = np.concatenate([coords, np.zeros((1, 2), np.float32)])
            labs.append(-1)
        s = self.spec
        f = {s.coords_input: coords[None].astype(self._dtypes[s.coords_input]),
             s.labels_input: np.array([labs], dtype=self._dtypes[s.labels_input])}
        for out_name, in_name in s.embeddings:
            f[in_name] = emb.tensors[out_name]
        if s.stacked:
            f[s.stacked[0]] = emb.tensors[s.stacked[0]]
        if s.mask_input is not None:
            has = mask_input is not None
            m = mask_input if has else np.zeros(self._mask_shape, np.float32)
            f[s.mask_input] = np.ascontiguousarray(m, dtype=self._dtypes[s.mask_input])
            if s.has_mask_input is not None:
                f[s.has_mask_input] = np.array([1.0 if has else 0.0], dtype=self._dtypes[s.has_mask_input])
        if s.orig_size_input is not None:
            f[s.orig_size_input] = np.array(mask_size(emb.frame, self.mask_limit),
                                            dtype=self._dtypes[s.orig_size_input])
        return f

    def decode(self, emb: ImageEmbedding, prompt: Prompt, mask_input: np.ndarray | None = None) -> MaskPrediction:
        s = self.spec
        outs = self.session.run_dict(self.feeds(emb, prompt, mask_input))
        # A stretched frame: full-size masks from an export may have been cropped as if the
        # image were resized by its longest side; the low-resolution logits are upscaled here.
        masks = outs[s.low_res_output if s.stretch and s.low_res_output else s.masks_output]
        scores = outs.get(s.scores_output) if s.scores_output else None
        masks = masks.reshape((-1,) + masks.shape[-2:])
        best = 0
        if scores is not None and scores.size == masks.shape[0] > 1:
            best = int(np.argmax(scores.reshape(-1)))  # multi-mask exports: keep the best-scored
        score = float(scores.reshape(-1)[best]) if scores is not None and scores.size else 1.0
        logits = masks[best]
        frame = emb.frame
        size = mask_size(frame, self.mask_limit)
        if logits.shape != size:
            logits = upscale_low_res(logits, frame, size)
        low = None
        if s.low_res_output is not None:
            lr = outs[s.low_res_output]
            lr = lr.reshape((-1,) + lr.shape[-2:])
            low = lr[min(best, lr.shape[0] - 1)][None, None]
        elif s.mask_input is not None and masks.shape[-2:] == self._mask_shape[-2:]:
            low = masks[best][None, None]
        return MaskPrediction(logits > s.mask_threshold, score, low, (frame.orig_w, frame.orig_h))
