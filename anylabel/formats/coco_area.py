"""COCO ``area`` of polygon annotations, computed as pycocotools computes it.

COCOeval splits objects into small / medium / large by ``area``, and pycocotools takes
it as the pixel count of its own rasterisation of the polygons (``rleFrPoly`` in
``maskApi.c``), not the polygon's geometric area: the shoelace area is 0.4-6.4 % off on
ordinary label polygons. The rasterisation works on a grid 5 times finer than the
pixels: vertices are rounded to it, every edge is walked one fine step at a time along
its longer axis (the other coordinate rounded), and wherever the walk crosses from one
fine column to the next at a pixel column's centre, the pixel row just below the edge
there toggles the mask in that column. The area is what those toggles enclose.

Walking every fine step costs thousands of numpy elements per polygon; here only the
crossings at pixel column centres are generated (about two per pixel of width), with
the same floating-point arithmetic as the C code, so the result is the same integer.
All polygons of an image go through one batch of array operations.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

_SCALE = 5  # pycocotools' upsampling factor
_CENTRE = 2  # a fine column m is a pixel column's centre when m % 5 == 2: (m + .5) / 5 - .5 = (m - 2) / 5


def polygon_areas(polygons: Sequence[Sequence[float]], width: int, height: int) -> np.ndarray:
    """pycocotools' area (``mask.area(mask.frPyObjects([p], h, w))``) of each flat polygon
    ``[x1, y1, x2, y2, ...]`` (at least 3 points each) on a ``width`` x ``height`` image."""
    n_poly = len(polygons)
    if n_poly == 0:
        return np.zeros(0)
    return _enclosed(_toggles(polygons, width, height), n_poly, width * height)


def rectangle_area(x0: float, y0: float, x1: float, y1: float, width: int, height: int) -> int:
    """``polygon_areas`` of the axis-aligned box [x0, x1] x [y0, y1] (inside the image), in
    closed form: its two vertical edges toggle nothing, its top and bottom edges toggle
    the same pixel columns (centres m % 5 == 2 of the fine columns they walk), at one row
    each."""
    fx0, fx1 = int(_SCALE * x0 + 0.5), int(_SCALE * x1 + 0.5)
    fy0, fy1 = int(_SCALE * y0 + 0.5), int(_SCALE * y1 + 0.5)
    first, last = max((fx0 - _CENTRE + _SCALE - 1) // _SCALE, 0), min((fx1 - 1 - _CENTRE) // _SCALE, width - 1)
    if last < first:
        return 0
    top = math.ceil(min(max((fy0 + 0.5) / _SCALE - 0.5, 0.0), height))
    bottom = math.ceil(min(max((fy1 + 0.5) / _SCALE - 0.5, 0.0), height))
    return (last - first + 1) * abs(bottom - top)


def union_area(polygons: Sequence[Sequence[float]], width: int, height: int) -> float:
    """pycocotools' area of the union of several polygons (``mask.merge`` of their RLEs),
    which is what COCO tools compute for a multi-polygon annotation."""
    if len(polygons) == 1:
        return float(polygon_areas(polygons, width, height)[0])
    total = width * height
    keys = np.sort(_toggles(polygons, width, height))
    base = (keys[0::2] // (total + 1)) * (total + 1)  # each pair's polygon offset (see _enclosed)
    s, e = keys[0::2] - base, keys[1::2] - base
    keep = e > s
    s, e = s[keep], e[keep]
    if len(s) == 0:
        return 0.0
    order = np.argsort(s, kind="stable")
    s, e = s[order], np.maximum.accumulate(e[order])
    # A new run starts where an interval begins after every earlier one has ended.
    new = np.concatenate([[True], s[1:] > e[:-1]])
    run_start = s[new]
    run_end = np.append(e[np.flatnonzero(new)[1:] - 1], e[-1])
    return float((run_end - run_start).sum())


def _enclosed(keys: np.ndarray, n_poly: int, total: int) -> np.ndarray:
    """Pixels enclosed by each polygon's toggles, from their keys ``polygon * (total + 1) +
    column * height + row``: sorted, the runs between a polygon's 1st and 2nd, 3rd and 4th,
    ... toggle are inside (what its RLE counts). A closed walk crosses every column boundary
    an even number of times, so each polygon has an even number of toggles and the pairs of
    the sorted keys never straddle two polygons."""
    keys = np.sort(keys)
    if len(keys) % 2:  # cannot happen for closed walks; kept exact all the same
        poly = keys // (total + 1)
        counts = np.bincount(poly, minlength=n_poly)
        rank = np.arange(len(keys)) - np.repeat(np.cumsum(counts) - counts, counts)
        pos = keys - poly * (total + 1)
        out = np.bincount(poly, weights=np.where(rank % 2 == 1, 1.0, -1.0) * pos, minlength=n_poly)
        return out + (counts % 2) * float(total)
    start, end = keys[0::2], keys[1::2]
    return np.bincount(start // (total + 1), weights=(end - start).astype(np.float64), minlength=n_poly)


def _toggles(polygons: Sequence[Sequence[float]], width: int, height: int) -> np.ndarray:
    """Every toggle as ``polygon * (width * height + 1) + column * height + row``."""
    lengths = np.array([len(p) // 2 for p in polygons], dtype=np.int64)
    xy = np.array([v for p in polygons for v in p[: 2 * (len(p) // 2)]], dtype=np.float64).reshape(-1, 2)
    # (int)(scale * v + .5): C truncates toward zero.
    fine = np.trunc(_SCALE * xy + 0.5).astype(np.int64)
    ends = np.cumsum(lengths)
    nxt = np.arange(1, len(fine) + 1)
    nxt[ends - 1] = ends - lengths
    # Each edge's part of the key: its polygon's offset (a pixel column's is added per toggle).
    offset = np.repeat(np.arange(len(lengths)) * (width * height + 1), lengths)
    xs, ys = fine[:, 0], fine[:, 1]
    xe, ye = xs[nxt], ys[nxt]
    along_x = np.abs(xe - xs) >= np.abs(ye - ys)
    last = _SCALE * (width - 1) + _CENTRE  # the fine column of the last pixel column's centre
    ax = _along_x_edges(xs[along_x], ys[along_x], xe[along_x], ye[along_x], offset[along_x], last, height)
    ay = _along_y_edges(xs[~along_x], ys[~along_x], xe[~along_x], ye[~along_x], offset[~along_x], last,
                        height)
    return np.concatenate([ax, ay])


def _centres(lo: np.ndarray, hi: np.ndarray, last: int) -> tuple[np.ndarray, np.ndarray]:
    """For each range of fine columns [lo, hi] (clipped to the image's columns, 0..last),
    how many pixel-centre fine columns (m % 5 == 2) it holds, and each such m."""
    lo = np.maximum(lo, 0)
    first = lo + (_CENTRE - lo) % _SCALE
    counts = np.maximum((np.minimum(hi, last) - first) // _SCALE + 1, 0)
    starts = np.cumsum(counts) - counts
    # m = first + 5 k for the k-th centre of a range: one repeat and one arange in all.
    m = np.repeat(first - _SCALE * starts, counts) + _SCALE * np.arange(int(counts.sum()))
    return counts, m


def _key(offset: np.ndarray, m: np.ndarray, fine_row: np.ndarray, height: int) -> np.ndarray:
    # ceil((v + .5) / 5 - .5) of a whole v is (v + 2) // 5 (the C code's float steps are exact
    # here), clamped to 0..height as the C code clamps.
    row = fine_row + _CENTRE
    row //= _SCALE
    np.minimum(np.maximum(row, 0, out=row), height, out=row)  # np.clip costs more per call
    col = m - _CENTRE
    col //= _SCALE
    col *= height
    col += offset
    col += row
    return col


def _along_x_edges(xs, ys, xe, ye, offset, last, height):
    """Edges walked along x (|dx| >= |dy|): the walk steps x by one fine column, from the
    left end; y at step t is (int)(y_left + s * t + .5) with s = (y_right - y_left) / dx. A
    crossing from column m to m + 1 toggles the row of min(y(m), y(m + 1)): y(m) when y
    falls to the right, else y(m + 1) (|s| <= 1)."""
    flip = xs > xe
    x0, y0 = np.where(flip, xe, xs), np.where(flip, ye, ys)
    dx = np.abs(xe - xs)
    dyr = np.where(flip, ys - ye, ye - ys)
    s = dyr / np.maximum(dx, 1)  # dx == 0: a point, which walks no columns
    counts, m = _centres(x0, x0 + dx - 1, last)
    # Step t = m - x0 (+ 1 where y falls); y0 + s * t + .5 in the C code's order.
    t = (m + np.repeat((s < 0) - x0, counts)).astype(np.float64)
    t *= np.repeat(s, counts)
    t += np.repeat(y0.astype(np.float64), counts)
    t += 0.5
    v = np.trunc(t, out=t).astype(np.int64)
    return _key(np.repeat(offset, counts), m, v, height)


def _along_y_edges(xs, ys, xe, ye, offset, last, height):
    """Edges walked along y (|dx| < |dy|): y steps by one from the top end; x at step t is
    (int)(x_top + s * t + .5) with s = (x_bottom - x_top) / dy, so x changes by at most one
    per step. A crossing between columns m and m + 1 at step t (from t - 1) toggles the
    row y_top + t - 1."""
    flip = ys > ye
    x0, y0 = np.where(flip, xe, xs), np.where(flip, ye, ys)
    x1 = np.where(flip, xs, xe)
    dy = np.where(flip, ys - ye, ye - ys)
    s = (x1 - x0) / dy  # dy > dx >= 0
    counts, m = _centres(np.minimum(x0, x1), np.maximum(x0, x1) - 1, last)
    which = np.repeat(np.arange(len(counts)), counts)
    xb, sw = x0[which].astype(np.float64), s[which]
    rising = sw > 0
    # The first step whose x is past the crossing: x >= m + 1 when x rises, x <= m when it
    # falls. Estimated from the real-valued line (off by at most one step either way), then
    # settled with the C arithmetic.
    with np.errstate(divide="ignore", invalid="ignore"):
        est = (m + 0.5 - xb) / sw
    t = np.where(rising, np.ceil(est), np.floor(est) + 1)

    def past(t: np.ndarray) -> np.ndarray:
        x = np.trunc(xb + sw * t + 0.5)
        return np.where(rising, x >= m + 1, x <= m)

    early = past(t - 1) & (t > 0)  # already past one step before the estimate
    late = ~past(t)  # not yet past at the estimate
    t = t - early + (late & ~early)
    return _key(offset[which], m, (y0[which] + t - 1).astype(np.int64), height)
