"""DOTA: one ``<stem>.txt`` per image, ``x1 y1 x2 y2 x3 y3 x4 y4 class difficult`` in
absolute pixels, optionally headed by ``imagesource:`` and ``gsd:`` lines.

Rotated boxes are written corner by corner as drawn, rectangles as 0-degree boxes and
4-point polygons as the quadrilaterals DOTA was made for. Reading takes the 8 numbers
first and the difficult flag last, so a class name with spaces survives.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..core.i18n import tr
from ..core.shape import Shape
from .base import ExportContext, ExportItem, FormatError, ImageSize, ImportContext, Skip, fmt_num
from .convert import NOT_IN_CLASSES, as_rotated, skip
from .yolo import rotation_shape


def dump(shapes: list[Shape], classes: set[str] | None = None) -> tuple[list[str], list[Skip]]:
    lines, skips = [], []
    for s in shapes:
        corners = as_rotated(s)
        if isinstance(corners, Skip):
            skips.append(corners)
            continue
        if classes is not None and s.label not in classes:
            skips.append(skip(s, NOT_IN_CLASSES))
            continue
        coords = " ".join(f"{fmt_num(x, 2)} {fmt_num(y, 2)}" for x, y in corners)
        lines.append(f"{coords} {s.label} {int(bool(s.difficult))}")
    return lines, skips


def parse(lines: list[str]) -> list[Shape]:
    shapes = []
    for i, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith(("imagesource:", "gsd:")):
            continue
        parts = text.split()
        if len(parts) < 9:
            raise FormatError(tr("line {0}: needs 'x1 y1 ... x4 y4 class [difficult]', got {1} "
                                 "values").format(
                i, len(parts)))
        try:
            coords = [float(v) for v in parts[:8]]
        except ValueError:
            raise FormatError(tr("line {0}: the first 8 values must be numbers: {1!r}").format(
                i, text[:60])) from None
        if not all(math.isfinite(v) for v in coords):
            raise FormatError(tr("line {0}: NaN or infinite coordinate").format(i))
        rest = parts[8:]
        difficult = False
        if len(rest) >= 2 and rest[-1] in ("0", "1"):
            difficult = rest[-1] == "1"
            rest = rest[:-1]
        shape = rotation_shape(np.array(coords).reshape(4, 2), " ".join(rest))
        shape.difficult = difficult
        shapes.append(shape)
    return shapes


def export_item(item: ExportItem, ctx: ExportContext) -> tuple[str, list[Skip]]:
    classes = ctx.class_set()
    lines, skips = dump(item.shapes, classes)
    return "\n".join(lines) + ("\n" if lines else ""), skips


def import_item(text: str, image: Path, ctx: ImportContext) -> tuple[list[Shape], ImageSize | None]:
    return parse(text.splitlines()), None
