"""Automatic mask generation ("segment everything"): a grid of single positive points,
decoded in batches, candidates kept by predicted score and stability, duplicates removed
by box NMS, then small specks and holes below ``min_area`` cleaned and masks smaller than
that dropped.

The method is SAM's automatic mask generator as its paper and X-AnyLabeling's configs
describe it (``amg_points_per_side``, ``amg_min_area``, ...). Scores, stability and NMS
are computed on the decoder's low-resolution logits (256 x 256), before any mask is
upscaled: only the masks that survive are brought to the image size, so a 32 x 32 grid
(3 072 candidates) costs a few dozen upscales rather than thousands. Qt-free.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np

from ...core.i18n import tr
from ..config import ConfigError
from .decoder import POSITIVE, Prompt, SamDecoder
from .embedding import ImageEmbedding
from .transforms import mask_size, upscale_low_res


@dataclass(frozen=True)
class AutoMaskSettings:
    points_per_side: int = 32
    points_per_batch: int = 64
    pred_iou_thresh: float = 0.8
    stability_thresh: float = 0.95
    stability_offset: float = 1.0
    nms_iou: float = 0.7
    #: Image pixels: regions (parts, holes) smaller than this are cleaned, masks smaller dropped.
    min_area: int = 100

    #: config key -> (field, type, lowest allowed, highest allowed)
    KEYS = {
        "amg_points_per_side": ("points_per_side", int, 1, 128),
        "amg_points_per_batch": ("points_per_batch", int, 1, 1024),
        "amg_pred_iou_thresh": ("pred_iou_thresh", float, 0.0, 1.0),
        "amg_stability_score_thresh": ("stability_thresh", float, 0.0, 1.0),
        "amg_stability_score_offset": ("stability_offset", float, 0.0, 100.0),
        "amg_box_nms_thresh": ("nms_iou", float, 0.0, 1.0),
        "amg_min_area": ("min_area", int, 0, 1 << 30),
    }

    @classmethod
    def from_options(cls, options: Mapping[str, Any], source: Any = None) -> "AutoMaskSettings":
        """Settings from X-AnyLabeling's ``amg_*`` keys; out-of-range values are a ConfigError."""
        values: dict[str, Any] = {}
        for key, (name, kind, lo, hi) in cls.KEYS.items():
            if key not in options:
                continue
            try:
                v = kind(options[key])
            except (TypeError, ValueError):
                raise ConfigError(source, tr("{0}: expected a number, got {1!r}").format(
                    key, options[key])) from None
            if not lo <= v <= hi:
                raise ConfigError(source, tr("{0}: {1} is outside {2}..{3}").format(key, v, lo, hi))
            values[name] = v
        return cls(**values)


@dataclass
class AutoMask:
    mask: np.ndarray          # bool, at the decoder's mask size (the image size unless huge)
    score: float              # the decoder's predicted IoU
    stability: float


def point_grid(points_per_side: int, width: int, height: int) -> np.ndarray:
    """(n * n, 2) image coordinates (x, y) at the centres of an n x n grid of cells."""
    f = (np.arange(points_per_side) + 0.5) / points_per_side
    xs, ys = np.meshgrid(f * width, f * height)
    return np.stack([xs.ravel(), ys.ravel()], axis=1)


def batch_limit(decoder: SamDecoder) -> int:
    """Prompts per decoder run: 1 when the export fixes its prompt batch to one row."""
    dim = decoder.session.input(decoder.spec.coords_input).shape[0]
    return 1 if isinstance(dim, int) and dim > 0 else 1 << 30


def decode_points(decoder: SamDecoder, emb: ImageEmbedding, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One positive click per point, decoded together: (logits [k, c, h, w] at the
    decoder's low resolution, scores [k, c])."""
    s = decoder.spec
    rows = [decoder.feeds(emb, Prompt([(float(x), float(y))], [POSITIVE]), None) for x, y in points]
    feeds = dict(rows[0])
    for name in (s.coords_input, s.labels_input, s.mask_input, s.has_mask_input):
        if name is not None:
            feeds[name] = np.concatenate([r[name] for r in rows])
    outs = decoder.session.run_dict(feeds)
    masks = outs[s.low_res_output or s.masks_output]
    masks = masks.reshape((len(points), -1) + masks.shape[-2:])
    if s.scores_output:
        scores = outs[s.scores_output].reshape(len(points), -1)
    else:
        scores = np.ones(masks.shape[:2], np.float32)
    return masks.astype(np.float32, copy=False), scores.astype(np.float32, copy=False)


def stability(logits: np.ndarray, threshold: float, offset: float) -> np.ndarray:
    """How little the mask changes when the threshold moves by +-offset: IoU of the two masks."""
    high = (logits > threshold + offset).sum(axis=(-2, -1))
    low = (logits > threshold - offset).sum(axis=(-2, -1))
    return np.divide(high, low, out=np.zeros(high.shape, np.float64), where=low > 0)


def boxes_of(masks: np.ndarray) -> np.ndarray:
    """(k, 4) boxes x0, y0, x1, y1 (exclusive) of boolean masks (k, h, w); empty -> zeros."""
    rows, cols = masks.any(axis=2), masks.any(axis=1)
    k, h, w = masks.shape
    y0 = np.where(rows.any(1), rows.argmax(1), 0)
    y1 = np.where(rows.any(1), h - rows[:, ::-1].argmax(1), 0)
    x0 = np.where(cols.any(1), cols.argmax(1), 0)
    x1 = np.where(cols.any(1), w - cols[:, ::-1].argmax(1), 0)
    return np.stack([x0, y0, x1, y1], axis=1).astype(np.float64)


def box_nms(boxes: np.ndarray, scores: np.ndarray, iou: float) -> list[int]:
    """Indices kept by greedy NMS, best score first (stable for ties)."""
    order = list(np.argsort(-scores, kind="stable"))
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    keep: list[int] = []
    while order:
        i = order.pop(0)
        keep.append(int(i))
        if not order:
            break
        rest = np.array(order)
        ix = np.clip(np.minimum(boxes[i, 2], boxes[rest, 2]) - np.maximum(boxes[i, 0], boxes[rest, 0]), 0, None)
        iy = np.clip(np.minimum(boxes[i, 3], boxes[rest, 3]) - np.maximum(boxes[i, 1], boxes[rest, 1]), 0, None)
        inter = ix * iy
        union = area[i] + area[rest] - inter
        over = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        order = [int(j) for j, o in zip(rest, over) if o <= iou]
    return keep


def clean_small_regions(mask: np.ndarray, min_area: float) -> np.ndarray:
    """The mask without holes and separate parts smaller than ``min_area`` pixels."""
    import cv2

    if min_area <= 0:
        return mask
    out = mask.copy()
    for fill in (True, False):  # holes first, then specks
        work = (~out if fill else out).astype(np.uint8)
        n, labels, stats, _ = cv2.connectedComponentsWithStats(work, connectivity=8)
        small = np.flatnonzero(stats[1:, cv2.CC_STAT_AREA] < min_area) + 1
        if len(small):
            out[np.isin(labels, small)] = fill
    return out


def generate(decoder: SamDecoder, emb: ImageEmbedding, settings: AutoMaskSettings,
             cancel: threading.Event | None = None,
             progress: Callable[[int, int], None] | None = None) -> list[AutoMask]:
    """Masks of everything the model finds on the grid, best score first (empty when cancelled)."""
    frame = emb.frame
    points = point_grid(settings.points_per_side, frame.orig_w, frame.orig_h)
    step = max(1, min(settings.points_per_batch, batch_limit(decoder)))
    threshold = decoder.spec.mask_threshold
    kept_logits: list[np.ndarray] = []
    kept_scores: list[float] = []
    kept_stab: list[float] = []
    for start in range(0, len(points), step):
        if cancel is not None and cancel.is_set():
            return []
        logits, scores = decode_points(decoder, emb, points[start:start + step])
        logits = logits.reshape((-1,) + logits.shape[-2:])
        scores = scores.reshape(-1)
        ok = scores > settings.pred_iou_thresh
        stab = np.zeros(len(scores))
        if ok.any():
            stab[ok] = stability(logits[ok], threshold, settings.stability_offset)
            ok &= stab >= settings.stability_thresh
        for i in np.flatnonzero(ok):
            kept_logits.append(logits[i])
            kept_scores.append(float(scores[i]))
            kept_stab.append(float(stab[i]))
        if progress is not None:
            progress(min(start + step, len(points)), len(points))
    if not kept_logits:
        return []
    low = np.stack(kept_logits) > threshold
    nonempty = np.flatnonzero(low.any(axis=(1, 2)))
    boxes = boxes_of(low[nonempty])
    keep = [int(nonempty[i]) for i in box_nms(boxes, np.asarray(kept_scores)[nonempty], settings.nms_iou)]
    size = mask_size(frame, decoder.mask_limit)
    # min_area is in image pixels; masks may be computed smaller than huge images.
    per_pixel = (frame.orig_h * frame.orig_w) / float(size[0] * size[1])
    min_px = settings.min_area / per_pixel
    out: list[AutoMask] = []
    for i in keep:
        if cancel is not None and cancel.is_set():
            return []
        m = clean_small_regions(upscale_low_res(kept_logits[i], frame, size) > threshold, min_px)
        if m.sum() >= max(min_px, 1):
            out.append(AutoMask(m, kept_scores[i], kept_stab[i]))
    return out
