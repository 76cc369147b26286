"""YOLO label files (Ultralytics): one ``<stem>.txt`` per image, one object per line,
coordinates normalised to [0, 1] by the image width and height.

- detect:  ``cls cx cy w h``
- segment: ``cls x1 y1 x2 y2 ... xn yn``
- obb:     ``cls x1 y1 x2 y2 x3 y3 x4 y4`` (corners)
- pose:    ``cls cx cy w h`` then ``kx ky v`` per keypoint (v: 2 visible, 1 occluded, 0 absent)

Coordinates are clipped to the image: Ultralytics drops every label of an image when one
value lies outside [0, 1].
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..core.geometry import rotated_box_from_corners
from ..core.i18n import tr, tr_noop
from ..core.shape import POINT, POLYGON, RECTANGLE, ROTATION, Shape
from .base import ExportContext, ExportItem, FormatError, ImageSize, ImportContext, Skip, fmt_num
from .convert import as_box, as_polygon, as_rotated, classify, skip

Labeller = Callable[[int], str]
PoseConfig = dict[str, list[str]]

NO_BOX_FOR_KEYPOINT = tr_noop("keypoint without a box of the same group_id")
NOT_A_KEYPOINT_NAME = tr_noop("keypoint name not in the pose config for its box's class")
POSE_ONLY = tr_noop("only boxes and their keypoints go into a pose dataset")


def _n(v: float) -> str:
    return fmt_num(min(max(v, 0.0), 1.0))


def _norm_points(pts: np.ndarray, size: ImageSize) -> str:
    w, h = size
    return " ".join(f"{_n(x / w)} {_n(y / h)}" for x, y in pts)


# ----------------------------------------------------------------------------- dump


def _dump_lines(
    shapes: list[Shape],
    class_index: dict[str, int],
    geometry: Callable[[Shape], Any],
    line: Callable[[int, Any], str],
) -> tuple[list[str], list[Skip]]:
    """One label line per shape the format can hold (``geometry`` gives its coordinates or a
    Skip, ``line`` formats them); the others are returned as skips with their reason."""
    lines, skips = [], []
    for s in shapes:
        got = classify(s, class_index, geometry)
        if isinstance(got, Skip):
            skips.append(got)
        else:
            lines.append(line(*got))
    return lines, skips


def dump_detect(
    shapes: list[Shape], size: ImageSize, class_index: dict[str, int]
) -> tuple[list[str], list[Skip]]:
    w, h = size

    def line(cls: int, box: Any) -> str:
        x0, y0, x1, y1 = box
        return f"{cls} {_n((x0 + x1) / 2 / w)} {_n((y0 + y1) / 2 / h)} {_n((x1 - x0) / w)} {_n((y1 - y0) / h)}"

    return _dump_lines(shapes, class_index, lambda sh: as_box(sh, size), line)


def dump_segment(
    shapes: list[Shape], size: ImageSize, class_index: dict[str, int]
) -> tuple[list[str], list[Skip]]:
    return _dump_lines(shapes, class_index, lambda sh: as_polygon(sh, size),
                       lambda cls, poly: f"{cls} {_norm_points(poly, size)}")


def dump_obb(
    shapes: list[Shape], size: ImageSize, class_index: dict[str, int]
) -> tuple[list[str], list[Skip]]:
    return _dump_lines(shapes, class_index, as_rotated,
                       lambda cls, corners: f"{cls} {_norm_points(corners, size)}")


def keypoint_count(pose: PoseConfig) -> int:
    """Ultralytics needs one keypoint count for the whole dataset: the longest list."""
    return max((len(v) for v in pose.values()), default=0)


def group_keypoints(shapes: list[Shape]) -> tuple[list[Shape], dict[int, list[Shape]], list[Shape]]:
    """Split shapes into (non-point shapes, points by group_id, points without a group)."""
    others, loose = [], []
    points: dict[int, list[Shape]] = {}
    for s in shapes:
        if s.shape_type == POINT:
            if s.group_id is None:
                loose.append(s)
            else:
                points.setdefault(s.group_id, []).append(s)
        else:
            others.append(s)
    return others, points, loose


def keypoints_for(
    names: list[str], points: list[Shape], k: int
) -> tuple[list[tuple[float, float, int]], list[Shape]]:
    """(x, y, v) for each keypoint name in order, padded to ``k`` with (0, 0, 0); and the
    points whose label is not one of ``names``."""
    found: dict[str, Shape] = {}
    unknown = []
    for p in points:
        if p.label in names and p.label not in found and np.all(np.isfinite(p.points)):
            found[p.label] = p
        else:
            unknown.append(p)
    out: list[tuple[float, float, int]] = []
    for name in names:
        p = found.get(name)
        if p is None:
            out.append((0.0, 0.0, 0))
        else:
            out.append((float(p.points[0, 0]), float(p.points[0, 1]), 1 if p.difficult else 2))
    out.extend([(0.0, 0.0, 0)] * (k - len(out)))
    return out, unknown


def dump_pose(
    shapes: list[Shape], size: ImageSize, class_index: dict[str, int], pose: PoseConfig
) -> tuple[list[str], list[Skip]]:
    w, h = size
    k = keypoint_count(pose)
    others, points, loose = group_keypoints(shapes)
    skips = [skip(p, NO_BOX_FOR_KEYPOINT) for p in loose]
    lines = []
    claimed: set[int] = set()
    for s in others:
        got = classify(s, class_index, lambda sh: as_box(sh, size))
        if isinstance(got, Skip):
            skips.append(got)
            continue
        cls, box = got
        x0, y0, x1, y1 = box
        kps: list[tuple[float, float, int]] = [(0.0, 0.0, 0)] * k
        if s.group_id is not None and s.group_id not in claimed and s.group_id in points:
            claimed.add(s.group_id)
            kps, unknown = keypoints_for(pose.get(s.label, []), points[s.group_id], k)
            skips.extend(skip(p, NOT_A_KEYPOINT_NAME) for p in unknown)
        parts = [str(cls), _n((x0 + x1) / 2 / w), _n((y0 + y1) / 2 / h), _n((x1 - x0) / w), _n((y1 - y0) / h)]
        for x, y, v in kps:
            parts += ["0", "0", "0"] if v == 0 else [_n(x / w), _n(y / h), str(v)]
        lines.append(" ".join(parts))
    for gid, pts in points.items():
        if gid not in claimed:
            skips.extend(skip(p, NO_BOX_FOR_KEYPOINT) for p in pts)
    return lines, skips


# ----------------------------------------------------------------------------- parse


def _numbers(line: str, lineno: int) -> tuple[int, list[float]]:
    parts = line.split()
    try:
        cls_f = float(parts[0])
        values = [float(v) for v in parts[1:]]
    except ValueError:
        raise FormatError(tr("line {0}: not a list of numbers: {1!r}").format(
            lineno, line.strip()[:60])) from None
    if not cls_f.is_integer() or cls_f < 0:
        raise FormatError(tr("line {0}: class index must be a whole number >= 0, got {1!r}").format(
            lineno, parts[0]))
    if not all(math.isfinite(v) for v in values):
        raise FormatError(tr("line {0}: NaN or infinite coordinate").format(lineno))
    return int(cls_f), values


def _rows(lines: list[str]) -> list[tuple[int, str]]:
    return [(i, ln) for i, ln in enumerate(lines, 1) if ln.strip()]


def _box_shape(cls_label: str, values: list[float], size: ImageSize) -> Shape:
    w, h = size
    cx, cy, bw, bh = values[:4]
    return Shape(
        RECTANGLE,
        np.array([[(cx - bw / 2) * w, (cy - bh / 2) * h], [(cx + bw / 2) * w, (cy + bh / 2) * h]]),
        label=cls_label,
    )


def parse_detect(lines: list[str], size: ImageSize, label_for: Labeller) -> list[Shape]:
    shapes = []
    for i, line in _rows(lines):
        cls, v = _numbers(line, i)
        if len(v) != 4:
            raise FormatError(tr("line {0}: a box needs 'cls cx cy w h' (5 values), got {1}").format(
                i, len(v) + 1))
        shapes.append(_box_shape(label_for(cls), v, size))
    return shapes


def parse_segment(lines: list[str], size: ImageSize, label_for: Labeller) -> list[Shape]:
    w, h = size
    shapes = []
    for i, line in _rows(lines):
        cls, v = _numbers(line, i)
        if len(v) == 4:  # a box line in a segment file: Ultralytics accepts it too
            shapes.append(_box_shape(label_for(cls), v, size))
            continue
        if len(v) < 6 or len(v) % 2:
            raise FormatError(
                tr("line {0}: a polygon needs an even number of coordinates for at least 3 points, "
                   "got {1}").format(i, len(v))
            )
        pts = np.array(v, dtype=np.float64).reshape(-1, 2) * [w, h]
        shapes.append(Shape(POLYGON, pts, label=label_for(cls)))
    return shapes


def rotation_shape(corners: np.ndarray, label: str) -> Shape:
    c = np.asarray(corners, dtype=np.float64).reshape(4, 2)
    return Shape(ROTATION, c, label=label, direction=rotated_box_from_corners(c).angle)


def parse_obb(lines: list[str], size: ImageSize, label_for: Labeller) -> list[Shape]:
    w, h = size
    shapes = []
    for i, line in _rows(lines):
        cls, v = _numbers(line, i)
        if len(v) != 8:
            raise FormatError(
                tr("line {0}: a rotated box needs 'cls x1 y1 ... x4 y4' (9 values), got {1}").format(
                    i, len(v) + 1)
            )
        shapes.append(rotation_shape(np.array(v).reshape(4, 2) * [w, h], label_for(cls)))
    return shapes


def parse_pose(
    lines: list[str], size: ImageSize, label_for: Labeller, pose: PoseConfig | None, first_group_id: int = 1
) -> list[Shape]:
    """Boxes get group ids ``first_group_id, +1, ...``; their visible keypoints share it."""
    w, h = size
    shapes = []
    gid = first_group_id
    for i, line in _rows(lines):
        cls, v = _numbers(line, i)
        rest = v[4:]
        if len(v) < 4 or (len(rest) % 3 and len(rest) % 2):
            raise FormatError(tr("line {0}: a pose line needs 'cls cx cy w h' then 2 or 3 values per "
                                 "keypoint").format(
                i))
        label = label_for(cls)
        box = _box_shape(label, v, size)
        box.group_id = gid
        shapes.append(box)
        dim = 3 if len(rest) % 3 == 0 else 2
        names = (pose or {}).get(label, [])
        for j in range(len(rest) // dim):
            x, y = rest[j * dim], rest[j * dim + 1]
            vis = int(rest[j * dim + 2]) if dim == 3 else 2
            if vis == 0 or (dim == 2 and x == 0 and y == 0):
                continue
            name = names[j] if j < len(names) else f"kp{j}"
            shapes.append(
                Shape(POINT, np.array([[x * w, y * h]]), label=name, group_id=gid, difficult=vis == 1)
            )
        gid += 1
    return shapes


# ----------------------------------------------------------------------------- exporter glue


def _ci(ctx: ExportContext) -> dict[str, int]:
    ci = ctx.__dict__.get("_ci")
    if ci is None:
        ci = ctx.class_index()
        ctx.__dict__["_ci"] = ci
    return ci


def _text(lines: list[str]) -> str:
    return "\n".join(lines) + ("\n" if lines else "")


def export_detect(item: ExportItem, ctx: ExportContext) -> tuple[str, list[Skip]]:
    lines, skips = dump_detect(item.shapes, item.size, _ci(ctx))
    return _text(lines), skips


def export_segment(item: ExportItem, ctx: ExportContext) -> tuple[str, list[Skip]]:
    lines, skips = dump_segment(item.shapes, item.size, _ci(ctx))
    return _text(lines), skips


def export_obb(item: ExportItem, ctx: ExportContext) -> tuple[str, list[Skip]]:
    lines, skips = dump_obb(item.shapes, item.size, _ci(ctx))
    return _text(lines), skips


def export_pose(item: ExportItem, ctx: ExportContext) -> tuple[str, list[Skip]]:
    if not ctx.options.pose_config:
        raise FormatError(
            tr("yolo-pose needs a pose config (--pose-config) listing the keypoint names per "
               "class")
        )
    lines, skips = dump_pose(item.shapes, item.size, _ci(ctx), ctx.options.pose_config)
    return _text(lines), skips


def _importer(parse: Callable[[list[str], ImageSize, ImportContext], list[Shape]]):
    from .perimage import size_of

    def read(text: str, image: Path, ctx: ImportContext) -> tuple[list[Shape], ImageSize | None]:
        size = size_of(image)
        return parse(text.splitlines(), size, ctx), size

    return read


import_detect = _importer(lambda lines, size, ctx: parse_detect(lines, size, ctx.label_for))
import_segment = _importer(lambda lines, size, ctx: parse_segment(lines, size, ctx.label_for))
import_obb = _importer(lambda lines, size, ctx: parse_obb(lines, size, ctx.label_for))
import_pose = _importer(
    lambda lines, size, ctx: parse_pose(lines, size, ctx.label_for, ctx.options.pose_config)
)
