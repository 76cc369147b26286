"""Appearance-aided ByteTrack (BoT-SORT style association).

The first association blends motion and appearance: for each pair the cost is the
smaller of the IoU distance and the (halved) cosine distance of embeddings, but an
appearance match only counts when the boxes are close (IoU distance below
``proximity_thresh``) and the crops look alike (below ``appearance_thresh``). Each
track keeps an exponential moving average of its features, so a brief occlusion by
another object does not overwrite what the track looks like. When objects cross and
motion alone would swap them, appearance keeps them apart.

Lost tracks are also looked for by appearance alone near where they were last seen
(``reid_lost``): an object that slowed down or turned while hidden, so that its
prediction no longer overlaps it, is recognised and keeps its id.

Without an embedder (no ``reid_model`` or ``with_reid: false``) it behaves as ByteTrack.
Camera motion compensation (``gmc_method: sparseOptFlow``) is available to every
tracker here (``gmc.py``).
"""
from __future__ import annotations

import logging

import numpy as np

from .base import LOST, Detections, Track
from .bytetrack import ByteTracker
from .config import TrackerConfig
from .kalman import xyxy_to_cxcywh
from .matching import cosine_distance, iou_matrix, linear_assignment

log = logging.getLogger(__name__)


class BotSortTracker(ByteTracker):
    name = "botsort"

    def __init__(self, config: TrackerConfig, embedder=None) -> None:
        super().__init__(config)
        self.embedder = embedder
        if self.embedder is None and config.with_reid and config.reid_model:
            from .appearance import Embedder

            self.embedder = Embedder(config.reid_model, (config.reid_input_height, config.reid_input_width),
                                     device=config.device)
        if self.embedder is None:
            log.info("botsort: no appearance model set (tracker.reid_model); using motion only")
        self._features: np.ndarray | None = None

    @property
    def needs_frames(self) -> bool:  # type: ignore[override]
        return self.embedder is not None or self.camera is not None

    def _prepare(self, high: Detections, frame_rgb: np.ndarray | None) -> None:
        self._features = None
        if self.embedder is None or not len(high):
            return
        if frame_rgb is None:
            raise ValueError("the appearance tracker needs the frame image (frame_rgb) for every update")
        self._features = self.embedder.embed(frame_rgb, high.boxes)

    def _first_cost(self, tracks: list[Track], high: Detections) -> np.ndarray:
        iou_cost = self._iou_cost(tracks, high)
        if self._features is None or not tracks:
            return iou_cost
        have = [t.feature is not None for t in tracks]
        if not any(have):
            return iou_cost
        dim = self._features.shape[1]
        track_feats = np.stack([t.feature if t.feature is not None else np.zeros(dim, np.float32) for t in tracks])
        emb = cosine_distance(track_feats, self._features) / 2.0
        emb[~np.array(have)] = 1.0
        emb[emb > self.config.appearance_thresh] = 1.0
        raw_iou_dist = 1.0 - iou_matrix(np.array([t.box for t in tracks]).reshape(-1, 4), high.boxes)
        emb[raw_iou_dist > self.config.proximity_thresh] = 1.0
        emb = self._gate_labels(emb, tracks, high, 1.0)
        return np.minimum(iou_cost, emb)

    def _rescue_lost(self, u_rest: list[int], rest_idx: np.ndarray, u_high: list[int],
                     dets: Detections) -> list[int]:
        cfg = self.config
        if self._features is None or not cfg.reid_lost or not u_rest:
            return u_rest
        lost = [t for t in self.tracks if t.state == LOST and t.feature is not None and t.det_index is None]
        if not lost:
            return u_rest
        feats = self._features[[int(u_high[d]) for d in u_rest]]
        cost = cosine_distance(np.stack([t.feature for t in lost]), feats) / 2.0
        boxes = dets.boxes[[int(rest_idx[d]) for d in u_rest]]
        centres = np.stack([(boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2], axis=1)
        for i, t in enumerate(lost):
            lb = t.last_box
            size = max(lb[2] - lb[0], lb[3] - lb[1])
            gap = self.frame_id - t.frame_id
            radius = size * cfg.lost_reid_radius * min(1.0 + 0.5 * gap, 10.0)
            c = np.array([(lb[0] + lb[2]) / 2, (lb[1] + lb[3]) / 2])
            cost[i, np.linalg.norm(centres - c, axis=1) > radius] = 1.0
            if cfg.class_aware:
                cost[i, [dets.labels[int(rest_idx[d])] != t.label for d in u_rest]] = 1.0
        matches, _, unmatched = linear_assignment(cost, cfg.lost_reid_thresh)
        for ti, dj in matches:
            t, d = lost[ti], u_rest[dj]
            k = int(rest_idx[d])
            # The prediction is far off after the gap: restart the filter at the new box.
            t.mean, t.cov = self.kf.initiate(xyxy_to_cxcywh(dets.boxes[k]))
            self._apply(t, dets, k)
            self._update_feature(t, int(u_high[d]))
        return [u_rest[j] for j in unmatched]

    def _init_feature(self, t: Track, high_pos: int) -> None:
        if self._features is not None:
            t.feature = self._features[high_pos].copy()

    def _update_feature(self, t: Track, high_pos: int) -> None:
        if self._features is None:
            return
        f = self._features[high_pos]
        if t.feature is None:
            t.feature = f.copy()
        else:
            a = self.config.feature_momentum
            g = a * t.feature + (1 - a) * f
            t.feature = g / max(float(np.linalg.norm(g)), 1e-12)
