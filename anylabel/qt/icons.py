"""Small icons drawn with QPainter (no image files to ship)."""
from __future__ import annotations

from functools import lru_cache

from qtpy.QtCore import QPointF, QRectF, Qt
from qtpy.QtGui import QColor, QIcon, QPainter, QPen, QPixmap


@lru_cache(maxsize=1)
def check_icon() -> QIcon:
    pm = QPixmap(16, 16)
    pm.fill(Qt.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.Antialiasing)
    p.setPen(QPen(QColor(40, 170, 80), 2.4, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
    p.drawPolyline(QPointF(3, 8.5), QPointF(6.5, 12), QPointF(13, 4))
    p.end()
    return QIcon(pm)


@lru_cache(maxsize=1)
def blank_icon() -> QIcon:
    pm = QPixmap(16, 16)
    pm.fill(Qt.transparent)
    return QIcon(pm)


def color_icon(color: QColor, size: int = 14) -> QIcon:
    pm = QPixmap(size, size)
    pm.fill(Qt.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.Antialiasing)
    p.setPen(QPen(color.darker(140), 1))
    p.setBrush(color)
    p.drawRoundedRect(QRectF(1, 1, size - 2, size - 2), 3, 3)
    p.end()
    return QIcon(pm)


def _pen(color: QColor, width: float = 2.0) -> QPen:
    pen = QPen(color, width)
    pen.setJoinStyle(Qt.RoundJoin)
    pen.setCapStyle(Qt.RoundCap)
    return pen


def _sample_outline(kind: str):
    """The outline of the shape a drawing tool makes of a few sample clicks, fitted into the
    icon's 5..27 px square; None for a name that is no kind."""
    from ..core.geometry import outline
    from ..core.shape import Shape
    from ..core import shape_kinds

    k = shape_kinds.get(kind)
    if k is None:
        return None
    import numpy as np

    clicks = np.array([[6.0, 8.0], [26.0, 24.0], [16.0, 27.0], [5.0, 20.0]])[: max(1, min(k.draft_clicks or 4, 4))]
    pts = k.from_draft(clicks) if k.from_draft is not None else clicks
    out = outline(Shape(kind, pts), 48)
    lo, hi = out.min(axis=0), out.max(axis=0)
    scale = 22.0 / max(float((hi - lo).max()), 1e-9)
    return (16.0 + (out - (lo + hi) / 2.0) * scale).tolist()


def sample_closed(kind: str) -> bool:
    """The kind encloses an area (its sample icon is filled)."""
    from ..core import shape_kinds

    k = shape_kinds.get(kind)
    return k is not None and k.closed


@lru_cache(maxsize=16)
def tool_icon(kind: str) -> QIcon:
    """Toolbar icons for the drawing tools and the edit mode, drawn at 32 px."""
    from qtpy.QtGui import QPolygonF

    pm = QPixmap(32, 32)
    pm.fill(Qt.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.Antialiasing)
    ink = QColor(40, 110, 200)
    fill = QColor(40, 110, 200, 60)
    p.setPen(_pen(ink))
    p.setBrush(fill)
    dot = QColor(230, 90, 40)
    if kind == "rectangle":
        p.drawRect(QRectF(5, 8, 22, 16))
    elif kind == "polygon":
        p.drawPolygon(QPolygonF([QPointF(6, 24), QPointF(10, 7), QPointF(22, 5), QPointF(27, 18), QPointF(17, 27)]))
    elif kind == "rotation":
        p.drawPolygon(QPolygonF([QPointF(4, 17), QPointF(15, 4), QPointF(28, 15), QPointF(17, 28)]))
    elif kind == "circle":
        p.drawEllipse(QPointF(16, 16), 11, 11)
    elif kind == "line":
        p.drawLine(QPointF(5, 26), QPointF(27, 6))
    elif kind == "linestrip":
        p.setBrush(Qt.NoBrush)
        p.drawPolyline(QPolygonF([QPointF(4, 24), QPointF(12, 10), QPointF(20, 20), QPointF(28, 6)]))
    elif kind == "point":
        p.setBrush(dot)
        p.setPen(_pen(dot.darker(130), 1.5))
        p.drawEllipse(QPointF(16, 16), 5.5, 5.5)
    elif kind == "edit":
        p.setPen(_pen(QColor(50, 50, 50), 1.6))
        p.setBrush(QColor(255, 255, 255))
        p.drawPolygon(QPolygonF([QPointF(9, 4), QPointF(9, 26), QPointF(14, 21), QPointF(18, 29), QPointF(22, 27),
                                 QPointF(18, 19), QPointF(25, 19)]))
    elif kind == "sam":  # a segmented blob and the click that made it
        p.drawPolygon(QPolygonF([QPointF(5, 18), QPointF(9, 7), QPointF(20, 5), QPointF(27, 12), QPointF(25, 24),
                                 QPointF(14, 27)]))
        p.setBrush(QColor(40, 170, 80))
        p.setPen(_pen(QColor(255, 255, 255), 1.5))
        p.drawEllipse(QPointF(16, 16), 4.5, 4.5)
    elif kind == "ai":  # a four-pointed spark: the model does the labelling
        p.setPen(_pen(QColor(120, 60, 190), 1.4))
        p.setBrush(QColor(150, 90, 220))
        spark = [QPointF(16, 3), QPointF(19, 13), QPointF(29, 16), QPointF(19, 19), QPointF(16, 29), QPointF(13, 19),
                 QPointF(3, 16), QPointF(13, 13)]
        p.drawPolygon(QPolygonF(spark))
        p.drawEllipse(QPointF(26, 6), 2.5, 2.5)
    else:  # a kind registered without an icon of its own: the shape its tool makes of two clicks
        sample = _sample_outline(kind)
        if sample is not None:
            poly = QPolygonF([QPointF(x, y) for x, y in sample])
            if sample_closed(kind):
                p.drawPolygon(poly)
            else:
                p.setBrush(Qt.NoBrush)
                p.drawPolyline(poly)
    if kind not in ("point", "edit", "sam", "ai"):
        p.setPen(_pen(QColor(255, 255, 255), 1.2))
        p.setBrush(dot)
    p.end()
    return QIcon(pm)
