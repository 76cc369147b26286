"""``import --merge``: which imported shapes are already in an image's label file.

Importing the same dataset twice must not double the shapes, so a shape that matches an
existing one (same type, label and group id, points equal within ``POINT_TOLERANCE``)
is left out. The inference code has its own merge for predictions; this one is for
dataset files, whose shapes are read back exactly as written.
"""

from __future__ import annotations

import numpy as np

from ..core.shape import Shape

#: Coordinates written to a label file and read back differ by float printing only.
POINT_TOLERANCE = 1e-6


def same_shape(a: Shape, b: Shape) -> bool:
    """Same type, label, group id and points (within POINT_TOLERANCE)."""
    if a.shape_type != b.shape_type or a.label != b.label or a.group_id != b.group_id:
        return False
    pa, pb = np.asarray(a.points, dtype=float), np.asarray(b.points, dtype=float)
    return pa.shape == pb.shape and bool(np.allclose(pa, pb, rtol=0.0, atol=POINT_TOLERANCE))


def shapes_to_add(existing: list[Shape], incoming: list[Shape]) -> list[Shape]:
    """The incoming shapes not already present, in their order (each existing shape
    matches at most one incoming shape, so two identical imported shapes both count)."""
    unused = list(existing)
    fresh: list[Shape] = []
    for s in incoming:
        for i, e in enumerate(unused):
            if same_shape(s, e):
                del unused[i]
                break
        else:
            fresh.append(s)
    return fresh
