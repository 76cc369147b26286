"""numpy (N, 2) arrays -> QPolygonF without a Python loop per point.

With PyQt the polygon's buffer is filled in place (one memcpy); other bindings
fall back to building QPointF objects.
"""
from __future__ import annotations

import numpy as np
from qtpy.QtCore import QPointF
from qtpy.QtGui import QPolygonF


def to_qpolygonf(points: np.ndarray) -> QPolygonF:
    pts = np.ascontiguousarray(points, dtype=np.float64).reshape(-1, 2)
    n = len(pts)
    try:
        poly = QPolygonF(n)
        ptr = poly.data()
        ptr.setsize(n * 16)
        np.frombuffer(ptr, dtype=np.float64).reshape(n, 2)[:] = pts
        return poly
    except (TypeError, AttributeError):  # pragma: no cover - non-PyQt bindings
        return QPolygonF([QPointF(float(x), float(y)) for x, y in pts])
