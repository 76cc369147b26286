"""Synthetic multi-object sequences with known ids, and MOT scoring of a tracker on them.

Used by the tests (which assert the floors the trackers reach) and by
``benchmarks/bench_tracking.py``; handy for anyone tuning a ``tracker:`` config.
Detections are derived from the truth the way a real detector errs: jittered boxes,
missed frames, lower scores for partly hidden objects, and false positives.
Scoring uses py-motmetrics (imported only when scoring).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...core.shape import Shape, rectangle
from .base import Tracker
from .matching import iou_matrix


@dataclass
class Sequence:
    """Ground truth: per frame, a list of (object id, xyxy box); plus the frame size."""

    name: str
    width: int
    height: int
    frames: list[list[tuple[int, np.ndarray]]] = field(default_factory=list)
    labels: dict[int, str] = field(default_factory=dict)


@dataclass
class _Mover:
    oid: int
    label: str
    start: int
    end: int              # exclusive
    pos: np.ndarray       # centre at frame `start`
    vel: np.ndarray       # pixels per frame
    size: np.ndarray      # w, h
    turn_at: int | None = None   # frame at which the velocity reverses (a bounce)
    bounds: tuple[float, float] | None = None   # (width, height): bounce off the frame edges
    #: (x0, x1, factor): horizontal speed is multiplied by factor while the centre is in [x0, x1]
    slow_zone: tuple[float, float, float] | None = None

    def _reflect(self, c: np.ndarray) -> np.ndarray:
        out = c.copy()
        for k, limit in enumerate(self.bounds):  # type: ignore[arg-type]
            lo, hi = self.size[k] / 2, limit - self.size[k] / 2
            span = hi - lo
            x = np.mod(c[k] - lo, 2 * span)
            out[k] = lo + (x if x <= span else 2 * span - x)
        return out

    def box(self, f: int) -> np.ndarray:
        t = f - self.start
        zone = self.slow_zone
        if zone is not None:   # walks at vel, at vel*factor inside [x0, x1], then at vel again
            x0, x1, factor = zone
            x = self.pos[0]
            for _ in range(t):
                x += self.vel[0] * (factor if x0 <= x <= x1 else 1.0)
            c = np.array([x, self.pos[1]])
            w, h = self.size
            return np.array([c[0] - w / 2, c[1] - h / 2, c[0] + w / 2, c[1] + h / 2])
        if self.turn_at is not None and f > self.turn_at:
            t0 = self.turn_at - self.start
            c = self.pos + self.vel * t0 - self.vel * (t - t0)
        else:
            c = self.pos + self.vel * t
        if self.bounds is not None:
            c = self._reflect(c)
        w, h = self.size
        return np.array([c[0] - w / 2, c[1] - h / 2, c[0] + w / 2, c[1] + h / 2])


def _inside(box: np.ndarray, w: int, h: int) -> bool:
    """At least half of the box is in the frame (the object counts as present)."""
    cx = np.clip(box[[0, 2]], 0, w)
    cy = np.clip(box[[1, 3]], 0, h)
    area = (box[2] - box[0]) * (box[3] - box[1])
    return (cx[1] - cx[0]) * (cy[1] - cy[0]) >= 0.5 * area


def make_sequence(kind: str = "easy", n_frames: int = 120, seed: int = 0) -> Sequence:
    """``easy``: separated objects in straight lines, all visible throughout.
    ``occlusion``: 8 walkers pass behind a wall (detect with ``hidden_x=(560, 660)``) and
    slow down while hidden, so a constant-velocity prediction runs ahead of them.
    ``crowded``: objects crossing each other, entering and leaving the frame, overlapping.
    ``many``: 50 objects (for timing)."""
    rng = np.random.default_rng(seed)
    W, H = 1280, 720
    movers: list[_Mover] = []
    if kind == "easy":
        for i in range(6):
            y = 80 + i * 110
            movers.append(_Mover(i + 1, "person" if i % 2 else "car", 0, n_frames,
                                 np.array([150.0 + 60 * i, y]), np.array([rng.uniform(2, 5), rng.uniform(-0.3, 0.3)]),
                                 np.array([rng.uniform(50, 90), rng.uniform(60, 90)])))
    elif kind == "crowded":
        oid = 1
        # pairs crossing head-on on the same row band, and vertical crossers
        for i in range(4):
            y = 120 + i * 160
            movers.append(_Mover(oid, "person", 0, n_frames, np.array([100.0, y]), np.array([6.0, 0.4]),
                                 np.array([60.0, 120.0])))
            movers.append(_Mover(oid + 1, "person", 0, n_frames, np.array([1180.0, y + 30]), np.array([-6.0, -0.2]),
                                 np.array([60.0, 120.0])))
            oid += 2
        for i in range(3):   # enter from the top at different times, leave at the bottom
            start = 10 + 25 * i
            movers.append(_Mover(oid, "car", start, n_frames, np.array([300.0 + 300 * i, -20.0]),
                                 np.array([0.5, 7.0]), np.array([90.0, 60.0])))
            oid += 1
        movers.append(_Mover(oid, "car", 30, 90, np.array([640.0, 360.0]), np.array([0.0, 0.0]),
                             np.array([110.0, 70.0])))   # parked, appears and disappears in the middle
    elif kind == "occlusion":
        # Objects walk behind a wall (x 560..720: undetected there) and change speed while hidden.
        for i in range(8):
            y = 70 + i * 80
            v = rng.uniform(5, 8)
            movers.append(_Mover(i + 1, "person", 0, n_frames, np.array([120.0 + 30 * (i % 3), y]),
                                 np.array([v, 0.0]), np.array([50.0, 70.0]),
                                 slow_zone=(560.0, 660.0, float(rng.uniform(0.5, 0.8)))))
    elif kind == "many":
        for i in range(50):
            movers.append(_Mover(i + 1, "object", 0, n_frames,
                                 np.array([rng.uniform(50, W - 50), rng.uniform(50, H - 50)]),
                                 rng.uniform(-3, 3, 2), rng.uniform(30, 70, 2), bounds=(W, H)))
    else:
        raise ValueError(f"unknown synthetic sequence {kind!r} (easy, crowded, many)")
    seq = Sequence(kind, W, H, labels={m.oid: m.label for m in movers})
    for f in range(n_frames):
        objs = [(m.oid, m.box(f)) for m in movers if m.start <= f < m.end]
        seq.frames.append([(oid, b) for oid, b in objs if _inside(b, W, H)])
    return seq


def _occlusion(boxes: np.ndarray) -> np.ndarray:
    """Fraction of each box covered by a box drawn after it (later = in front)."""
    n = len(boxes)
    cover = np.zeros(n)
    for i in range(n):
        area = (boxes[i, 2] - boxes[i, 0]) * (boxes[i, 3] - boxes[i, 1])
        for j in range(i + 1, n):
            iw = min(boxes[i, 2], boxes[j, 2]) - max(boxes[i, 0], boxes[j, 0])
            ih = min(boxes[i, 3], boxes[j, 3]) - max(boxes[i, 1], boxes[j, 1])
            if iw > 0 and ih > 0:
                cover[i] = max(cover[i], iw * ih / area)
    return cover


def noisy_detections(seq: Sequence, seed: int = 0, miss_rate: float = 0.08, fp_per_frame: float = 0.3,
                     jitter: float = 0.03, hidden_x: tuple[float, float] | None = None) -> list[list[Shape]]:
    """What a decent detector would output on each frame, as rectangle shapes with scores.

    Objects more than 70 % hidden are not detected; partly hidden ones get low scores
    (the boxes ByteTrack's second round exists for).
    """
    rng = np.random.default_rng(seed + 1000)
    out: list[list[Shape]] = []
    for objs in seq.frames:
        shapes: list[Shape] = []
        if objs:
            boxes = np.stack([b for _, b in objs])
            cover = _occlusion(boxes)
            for (oid, b), c in zip(objs, cover):
                if c > 0.7 or rng.random() < miss_rate:
                    continue
                if hidden_x is not None and hidden_x[0] <= (b[0] + b[2]) / 2 <= hidden_x[1]:
                    continue   # behind the wall
                w, h = b[2] - b[0], b[3] - b[1]
                nb = b + rng.normal(0, jitter, 4) * np.array([w, h, w, h])
                score = rng.uniform(0.2, 0.45) if c > 0.3 else rng.uniform(0.6, 0.95)
                shapes.append(rectangle(*nb, label=seq.labels[oid], score=float(score)))
        for _ in range(rng.poisson(fp_per_frame)):
            x, y = rng.uniform(0, seq.width - 80), rng.uniform(0, seq.height - 80)
            w, h = rng.uniform(30, 80, 2)
            label = rng.choice(sorted(set(seq.labels.values())))
            shapes.append(rectangle(x, y, x + w, y + h, label=str(label), score=float(rng.uniform(0.15, 0.65))))
        rng.shuffle(shapes)  # detectors give no order
        out.append(shapes)
    return out


def run_tracker(tracker: Tracker, detections: list[list[Shape]],
                frames: list[np.ndarray] | None = None) -> list[list[tuple[int, np.ndarray]]]:
    """(track id, xyxy box) per frame, as the tracker reports them."""
    tracker.reset()
    result = []
    for f, shapes in enumerate(detections):
        tracked = tracker.update(shapes, frames[f] if frames is not None else None)
        result.append([(int(s.group_id), np.array([*s.points.min(0), *s.points.max(0)])) for s in tracked
                       if s.group_id is not None])
    return result


def score(truth: Sequence, hypothesis: list[list[tuple[int, np.ndarray]]], min_iou: float = 0.5) -> dict[str, float]:
    """MOTA, IDF1, id switches, ... of a tracker's output against the truth (py-motmetrics)."""
    import motmetrics as mm

    acc = mm.MOTAccumulator(auto_id=True)
    for gt, hyp in zip(truth.frames, hypothesis):
        g = np.array([b for _, b in gt]).reshape(-1, 4)
        h = np.array([b for _, b in hyp]).reshape(-1, 4)
        dist = 1.0 - iou_matrix(g, h)
        dist[dist > 1.0 - min_iou] = np.nan
        acc.update([i for i, _ in gt], [i for i, _ in hyp], dist)
    mh = mm.metrics.create()
    summary = mh.compute(acc, metrics=["mota", "idf1", "num_switches", "num_false_positives", "num_misses",
                                       "mostly_tracked", "num_unique_objects", "num_fragmentations"], name="s")
    row = summary.loc["s"]
    return {k: float(row[k]) for k in summary.columns}
