"""Agreement between two sets of shapes on the same image: one-to-one matching and metrics.

Two annotators, or ground truth against a model, are compared image by image. Within an
image, shapes of the same label are matched one-to-one by their overlap; the counts give
precision, recall and F1 per class, as detection benchmarks do. See docs/review.md.

How shapes are compared (each pair gets a similarity in [0, 1] and a yes/no "close enough"):
- Area shapes (rectangle, rotated box, polygon, circle, and other tools' shapes with three
  or more points) by IoU; a pair matches when IoU >= ``iou``. Rectangles use the exact box
  formula (as COCO does), two circles the exact lens area, everything else shapely.
- Lines and line strips as corridors ``line_width`` pixels wide (IoU of the buffered lines):
  two strokes drawn a pixel or two apart overlap well, strokes far apart do not.
- Points by distance: a pair matches when the points are at most ``point_distance`` pixels
  apart; the similarity is ``1 - distance / point_distance``.
Shapes of different kinds (an area against a line, say) never match.

Assignment: ``greedy`` (the default) is COCOeval's rule: candidates in order of descending
score (no score counts as 1.0; ties keep file order), each takes the still-free reference
shape it overlaps most, ties going to the later reference shape. With it, the box counts
are the same as pycocotools' at the same threshold. ``optimal`` solves the assignment
(most matches, then the largest total similarity) with the Jonker-Volgenant solver of the
``lap`` package; it can find more matches than greedy when shapes crowd together.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import shape_kinds
from .geometry import bounding_box, circle_radius, is_area_shape, outline
from .i18n import tr
from .shape import CIRCLE, RECTANGLE, Shape

AREA, STROKE, DOT = "area", "line", "point"
GREEDY, OPTIMAL = "greedy", "optimal"
MATCHING_METHODS = (GREEDY, OPTIMAL)

#: Row / column of the confusion matrix for a shape that has no counterpart at all.
MISSING = "(missing)"   # a reference shape the candidate lacks
EXTRA = "(extra)"       # a candidate shape the reference lacks


@dataclass(frozen=True)
class MatchOptions:
    iou: float = 0.5
    point_distance: float = 10.0
    line_width: float = 4.0
    matching: str = GREEDY

    def __post_init__(self) -> None:
        if not 0.0 < self.iou <= 1.0:
            raise ValueError(tr("the IoU threshold must be in (0, 1], got {0}").format(self.iou))
        if self.point_distance <= 0 or self.line_width <= 0:
            raise ValueError(tr("the point distance and the line width must be positive"))
        if self.matching not in MATCHING_METHODS:
            raise ValueError(tr("matching must be one of {0}, got {1!r}").format(
                ", ".join(MATCHING_METHODS), self.matching))


def shape_kind(shape: Shape) -> str | None:
    """AREA, STROKE or DOT; None for a shape with no points (it takes no part)."""
    n = len(shape.points)
    if n == 0:
        return None
    kind = shape_kinds.kind_of(shape)
    if n == 1 or (kind is not None and kind.points == 1):
        return DOT
    if not is_area_shape(shape):
        return STROKE
    if n < 3 and (kind is None or kind.outline is None):
        return STROKE  # a polygon of two points covers no area: compare it as the line it is
    return AREA


def comparable(shapes: list[Shape]) -> list[Shape]:
    """The shapes that take part in a comparison (all but those without points)."""
    return [s for s in shapes if shape_kind(s) is not None]


# ----------------------------------------------------------------------------- similarity

def _box_iou(a: np.ndarray, b: np.ndarray) -> float:
    """IoU of two (xmin, ymin, xmax, ymax) boxes."""
    ax0, ay0, ax1, ay1 = a.tolist()
    bx0, by0, bx1, by1 = b.tolist()
    iw = min(ax1, bx1) - max(ax0, bx0)
    ih = min(ay1, by1) - max(ay0, by0)
    if iw <= 0 or ih <= 0:
        return 0.0
    inter = iw * ih
    union = (ax1 - ax0) * (ay1 - ay0) + (bx1 - bx0) * (by1 - by0) - inter
    return inter / union if union > 0 else 0.0


def _circle_iou(a: Shape, b: Shape) -> float:
    r1, r2 = circle_radius(a), circle_radius(b)
    d = float(np.hypot(*(a.points[0] - b.points[0])))
    a1, a2 = math.pi * r1 * r1, math.pi * r2 * r2
    if r1 <= 0 or r2 <= 0 or d >= r1 + r2:
        return 0.0
    if d <= abs(r1 - r2):
        inter = min(a1, a2)
    else:  # the lens where the two discs overlap
        c1 = max(-1.0, min(1.0, (d * d + r1 * r1 - r2 * r2) / (2 * d * r1)))
        c2 = max(-1.0, min(1.0, (d * d + r2 * r2 - r1 * r1) / (2 * d * r2)))
        k = (-d + r1 + r2) * (d + r1 - r2) * (d - r1 + r2) * (d + r1 + r2)
        inter = r1 * r1 * math.acos(c1) + r2 * r2 * math.acos(c2) - 0.5 * math.sqrt(max(k, 0.0))
    return inter / (a1 + a2 - inter)


def _geometry(shape: Shape, kind: str, options: MatchOptions) -> Any:
    import shapely

    if kind == STROKE:
        return shapely.buffer(shapely.linestrings(shape.points), options.line_width / 2.0)
    poly = shapely.polygons(outline(shape))
    # A self-crossing polygon (a bow tie) has no area as drawn; make_valid splits it into
    # the parts a user sees filled, so its IoU is still meaningful.
    return poly if shapely.is_valid(poly) else shapely.make_valid(poly)


def _pair_similarity(a: Shape, b: Shape, kind: str, ga: Any, gb: Any, options: MatchOptions) -> float:
    if kind == DOT:
        d = float(np.hypot(*(a.points[0] - b.points[0])))
        return max(0.0, 1.0 - d / options.point_distance) if d <= options.point_distance else -1.0
    if kind == AREA and a.shape_type == CIRCLE and b.shape_type == CIRCLE:
        return _circle_iou(a, b)
    import shapely

    inter = float(shapely.area(shapely.intersection(ga, gb)))
    union = float(shapely.area(ga)) + float(shapely.area(gb)) - inter
    return inter / union if union > 0 else 0.0


def similarity_matrix(ref: list[Shape], cand: list[Shape], options: MatchOptions) -> tuple[np.ndarray, np.ndarray]:
    """(similarity, matchable): (R, C) arrays. Similarity is the IoU for areas and lines and
    ``1 - d / point_distance`` for points; matchable says the pair is close enough to match."""
    sim = np.full((len(ref), len(cand)), -1.0)
    ok = np.zeros(sim.shape, dtype=bool)
    if not ref or not cand:
        return sim, ok
    kinds_r = [shape_kind(s) for s in ref]
    kinds_c = [shape_kind(s) for s in cand]
    pad = max(options.line_width, options.point_distance)
    boxes_r = np.array([bounding_box(s) if k else (0, 0, 0, 0) for s, k in zip(ref, kinds_r)], dtype=np.float64)
    boxes_c = np.array([bounding_box(s) if k else (0, 0, 0, 0) for s, k in zip(cand, kinds_c)], dtype=np.float64)
    # Only pairs whose (padded) boxes touch can overlap: skip the geometry for the rest.
    near = ((boxes_r[:, None, 0] - pad <= boxes_c[None, :, 2]) & (boxes_c[None, :, 0] - pad <= boxes_r[:, None, 2])
            & (boxes_r[:, None, 1] - pad <= boxes_c[None, :, 3]) & (boxes_c[None, :, 1] - pad <= boxes_r[:, None, 3]))
    geo_r: dict[int, Any] = {}
    geo_c: dict[int, Any] = {}
    for i, j in zip(*np.nonzero(near)):
        kind = kinds_r[i]
        if kind is None or kind != kinds_c[j]:
            continue
        needs_geometry = kind == STROKE or (kind == AREA and not (
            ref[i].shape_type == cand[j].shape_type and ref[i].shape_type in (RECTANGLE, CIRCLE)))
        ga = gb = None
        if needs_geometry:
            ga = geo_r.get(i)
            if ga is None:
                ga = geo_r[i] = _geometry(ref[i], kind, options)
            gb = geo_c.get(j)
            if gb is None:
                gb = geo_c[j] = _geometry(cand[j], kind, options)
        if kind == AREA and ref[i].shape_type == RECTANGLE and cand[j].shape_type == RECTANGLE:
            s = _box_iou(boxes_r[i], boxes_c[j])
        else:
            s = _pair_similarity(ref[i], cand[j], kind, ga, gb, options)
        sim[i, j] = s
        ok[i, j] = s >= 0.0 if kind == DOT else s >= options.iou
    return sim, ok


# ----------------------------------------------------------------------------- assignment

def _candidate_order(cand: list[Shape]) -> list[int]:
    scores = np.array([1.0 if s.score is None else float(s.score) for s in cand])
    return [int(k) for k in np.argsort(-scores, kind="mergesort")]  # stable, as COCOeval sorts


def assign(sim: np.ndarray, ok: np.ndarray, cand: list[Shape], method: str) -> list[tuple[int, int]]:
    """One-to-one (reference, candidate) pairs among the matchable ones."""
    if not ok.any():
        return []
    if method == OPTIMAL:
        return _assign_optimal(sim, ok)
    taken = np.zeros(sim.shape[0], dtype=bool)
    pairs = []
    for j in _candidate_order(cand):
        best, best_sim = -1, -math.inf
        for i in np.flatnonzero(ok[:, j] & ~taken):
            if sim[i, j] < best_sim:  # '<': an equal overlap goes to the later reference, as in COCOeval
                continue
            best, best_sim = int(i), sim[i, j]
        if best >= 0:
            taken[best] = True
            pairs.append((best, j))
    return sorted(pairs)


def _assign_optimal(sim: np.ndarray, ok: np.ndarray) -> list[tuple[int, int]]:
    import lap

    rows, cols = np.nonzero(ok.any(axis=1))[0], np.nonzero(ok.any(axis=0))[0]
    sub_ok = ok[np.ix_(rows, cols)]
    # Leaving a row and a column unmatched costs ``limit``; a match costs 1 - similarity <= 1.
    # With limit above the most matches possible, one more match always beats any gain in
    # similarity: the solution has the most matches, then the largest total similarity.
    limit = float(min(sub_ok.shape) + 2)
    cost = np.where(sub_ok, 1.0 - np.clip(sim[np.ix_(rows, cols)], 0.0, 1.0), 10.0 * limit)
    _, x, _ = lap.lapjv(cost, extend_cost=True, cost_limit=limit)
    return sorted((int(rows[a]), int(cols[b])) for a, b in enumerate(x) if b >= 0 and sub_ok[a, b])


# ----------------------------------------------------------------------------- one image

@dataclass(frozen=True)
class Match:
    ref: int
    cand: int
    iou: float | None        # areas and lines
    distance: float | None   # points


@dataclass
class ImageComparison:
    """How the candidate shapes of one image agree with the reference shapes."""

    ref_labels: list[str]
    cand_labels: list[str]
    matches: list[Match] = field(default_factory=list)       # same label, matched by geometry
    relabelled: list[Match] = field(default_factory=list)    # matched by geometry, other label
    missed: list[int] = field(default_factory=list)          # reference shapes without a match (fn)
    extra: list[int] = field(default_factory=list)           # candidate shapes without a match (fp)

    @property
    def tp(self) -> int:
        return len(self.matches)

    @property
    def fn(self) -> int:
        return len(self.ref_labels) - self.tp

    @property
    def fp(self) -> int:
        return len(self.cand_labels) - self.tp

    @property
    def errors(self) -> int:
        return self.fp + self.fn

    @property
    def f1(self) -> float:
        total = len(self.ref_labels) + len(self.cand_labels)
        return 1.0 if total == 0 else 2.0 * self.tp / total

    @property
    def mean_iou(self) -> float | None:
        ious = [m.iou for m in self.matches if m.iou is not None]
        return float(np.mean(ious)) if ious else None


def _make_match(i: int, j: int, ref: list[Shape], cand: list[Shape], sim: np.ndarray,
                options: MatchOptions) -> Match:
    if shape_kind(ref[i]) == DOT:
        return Match(i, j, None, float(np.hypot(*(ref[i].points[0] - cand[j].points[0]))))
    return Match(i, j, float(sim[i, j]), None)


def compare_shapes(ref: list[Shape], cand: list[Shape], options: MatchOptions | None = None) -> ImageComparison:
    """Match the shapes of one image: per label first, then what is left across labels
    (those pairs are the label confusions). Shapes with no points take no part."""
    options = options or MatchOptions()
    ref, cand = comparable(ref), comparable(cand)
    result = ImageComparison([s.label for s in ref], [s.label for s in cand])
    sim, ok = similarity_matrix(ref, cand, options)
    same_label = np.array([[a == b for b in result.cand_labels] for a in result.ref_labels], dtype=bool)
    if same_label.size:
        for label in dict.fromkeys(result.ref_labels):
            ri = [i for i, lab in enumerate(result.ref_labels) if lab == label]
            ci = [j for j, lab in enumerate(result.cand_labels) if lab == label]
            if not ci:
                continue
            sub = np.ix_(ri, ci)
            for a, b in assign(sim[sub], ok[sub], [cand[j] for j in ci], options.matching):
                result.matches.append(_make_match(ri[a], ci[b], ref, cand, sim, options))
    used_r = {m.ref for m in result.matches}
    used_c = {m.cand for m in result.matches}
    ri = [i for i in range(len(ref)) if i not in used_r]
    ci = [j for j in range(len(cand)) if j not in used_c]
    if ri and ci:
        sub = np.ix_(ri, ci)
        for a, b in assign(sim[sub], ok[sub] & ~same_label[sub], [cand[j] for j in ci], options.matching):
            result.relabelled.append(_make_match(ri[a], ci[b], ref, cand, sim, options))
    used_r |= {m.ref for m in result.relabelled}
    used_c |= {m.cand for m in result.relabelled}
    result.missed = [i for i in range(len(ref)) if i not in used_r]
    result.extra = [j for j in range(len(cand)) if j not in used_c]
    result.matches.sort(key=lambda m: m.ref)
    return result


# ----------------------------------------------------------------------------- many images

def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


@dataclass
class ClassStats:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    ious: list[float] = field(default_factory=list)
    distances: list[float] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        p = _ratio(self.tp, self.tp + self.fp)
        r = _ratio(self.tp, self.tp + self.fn)
        f1 = _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)
        return {
            "tp": self.tp, "fp": self.fp, "fn": self.fn,
            "precision": p, "recall": r, "f1": f1,
            "mean_iou": float(np.mean(self.ious)) if self.ious else None,
            "mean_point_distance": float(np.mean(self.distances)) if self.distances else None,
        }


@dataclass
class Agreement:
    """Counts over many images: per class, overall, the label confusions, every matched IoU."""

    classes: dict[str, ClassStats] = field(default_factory=dict)
    confusion: Counter = field(default_factory=Counter)  # (reference label, candidate label) -> count
    ious: list[float] = field(default_factory=list)

    def add(self, c: ImageComparison) -> None:
        def stats(label: str) -> ClassStats:
            return self.classes.setdefault(label, ClassStats())

        for label in c.ref_labels:
            stats(label).fn += 1
        for label in c.cand_labels:
            stats(label).fp += 1
        for m in c.matches:
            st = stats(c.ref_labels[m.ref])
            st.tp += 1
            st.fn -= 1
            st.fp -= 1
            if m.iou is not None:
                st.ious.append(m.iou)
                self.ious.append(m.iou)
            if m.distance is not None:
                st.distances.append(m.distance)
            self.confusion[(c.ref_labels[m.ref], c.cand_labels[m.cand])] += 1
        for m in c.relabelled:
            self.confusion[(c.ref_labels[m.ref], c.cand_labels[m.cand])] += 1
        for i in c.missed:
            self.confusion[(c.ref_labels[i], MISSING)] += 1
        for j in c.extra:
            self.confusion[(EXTRA, c.cand_labels[j])] += 1

    def overall(self) -> ClassStats:
        total = ClassStats()
        for st in self.classes.values():
            total.tp += st.tp
            total.fp += st.fp
            total.fn += st.fn
            total.ious += st.ious
            total.distances += st.distances
        return total

    def confusion_table(self, labels: Iterable[str]) -> dict[str, Any]:
        """Rows: reference labels then EXTRA; columns: candidate labels then MISSING."""
        labels = list(labels)
        rows, cols = labels + [EXTRA], labels + [MISSING]
        matrix = [[int(self.confusion.get((r, c), 0)) for c in cols] for r in rows]
        return {"rows": rows, "columns": cols, "matrix": matrix}
