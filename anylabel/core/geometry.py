"""Geometry that the canvas and the exporters share: boxes, areas, rotated boxes,
outlines, polygon <-> mask rasterisation and hit tests. Pure numpy (+ OpenCV for
rasterising and contour tracing, which is Qt-free).

What differs between shape types (a circle's box, a rectangle's outline) is a hook of the
type's record in ``shape_kinds``; this module holds the one behaviour of a plain vertex
list that every kind without that hook gets."""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from . import shape_kinds
from .shape import Shape
from .shape_kinds import circle_radius  # noqa: F401  (part of this module's interface)

TWO_PI = 2.0 * math.pi


@dataclass(frozen=True)
class RotatedBox:
    """A rotated box: centre, width (first edge), height (second edge), angle of the
    first edge in radians measured like ``atan2(dy, dx)`` in image coordinates (y down)."""

    cx: float
    cy: float
    w: float
    h: float
    angle: float

    @property
    def degrees(self) -> float:
        return math.degrees(self.angle)


def normalize_angle(angle: float) -> float:
    """Map an angle in radians to [0, 2*pi)."""
    a = math.fmod(angle, TWO_PI)
    if a < 0:
        a += TWO_PI
    return 0.0 if math.isclose(a, TWO_PI) else a


def rotated_box_from_corners(corners: np.ndarray) -> RotatedBox:
    """Centre is the midpoint of p0 and p2; angle is the direction of p0 -> p1."""
    c = np.asarray(corners, dtype=np.float64).reshape(4, 2)
    cx, cy = (c[0] + c[2]) / 2.0
    e1 = c[1] - c[0]
    e2 = c[2] - c[1]
    return RotatedBox(float(cx), float(cy), float(np.hypot(*e1)), float(np.hypot(*e2)),
                      normalize_angle(math.atan2(e1[1], e1[0])))


def rotated_box_corners(box: RotatedBox) -> np.ndarray:
    """Four corners p0..p3 such that p0 -> p1 runs along the angle for width ``w``."""
    ca, sa = math.cos(box.angle), math.sin(box.angle)
    u = np.array([ca, sa]) * box.w / 2.0
    v = np.array([-sa, ca]) * box.h / 2.0
    c = np.array([box.cx, box.cy])
    return np.array([c - u - v, c + u - v, c + u + v, c - u + v])


def rotate_corners(corners: np.ndarray, delta: float) -> np.ndarray:
    """Rotate corners about their centre by ``delta`` radians (positive = clockwise on screen)."""
    box = rotated_box_from_corners(corners)
    return rotated_box_corners(RotatedBox(box.cx, box.cy, box.w, box.h, normalize_angle(box.angle + delta)))


def sync_direction(shape: Shape) -> None:
    """Recompute the ``direction`` of a kind that has one (a rotation) from its points."""
    kind = shape_kinds.kind_of(shape)
    if kind is not None and kind.direction_of is not None and len(shape.points) == (kind.points or len(shape.points)):
        shape.direction = kind.direction_of(shape.points)


def bounding_box(shape: Shape) -> tuple[float, float, float, float]:
    """Axis-aligned (xmin, ymin, xmax, ymax) of what the shape covers."""
    kind = shape_kinds.kind_of(shape)
    if kind is not None and kind.bbox is not None:
        return kind.bbox(shape)
    pts = shape.points
    if kind is not None and not kind.box_of_points and len(pts):
        pts = outline(shape)  # a curve's outline reaches past its points
    if len(pts) == 0:
        raise ValueError("shape has no points")
    x0, y0 = pts.min(axis=0)
    x1, y1 = pts.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


def outline(shape: Shape, circle_segments: int = 64) -> np.ndarray:
    """The closed outline of an area shape as an (N, 2) polygon, or the points of an open one."""
    kind = shape_kinds.kind_of(shape)
    if kind is not None and kind.outline is not None:
        return kind.outline(shape, circle_segments)
    return shape.points.copy()


def is_area_shape(shape: Shape) -> bool:
    """A kind that encloses an area, or a type of another tool with 3 or more points."""
    kind = shape_kinds.kind_of(shape)
    return kind.closed if kind is not None else len(shape.points) >= 3


def polygon_area(points: np.ndarray) -> float:
    p = np.asarray(points, dtype=np.float64)
    if len(p) < 3:
        return 0.0
    x, y = p[:, 0], p[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2.0)


def area(shape: Shape) -> float:
    """Area in square pixels (0 for lines and points)."""
    kind = shape_kinds.kind_of(shape)
    if kind is not None and kind.area is not None:
        return kind.area(shape)
    if not is_area_shape(shape):
        return 0.0
    return polygon_area(shape.points if kind is None or kind.outline is None else outline(shape))


def polygon_to_mask(points: np.ndarray, height: int, width: int) -> np.ndarray:
    """Rasterise a polygon into a bool mask: pixel (col, row) is inside when its centre
    (col + 0.5, row + 0.5) is inside (even-odd rule, half-open edges), so adjacent
    polygons never share pixels and a w x h rectangle covers exactly w * h pixels."""
    mask = np.zeros((height, width), dtype=bool)
    p = np.asarray(points, dtype=np.float64)
    if len(p) < 3 or height <= 0 or width <= 0:
        return mask
    x0, y0 = p[:, 0], p[:, 1]
    x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
    r_lo = max(int(np.ceil(p[:, 1].min() - 0.5)), 0)
    r_hi = min(int(np.ceil(p[:, 1].max() - 0.5)), height)  # exclusive
    if r_lo >= r_hi:
        return mask
    yc = np.arange(r_lo, r_hi, dtype=np.float64)[:, None] + 0.5  # (R, 1) row centres
    lo, hi = np.minimum(y0, y1), np.maximum(y0, y1)
    crosses = (yc >= lo) & (yc < hi)  # (R, E); horizontal edges never cross
    with np.errstate(divide="ignore", invalid="ignore"):
        xc = x0 + (yc - y0) * (x1 - x0) / (y1 - y0)
    xc = np.where(crosses, xc, np.inf)
    xc.sort(axis=1)
    n = crosses.sum(axis=1)
    diff = np.zeros((r_hi - r_lo, width + 1), dtype=np.int32)
    for k in range(0, int(n.max()) - 1, 2):
        rows = np.nonzero(n >= k + 2)[0]
        c0 = np.clip(np.ceil(xc[rows, k] - 0.5), 0, width).astype(np.int64)
        c1 = np.clip(np.ceil(xc[rows, k + 1] - 0.5), 0, width).astype(np.int64)
        diff[rows, c0] += 1  # one pair per row per k, so indices are unique
        diff[rows, c1] -= 1
    mask[r_lo:r_hi] = np.cumsum(diff, axis=1)[:, :width] > 0
    return mask


def shape_to_mask(shape: Shape, height: int, width: int) -> np.ndarray:
    """Filled region of an area shape as a bool mask (empty for lines and points)."""
    if not is_area_shape(shape):
        return np.zeros((height, width), dtype=bool)
    kind = shape_kinds.kind_of(shape)
    if kind is not None and kind.to_mask is not None:
        return kind.to_mask(shape, height, width)
    return polygon_to_mask(outline(shape), height, width)


_PIXEL_CORNERS = [np.array(c) for c in ((-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5))]
_OUTWARD = -1  # side of an OpenCV border chain (CHAIN_APPROX_NONE) that is off the region


def _spike_tip_corners(d: tuple[int, int]) -> np.ndarray:
    """Offsets from the tip pixel's centre to the corners that replace it when a chain
    arrives at a one-pixel-wide spike tip moving along ``d`` (and turns back): the corners
    not behind the direction of travel, swept from the side the chain arrives on to the
    side it leaves on."""
    d_arr = np.array(d, dtype=np.float64)
    side = np.sign(np.array([d[1], -d[0]], dtype=np.float64) * _OUTWARD)
    tips = [c for c in _PIXEL_CORNERS if c @ d_arr >= 0]
    tips.sort(key=lambda c: -(c @ side))
    return np.array(tips)


# The tip corners for each of the 8 steps a chain can take, indexed by (dx + 1) * 3 + (dy + 1).
_SPIKE_TIPS = {(dx + 1) * 3 + (dy + 1): _spike_tip_corners((dx, dy))
               for dx in (-1, 0, 1) for dy in (-1, 0, 1) if (dx, dy) != (0, 0)}


def _offset_half_pixel(chains: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Move closed chains of boundary pixels half a pixel off their region.

    ``chains`` holds the pixel coordinates of every chain, one after the other
    (``lengths`` of them each, at least 3); returns the outlines in the same layout.
    Each vertex moves from its pixel centre by 0.5 per axis along the sign of the chain's
    normal there, which puts straight edges on the pixel edges and convex corners on the
    pixel corners. The tip of a one-pixel-wide spike (where the chain turns back on
    itself) becomes the two or three far corners of its pixel. All chains are done in one
    pass: a mask outline has many small chains, and per-chain numpy calls cost more than
    the arithmetic."""
    n = len(chains)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    prev_idx = np.arange(-1, n - 1)
    prev_idx[starts] = ends - 1
    next_idx = np.arange(1, n + 1)
    next_idx[ends - 1] = starts
    prev = chains[prev_idx]
    tangent = chains[next_idx] - prev
    incoming = chains - prev  # one 8-neighbour step: each coordinate is -1, 0 or 1
    spike = ~tangent.any(axis=1)
    tangent[spike] = incoming[spike]
    side = np.sign(np.stack([tangent[:, 1], -tangent[:, 0]], axis=1) * _OUTWARD)
    centres = chains + 0.5
    moved = centres + 0.5 * side
    if not spike.any():
        return moved, lengths
    spikes = np.flatnonzero(spike)
    codes = (incoming[spikes, 0] + 1) * 3 + (incoming[spikes, 1] + 1)
    groups = [(spikes[codes == c], _SPIKE_TIPS[int(c)]) for c in np.unique(codes)]
    counts = np.ones(n, dtype=np.int64)  # output points per chain vertex
    for sel, tips in groups:
        counts[sel] = len(tips)
    first = np.cumsum(counts) - counts  # where each vertex's points start in the output
    out = np.repeat(moved, counts, axis=0)
    for sel, tips in groups:
        out[first[sel][:, None] + np.arange(len(tips))] = centres[sel][:, None, :] + tips
    return out, np.add.reduceat(counts, starts)


def _polygon_areas(points: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``polygon_area`` of each polygon of a concatenated layout (lengths >= 1). Outline
    vertices are on half pixels, so every product is a multiple of 1/4 and the sums are
    exact: the result does not depend on the order of the additions."""
    ends = np.cumsum(lengths)
    starts = ends - lengths
    next_idx = np.arange(1, len(points) + 1)
    next_idx[ends - 1] = starts
    x, y = points[:, 0], points[:, 1]
    cross = x * y[next_idx] - y * x[next_idx]
    return np.abs(np.add.reduceat(cross, starts)) / 2.0


def mask_to_polygons(mask: np.ndarray, tolerance: float = 1.0, min_area: float = 1.0,
                     with_holes: bool = False) -> list[np.ndarray]:
    """Outline each connected region of a mask as a polygon in pixel-corner coordinates
    (a mask pixel (col, row) spans col..col+1, row..row+1), largest first.

    Contours are traced through boundary pixel centres, then pushed half a pixel off the
    region so that the polygon encloses its pixels (``polygon_to_mask`` gives the mask
    back). ``tolerance`` is the Douglas-Peucker epsilon in pixels (0 keeps every vertex).
    With ``with_holes`` the boundaries of holes are returned too.
    """
    mask = np.asarray(mask)
    m = np.ascontiguousarray(mask).view(np.uint8) if mask.dtype == bool else np.ascontiguousarray(
        mask.astype(np.uint8))
    mode = cv2.RETR_CCOMP if with_holes else cv2.RETR_EXTERNAL
    contours, _ = cv2.findContours(m, mode, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return []
    lengths = np.array([len(c) for c in contours], dtype=np.int64)
    long = lengths >= 3
    # OpenCV traces outer borders and hole borders in opposite turning directions, so the
    # region always lies on the same side of travel; a fixed side also covers zero-area
    # chains (one-pixel-wide lines), whose orientation cannot be measured.
    outlines: list[np.ndarray] = []
    if long.any():
        chains = np.concatenate([c for c, ok in zip(contours, long) if ok]).reshape(-1, 2).astype(np.int64)
        moved, moved_lengths = _offset_half_pixel(chains, lengths[long])
        outlines_long = np.split(moved, np.cumsum(moved_lengths)[:-1])
    else:
        outlines_long = []
    it = iter(outlines_long)
    for c, ok in zip(contours, long):
        if ok:
            outlines.append(next(it))
        else:
            # A lone pixel or a 2-pixel run: its outline is the pixels' bounding square.
            px = c.reshape(-1, 2)
            x0, y0 = px.min(axis=0).astype(np.float64)
            x1, y1 = px.max(axis=0).astype(np.float64) + 1.0
            outlines.append(np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]]))
    if tolerance > 0:
        outlines = [cv2.approxPolyDP(p.astype(np.float32).reshape(-1, 1, 2), tolerance, True)
                    .reshape(-1, 2).astype(np.float64) if len(p) > 4 else p for p in outlines]
    outlines = [p for p in outlines if len(p) >= 3]
    if not outlines:
        return []
    areas = _polygon_areas(np.concatenate(outlines), np.array([len(p) for p in outlines], dtype=np.int64))
    keep = np.flatnonzero(areas >= min_area)
    # Largest first; equal areas keep the tracing order (a stable sort, as before).
    keep = keep[np.argsort(-areas[keep], kind="stable")]
    return [outlines[i] for i in keep]


def _point_segment_distance(px: float, py: float, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distances from (px, py) to each segment a[i] -> b[i]."""
    ab = b - a
    ap = np.array([px, py]) - a
    denom = np.einsum("ij,ij->i", ab, ab)
    t = np.clip(np.einsum("ij,ij->i", ap, ab) / np.where(denom == 0, 1, denom), 0.0, 1.0)
    closest = a + ab * t[:, None]
    return np.hypot(px - closest[:, 0], py - closest[:, 1])


def distance_to_edge(shape: Shape, x: float, y: float) -> float:
    """Distance from (x, y) to the nearest edge (or to the point, for points)."""
    kind = shape_kinds.kind_of(shape)
    if len(shape.points) == 1 or (kind is not None and kind.points == 1):
        px, py = shape.points[0]
        return float(math.hypot(x - px, y - py))
    if kind is not None and kind.edge_distance is not None:
        return kind.edge_distance(shape, x, y)
    pts = outline(shape)
    if is_area_shape(shape):
        a, b = pts, np.roll(pts, -1, axis=0)
    else:
        a, b = pts[:-1], pts[1:]
    return float(_point_segment_distance(x, y, a, b).min())


def nearest_edge(shape: Shape, x: float, y: float) -> tuple[int, float]:
    """Index i of the edge (p[i] -> p[i+1]) nearest to (x, y), and its distance."""
    pts = shape.points
    kind = shape_kinds.kind_of(shape)
    closed = kind is not None and kind.closed and kind.outline is None  # the points are the outline
    a = pts if closed else pts[:-1]
    b = np.roll(pts, -1, axis=0) if closed else pts[1:]
    if len(a) == 0:
        return -1, math.inf
    d = _point_segment_distance(x, y, a, b)
    i = int(np.argmin(d))
    return i, float(d[i])


def contains_point(shape: Shape, x: float, y: float, tolerance: float = 0.0) -> bool:
    """True when (x, y) is inside an area shape, or within ``tolerance`` of a line/point."""
    kind = shape_kinds.kind_of(shape)
    if kind is not None and kind.contains is not None:
        return kind.contains(shape, x, y, tolerance)
    if is_area_shape(shape):
        pts = outline(shape).astype(np.float32)
        if cv2.pointPolygonTest(pts.reshape(-1, 1, 2), (float(x), float(y)), False) >= 0:
            return True
        return tolerance > 0 and distance_to_edge(shape, x, y) <= tolerance
    return distance_to_edge(shape, x, y) <= tolerance


def nearest_vertex(shape: Shape, x: float, y: float) -> tuple[int, float]:
    """Index of the vertex nearest to (x, y), and its distance."""
    if len(shape.points) == 0:
        return -1, math.inf
    d = np.hypot(shape.points[:, 0] - x, shape.points[:, 1] - y)
    i = int(np.argmin(d))
    return i, float(d[i])
