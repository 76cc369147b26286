"""Simplified outlines for zoomed-out views (level of detail), for all shapes at once.

Below 100 % zoom a 50-vertex polygon a few screen pixels wide is drawn with the vertices
that matter: Douglas-Peucker keeps a subset of the original vertices (nothing is moved),
such that no dropped vertex lies farther than ``SCREEN_TOLERANCE`` screen pixels from the
drawn outline -- a quarter pixel, below what antialiasing shows. Level ``k`` serves every
zoom in ``[2**-(k+1), 2**-k)`` and so uses ``SCREEN_TOLERANCE * 2**k`` image pixels. At
100 % and above (level -1) outlines are drawn exactly.

The simplification runs on the scene's flat point array (``SceneIndex.points``): each
round splits every still-too-coarse segment of every shape in one pass of numpy, so a
1,000,000-vertex scene takes a few rounds of array work instead of 20,000 Python calls.
"""
from __future__ import annotations

import math

import numpy as np

SCREEN_TOLERANCE = 0.25  # screen pixels a dropped vertex may be from the drawn outline
MAX_LEVEL = 12
ROUNDS = 2  # one round over even positions, one over odd: bounded time (a few array passes of the scene)


def level_for(scale: float) -> int:
    """The level of detail for a zoom (screen px per image px); -1: exact outlines."""
    if scale >= 1.0 or scale <= 0.0:
        return -1
    return min(int(math.floor(-math.log2(scale))), MAX_LEVEL)


def tolerance_of(level: int) -> float:
    """Image pixels a dropped vertex may be from the outline at ``level``."""
    return SCREEN_TOLERANCE * (2.0 ** level)


def simplify_keep(points: np.ndarray, offsets: np.ndarray, closed: np.ndarray, tolerance: float) -> np.ndarray:
    """A boolean mask over ``points``: the vertices kept for each shape (``offsets``: shape k is
    ``points[offsets[k]:offsets[k+1]]``; ``closed``: polygons, whose last edge returns to the
    first vertex). Every dropped vertex is within ``tolerance`` of the kept outline; each
    shape's first and last vertex (a polygon's first and middle one) and shapes of up to 3
    vertices are kept whole.

    ``ROUNDS`` rounds over all shapes at once: a vertex goes when the outline without it stays within
    the tolerance of every vertex dropped so far. Each kept edge carries a bound on how far
    the vertices it replaced are from it; dropping vertex v between edges with bounds e1, e2
    gives the edge a bound max(e1, e2) + (v's distance to the new edge) -- the old edges
    share an end with the new one, so they are within v's distance of it. Rounds alternate
    between even and odd positions, so neighbours never go in the same round."""
    m = len(points)
    keep = np.zeros(m, dtype=bool)
    if m == 0:
        return keep
    starts, ends = offsets[:-1], offsets[1:]
    counts = ends - starts
    small = counts <= 3
    keep[np.repeat(small, counts)] = True
    big = np.nonzero(~small)[0]
    if len(big) == 0:
        return keep
    # each shape's vertex sequence, a closed one with its first vertex again at the end, as
    # indices into ``points``
    c = counts[big]
    cl = closed[big].astype(np.int64)
    ce = c + cl
    eoff = np.concatenate([[0], np.cumsum(ce)])
    idx = np.arange(int(eoff[-1])) - np.repeat(eoff[:-1] - starts[big], ce)
    idx[eoff[1:][cl == 1] - 1] = starts[big][cl == 1]
    fixed = np.zeros(len(idx), dtype=bool)  # the ends of each sequence stay
    fixed[eoff[:-1]] = True
    fixed[eoff[1:] - 1] = True
    fixed[(eoff[:-1] + c // 2)[cl == 1]] = True  # a polygon keeps its far side too: never fewer than 3
    err = np.zeros(len(idx))  # bound of edge k -> k + 1 (meaningless at a sequence's end)
    xy = points[idx]
    idle = 0
    parity = 0
    for _round in range(ROUNDS):
        if idle >= 2 or len(idx) <= 2:
            break
        n = len(idx)
        cand = np.zeros(n, dtype=bool)
        cand[parity:n:2] = True
        cand &= ~fixed
        cand[0] = cand[-1] = False
        i = np.nonzero(cand)[0]
        a, p, b = xy[i - 1], xy[i], xy[i + 1]
        d = b - a
        ap = p - a
        dd = (d * d).sum(axis=1)
        t = np.clip((ap * d).sum(axis=1) / np.where(dd > 0, dd, 1.0), 0.0, 1.0)
        r = ap - t[:, None] * d
        bound = np.maximum(err[i - 1], err[i]) + np.sqrt((r * r).sum(axis=1))
        ok = bound <= tolerance
        parity ^= 1
        if not ok.any():
            idle += 1
            continue
        idle = 0
        gone = i[ok]
        err[gone - 1] = bound[ok]
        stay = np.ones(n, dtype=bool)
        stay[gone] = False
        idx, xy, err, fixed = idx[stay], xy[stay], err[stay], fixed[stay]
    keep[idx] = True
    return keep
