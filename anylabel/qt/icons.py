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
