"""What every tracker shares: shapes in, track ids out, and the per-track record.

A tracker is a post-processor: it takes the shapes a detector (or a person) put on one
frame and gives the trackable ones a track id in ``group_id``. Anything with an area
(rectangle, rotated box, polygon, circle) is tracked by its axis-aligned bounding box;
points and lines pass through untouched. The shape itself is never replaced by the
filter's estimate: the annotation keeps the detector's (or the user's) geometry.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from ...core.geometry import bounding_box
from ...core.shape import CIRCLE, POLYGON, RECTANGLE, ROTATION, Shape
from .config import TrackerConfig
from .kalman import KalmanFilter, cxcywh_to_xyxy, xyxy_to_cxcywh

#: Shape types a tracker follows (by their bounding box).
TRACKABLE_TYPES = frozenset({RECTANGLE, ROTATION, POLYGON, CIRCLE})

TENTATIVE, TRACKED, LOST, REMOVED = "tentative", "tracked", "lost", "removed"


@dataclass
class Detections:
    """The trackable shapes of one frame, as arrays."""

    boxes: np.ndarray              # (N, 4) xyxy
    scores: np.ndarray             # (N,)
    labels: list[str]
    shape_index: list[int]         # position of each detection in the caller's list

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, idx: list[int] | np.ndarray) -> "Detections":
        idx = list(idx)
        return Detections(self.boxes[idx].reshape(-1, 4), self.scores[idx],
                          [self.labels[i] for i in idx], [self.shape_index[i] for i in idx])


def detections_from_shapes(shapes: list[Shape]) -> Detections:
    """Bounding boxes of the trackable shapes; a shape without a score counts as certain."""
    boxes, scores, labels, index = [], [], [], []
    for i, s in enumerate(shapes):
        if s.shape_type not in TRACKABLE_TYPES or len(s.points) == 0:
            continue
        x1, y1, x2, y2 = bounding_box(s)
        if not (x2 > x1 and y2 > y1) or not np.isfinite([x1, y1, x2, y2]).all():
            continue
        boxes.append((x1, y1, x2, y2))
        scores.append(1.0 if s.score is None else float(s.score))
        labels.append(s.label)
        index.append(i)
    return Detections(np.array(boxes, dtype=np.float64).reshape(-1, 4), np.array(scores, dtype=np.float64),
                      labels, index)


@dataclass
class Track:
    """One followed object: its filter state, id (0 until confirmed) and recent observations."""

    mean: np.ndarray
    cov: np.ndarray
    label: str
    score: float
    frame_id: int                  # last frame with a matched detection
    start_frame: int
    track_id: int = 0
    state: str = TENTATIVE
    hits: int = 1                  # consecutive matched frames
    feature: np.ndarray | None = None
    #: (frame, xyxy box) of recent observations, newest last (OC-SORT's direction and recovery).
    observations: deque = field(default_factory=lambda: deque(maxlen=32))
    #: Filter state right after the last observation (OC-SORT re-update after a gap).
    obs_mean: np.ndarray | None = None
    obs_cov: np.ndarray | None = None
    det_index: int | None = None   # detection matched on the current frame

    @property
    def box(self) -> np.ndarray:
        """The filter's current box (xyxy)."""
        return cxcywh_to_xyxy(self.mean)

    @property
    def last_box(self) -> np.ndarray:
        return self.observations[-1][1] if self.observations else self.box


class Tracker(ABC):
    """Base of all trackers: ``update(shapes, frame_rgb) -> shapes with ids`` and ``reset()``."""

    name = "tracker"

    def __init__(self, config: TrackerConfig) -> None:
        self.config = config
        self.kf = KalmanFilter()
        self.camera = None
        if config.gmc_method:
            from .gmc import CameraMotion

            self.camera = CameraMotion()
        self._camera_motion: np.ndarray | None = None
        self.reset()

    @property
    def needs_frames(self) -> bool:
        """True when ``update`` needs the frame's pixels (appearance, camera motion)."""
        return self.camera is not None

    def reset(self) -> None:
        """Forget every track; the next id is 1 again and the next frame counts as the first."""
        self.tracks: list[Track] = []
        self.frame_id = 0
        self._next_id = 1
        self._reserved: set[int] = set()
        self._det_seeds: dict[int, int] = {}   # detection index -> id given by the user (this frame)
        if getattr(self, "camera", None) is not None:
            self.camera.reset()

    # ------------------------------------------------------------------ public API
    def reserve_ids(self, ids) -> None:
        """Ids new tracks must not get (ids already in use in the files, until ``reset``)."""
        self._reserved.update(int(i) for i in ids if i is not None)

    def assign(self, shapes: list[Shape], frame_rgb: np.ndarray | None = None,
               seeds: list[int | None] | None = None) -> list[int | None]:
        """Advance one frame; the track id of each input shape (None: not tracked here).

        ``seeds`` (one per shape, None = no opinion) are ids someone already gave the
        shapes: the track that takes such a shape carries that id from here on, so later
        frames continue the user's track instead of starting a new numbering.
        """
        dets = detections_from_shapes(shapes)
        self.frame_id += 1
        self._camera_motion = None
        if self.camera is not None:
            if frame_rgb is None:
                raise ValueError("camera motion compensation (gmc_method) needs the frame image (frame_rgb)")
            self._camera_motion = self.camera.estimate(frame_rgb)
        self._det_seeds = {}
        if seeds is not None:
            self._det_seeds = {k: int(seeds[i]) for k, i in enumerate(dets.shape_index)
                               if i < len(seeds) and seeds[i] is not None}
        ids_per_det = self._step(dets, frame_rgb)
        if self._det_seeds:
            self._apply_seeds(dets)
            ids_per_det = self._report(dets)
        out: list[int | None] = [None] * len(shapes)
        for k, tid in enumerate(ids_per_det):
            out[dets.shape_index[k]] = tid
        return out

    def update(self, shapes: list[Shape], frame_rgb: np.ndarray | None = None) -> list[Shape]:
        """Copies of the shapes with their track id in ``group_id``.

        Trackable shapes that no confirmed track claims (a low score, or a new object
        seen once while ``min_hits`` > 1) are left out, as every MOT tracker does; other
        shape types (points, lines) pass through unchanged.
        """
        ids = self.assign(shapes, frame_rgb)
        result = []
        for s, tid in zip(shapes, ids):
            if s.shape_type in TRACKABLE_TYPES:
                if tid is None:
                    continue
                c = s.copy()
                c.group_id = tid
                result.append(c)
            else:
                result.append(s.copy())
        return result

    @property
    def active_tracks(self) -> list[Track]:
        return [t for t in self.tracks if t.state == TRACKED]

    # ------------------------------------------------------------------ helpers
    @abstractmethod
    def _step(self, dets: Detections, frame_rgb: np.ndarray | None) -> list[int | None]:
        """Match ``dets`` to tracks; the id of each detection (None = not reported)."""

    def _new_track(self, dets: Detections, k: int) -> Track:
        mean, cov = self.kf.initiate(xyxy_to_cxcywh(dets.boxes[k]))
        t = Track(mean=mean, cov=cov, label=dets.labels[k], score=float(dets.scores[k]),
                  frame_id=self.frame_id, start_frame=self.frame_id)
        t.observations.append((self.frame_id, dets.boxes[k].copy()))
        t.obs_mean, t.obs_cov = mean.copy(), cov.copy()
        t.det_index = k
        if self.frame_id == 1 or self.config.min_hits <= 1:
            self._confirm(t)
        return t

    def _confirm(self, t: Track) -> None:
        t.state = TRACKED
        if t.track_id == 0:
            seed = self._det_seeds.get(t.det_index) if t.det_index is not None else None
            t.track_id = seed if seed is not None else self._take_id()

    def _take_id(self) -> int:
        """The next free id (skipping reserved ones)."""
        while self._next_id in self._reserved:
            self._next_id += 1
        self._next_id += 1
        return self._next_id - 1

    def _apply_seeds(self, dets: Detections) -> None:
        """Make the track of each seeded detection carry the seed id (see ``assign``)."""
        used: set[int] = set()
        for k, seed in sorted(self._det_seeds.items()):
            if seed in used:
                continue   # the same id on two boxes of one frame: only the first can carry it
            used.add(seed)
            self._reserved.add(seed)
            t = next((t for t in self.tracks if t.det_index == k and t.frame_id == self.frame_id
                      and t.state in (TRACKED, TENTATIVE)), None)
            if t is None:   # the tracker let this box go (thresholds): the user says it is real
                t = self._new_track(dets, k)
                self.tracks.append(t)
            for other in self.tracks:   # the user moved this id onto another object
                if other is not t and other.track_id == seed:
                    other.track_id = self._take_id() if other.state != TENTATIVE else 0
            t.track_id = seed
            t.state = TRACKED

    def _predict(self, tracks: list[Track]) -> None:
        if not tracks:
            return
        means = np.stack([t.mean for t in tracks])
        for i, t in enumerate(tracks):
            if t.state != TRACKED:
                means[i, 6:8] = 0.0  # a lost box keeps its size instead of growing or shrinking away
        covs = np.stack([t.cov for t in tracks])
        means, covs = self.kf.multi_predict(means, covs)
        if self._camera_motion is not None:
            from .gmc import apply_to_states

            means, covs = apply_to_states(self._camera_motion, means, covs)
        for t, m, c in zip(tracks, means, covs):
            t.mean, t.cov = m, c

    def _apply(self, t: Track, dets: Detections, k: int) -> None:
        """Correct a track with detection ``k`` of this frame."""
        t.mean, t.cov = self.kf.update(t.mean, t.cov, xyxy_to_cxcywh(dets.boxes[k]))
        consecutive = t.frame_id == self.frame_id - 1
        t.hits = t.hits + 1 if consecutive else 1
        t.frame_id = self.frame_id
        t.score = float(dets.scores[k])
        t.observations.append((self.frame_id, dets.boxes[k].copy()))
        t.obs_mean, t.obs_cov = t.mean.copy(), t.cov.copy()
        t.det_index = k
        if t.state == LOST:
            t.state = TRACKED
        elif t.state == TENTATIVE and t.hits >= self.config.min_hits:
            self._confirm(t)

    def _gate_labels(self, cost: np.ndarray, tracks: list[Track], dets: Detections, forbidden: float) -> np.ndarray:
        if self.config.class_aware and cost.size:
            cost = cost.copy()
            cost[np.array([[t.label != lab for lab in dets.labels] for t in tracks], dtype=bool)] = forbidden
        return cost

    def _report(self, dets: Detections) -> list[int | None]:
        ids: list[int | None] = [None] * len(dets)
        for t in self.tracks:
            if t.state == TRACKED and t.det_index is not None and t.frame_id == self.frame_id:
                ids[t.det_index] = t.track_id
        return ids
