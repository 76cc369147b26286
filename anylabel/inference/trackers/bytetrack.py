"""ByteTrack: associate every detection box, high and low scores in two rounds.

High-score detections are matched first to running and lost tracks by IoU with the
Kalman prediction; low-score detections (often the occluded object) then rescue the
running tracks left over, instead of being thrown away. New objects need
``min_hits`` consecutive frames before they get an id, which filters one-frame false
positives.
"""
from __future__ import annotations

import numpy as np

from .base import LOST, REMOVED, TENTATIVE, TRACKED, Detections, Track, Tracker
from .matching import iou_matrix, linear_assignment

_SECOND_ROUND_THRESH = 0.5   # max (1 - IoU) when a low-score box rescues a track
_TENTATIVE_THRESH = 0.7      # max cost when a new track is seen again


class ByteTracker(Tracker):
    name = "bytetrack"

    def _step(self, dets: Detections, frame_rgb: np.ndarray | None) -> list[int | None]:
        cfg = self.config
        for t in self.tracks:
            t.det_index = None
        high_idx = np.flatnonzero(dets.scores >= cfg.track_high_thresh)
        low_idx = np.flatnonzero((dets.scores > cfg.track_low_thresh) & (dets.scores < cfg.track_high_thresh))
        high, low = dets.subset(high_idx), dets.subset(low_idx)
        self._prepare(high, frame_rgb)

        running = [t for t in self.tracks if t.state == TRACKED]
        lost = [t for t in self.tracks if t.state == LOST]
        tentative = [t for t in self.tracks if t.state == TENTATIVE]
        self._predict(running + lost + tentative)

        # 1. high-score detections <-> running and lost tracks
        pool = running + lost
        cost = self._first_cost(pool, high)
        matches, u_pool, u_high = linear_assignment(cost, cfg.match_thresh)
        for ti, di in matches:
            self._apply_sub(pool[ti], high, di, high_idx, dets)

        # 2. low-score detections <-> running tracks still unmatched
        left = [pool[i] for i in u_pool if pool[i].state == TRACKED]
        cost = self._gate_labels(1.0 - iou_matrix(np.array([t.box for t in left]).reshape(-1, 4), low.boxes),
                                 left, low, 1.0)
        matches, u_left, _ = linear_assignment(cost, _SECOND_ROUND_THRESH)
        for ti, di in matches:
            self._apply_sub(left[ti], low, di, low_idx, dets)
        for i in u_left:
            left[i].state = LOST

        # 3. remaining high-score detections <-> tracks seen once
        rest = high.subset(u_high)
        rest_idx = high_idx[u_high] if len(u_high) else np.zeros(0, dtype=int)
        cost = self._iou_cost(tentative, rest)
        matches, u_tent, u_rest = linear_assignment(cost, _TENTATIVE_THRESH)
        for ti, di in matches:
            self._apply_sub(tentative[ti], rest, di, rest_idx, dets, feature_index=u_high[di])
        for i in u_tent:
            tentative[i].state = REMOVED
        # 3b. (appearance trackers) lost tracks recognised far from where they were expected
        u_rest = self._rescue_lost(u_rest, rest_idx, u_high, dets)

        # 4. new tracks
        for di in u_rest:
            k = int(rest_idx[di])
            if dets.scores[k] >= cfg.new_track_thresh:
                t = self._new_track(dets, k)
                self._init_feature(t, u_high[di])
                self.tracks.append(t)

        # 5. forget tracks lost for too long
        for t in self.tracks:
            if t.state == LOST and self.frame_id - t.frame_id > cfg.max_time_lost:
                t.state = REMOVED
        self.tracks = [t for t in self.tracks if t.state != REMOVED]
        return self._report(dets)

    # ---------------------------------------------------------------- cost pieces
    def _iou_cost(self, tracks: list[Track], dets: Detections) -> np.ndarray:
        boxes = np.array([t.box for t in tracks]).reshape(-1, 4)
        cost = 1.0 - iou_matrix(boxes, dets.boxes)
        if self.config.fuse_score and cost.size:
            cost = 1.0 - (1.0 - cost) * dets.scores[None, :]
        return self._gate_labels(cost, tracks, dets, 1.0)

    def _first_cost(self, tracks: list[Track], high: Detections) -> np.ndarray:
        """First-round cost; appearance trackers blend in embeddings here."""
        return self._iou_cost(tracks, high)

    # ---------------------------------------------------------------- appearance hooks
    def _prepare(self, high: Detections, frame_rgb: np.ndarray | None) -> None:
        """Compute per-detection data (embeddings) for the high-score detections."""

    def _rescue_lost(self, u_rest: list[int], rest_idx: np.ndarray, u_high: list[int],
                     dets: Detections) -> list[int]:
        """Match leftover detections to lost tracks by other means than IoU; returns the rest."""
        return u_rest

    def _init_feature(self, t: Track, high_pos: int) -> None:
        """Give a new track the feature of high-score detection ``high_pos``."""

    def _update_feature(self, t: Track, high_pos: int) -> None:
        """Blend high-score detection ``high_pos``'s feature into the track."""

    def _apply_sub(self, t: Track, sub: Detections, di: int, sub_idx: np.ndarray, dets: Detections,
                   feature_index: int | None = None) -> None:
        k = int(sub_idx[di])
        self._apply(t, dets, k)
        if sub_idx is not None and dets.scores[k] >= self.config.track_high_thresh:
            self._update_feature(t, di if feature_index is None else int(feature_index))
