"""OC-SORT: observation-centric SORT, robust when objects stop being seen for a while.

Three ideas on top of a Kalman/IoU tracker:
- direction consistency (OCM): the cost of a match also weighs whether the detection
  lies in the direction the track has been moving (from its own observations, not the
  filter's drifting estimate);
- recovery (OCR): detections left over are matched once more to the *last observed*
  box of the unmatched tracks, which catches objects that stopped while hidden;
- re-update (ORU): when a lost track is found again, its filter is re-run along a
  straight virtual path between the last observation and the new one, so the velocity
  it learned while blind does not throw it off.
"""
from __future__ import annotations

import numpy as np

from .base import LOST, REMOVED, TENTATIVE, TRACKED, Detections, Track, Tracker
from .kalman import xyxy_to_cxcywh
from .matching import iou_matrix, linear_assignment


def _centres(boxes: np.ndarray) -> np.ndarray:
    return np.stack([(boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2], axis=1)


class OcSortTracker(Tracker):
    name = "ocsort"

    def _step(self, dets: Detections, frame_rgb: np.ndarray | None) -> list[int | None]:
        cfg = self.config
        for t in self.tracks:
            t.det_index = None
        self._predict(self.tracks)
        high_idx = np.flatnonzero(dets.scores >= cfg.track_high_thresh)
        low_idx = (np.flatnonzero((dets.scores > cfg.track_low_thresh) & (dets.scores < cfg.track_high_thresh))
                   if cfg.use_byte else np.zeros(0, dtype=int))
        high, low = dets.subset(high_idx), dets.subset(low_idx)
        tracks = list(self.tracks)

        # 1. IoU with the prediction + direction consistency
        matches, u_trk, u_det = self._associate(tracks, high)
        for ti, di in matches:
            self._match(tracks[ti], dets, int(high_idx[di]))

        # 2. (optional) low-score boxes rescue running tracks
        if len(low) and u_trk:
            left = [tracks[i] for i in u_trk if tracks[i].state == TRACKED]
            iou = iou_matrix(np.array([t.box for t in left]).reshape(-1, 4), low.boxes)
            cost = self._gate_labels(-iou, left, low, 1.0)
            m2, _, _ = linear_assignment(cost, -cfg.iou_thresh)
            for ti, di in m2:
                self._match(left[ti], dets, int(low_idx[di]))
            u_trk = [i for i in u_trk if tracks[i].det_index is None]

        # 3. recovery: leftovers against the last observed box of unmatched tracks
        if u_trk and u_det:
            left = [tracks[i] for i in u_trk]
            rest = high.subset(u_det)
            last = np.array([t.last_box for t in left]).reshape(-1, 4)
            cost = self._gate_labels(-iou_matrix(last, rest.boxes), left, rest, 1.0)
            m3, _, u_rest = linear_assignment(cost, -cfg.iou_thresh)
            for ti, di in m3:
                self._match(left[ti], dets, int(high_idx[u_det[di]]))
            u_det = [u_det[i] for i in u_rest]

        # 4. bookkeeping for tracks without a detection this frame
        for t in self.tracks:
            if t.det_index is None:
                if t.state == TENTATIVE:
                    t.state = REMOVED
                elif t.state == TRACKED:
                    t.state = LOST
                if t.state == LOST and self.frame_id - t.frame_id > cfg.max_time_lost:
                    t.state = REMOVED

        # 5. new tracks
        for di in u_det:
            k = int(high_idx[di])
            if dets.scores[k] >= cfg.new_track_thresh:
                self.tracks.append(self._new_track(dets, k))
        self.tracks = [t for t in self.tracks if t.state != REMOVED]
        return self._report(dets)

    # ------------------------------------------------------------------ association
    def _associate(self, tracks: list[Track], dets: Detections) -> tuple[list[tuple[int, int]], list[int], list[int]]:
        cfg = self.config
        if not tracks or not len(dets):
            return [], list(range(len(tracks))), list(range(len(dets)))
        iou = iou_matrix(np.array([t.box for t in tracks]), dets.boxes)
        score = iou.copy()
        if cfg.inertia > 0:
            score += cfg.inertia * self._direction_consistency(tracks, dets)
        cost = -score
        cost[iou < cfg.iou_thresh] = np.inf  # direction alone never makes a match
        cost = self._gate_labels(cost, tracks, dets, np.inf)
        return linear_assignment(cost, 1e6)

    def _direction_consistency(self, tracks: list[Track], dets: Detections) -> np.ndarray:
        """In [-0.5, 0.5]: +0.5 when a detection lies straight ahead of a track's motion,
        weighted by the detection score; 0 for tracks without a known direction yet."""
        dt = self.config.delta_t
        vel = np.zeros((len(tracks), 2))
        origin = np.zeros((len(tracks), 2))
        valid = np.zeros(len(tracks), dtype=bool)
        for i, t in enumerate(tracks):
            obs = list(t.observations)
            if len(obs) < 2:
                continue
            last_frame, last_box = obs[-1]
            # the oldest observation at most delta_t frames back
            prev = next(b for f, b in obs if f >= last_frame - dt)
            if prev is last_box:
                prev = obs[-2][1]
            c_prev = _centres(prev[None])[0]
            c_last = _centres(last_box[None])[0]
            v = c_last - c_prev
            n = np.hypot(*v)
            if n < 1e-6:
                continue
            vel[i] = v / n
            origin[i] = c_prev
            valid[i] = True
        d = _centres(dets.boxes)[None, :, :] - origin[:, None, :]
        norm = np.linalg.norm(d, axis=2, keepdims=True)
        d = d / np.maximum(norm, 1e-6)
        cos = np.clip(np.einsum("tk,tdk->td", vel, d), -1.0, 1.0)
        diff = np.arccos(cos)
        consistency = (np.pi / 2 - np.abs(diff)) / np.pi
        consistency *= valid[:, None] * dets.scores[None, :]
        return consistency

    def _match(self, t: Track, dets: Detections, k: int) -> None:
        gap = self.frame_id - t.frame_id
        if gap > 1 and t.obs_mean is not None and t.observations:
            # Re-update: replay the blind frames along a straight path between observations.
            mean, cov = t.obs_mean.copy(), t.obs_cov.copy()
            z0 = xyxy_to_cxcywh(t.observations[-1][1])
            z1 = xyxy_to_cxcywh(dets.boxes[k])
            for step in range(1, gap):
                mean, cov = self.kf.predict(mean, cov)
                mean, cov = self.kf.update(mean, cov, z0 + (z1 - z0) * step / gap)
            t.mean, t.cov = self.kf.predict(mean, cov)
        self._apply(t, dets, k)
