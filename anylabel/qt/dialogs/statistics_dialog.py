"""The statistics overview: shapes per label and per type, images labelled / total,
with bar charts painted with QPainter."""
from __future__ import annotations

from qtpy.QtCore import QRectF, QSize, Qt
from qtpy.QtGui import QColor, QFontMetricsF, QPainter
from qtpy.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from ...core.statistics import LabelStatistics
from ..canvas.colors import label_color
from ..i18n import shape_type_title, translate

TYPE_COLOR = QColor(90, 140, 220)


class BarChart(QWidget):
    """Horizontal bars, one per (name, count), longest first."""

    ROW = 22

    def __init__(self, items: list[tuple[str, int]], colored_by_label: bool = True, parent=None,
                 colors: dict[str, QColor] | None = None) -> None:
        super().__init__(parent)
        self.colors = colors or {}  # a colour per name, for bars that are not labels
        self.items = sorted(items, key=lambda kv: (-kv[1], kv[0]))
        self.colored = colored_by_label
        self.setMinimumHeight(self.ROW * max(len(self.items), 1) + 8)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(460, self.ROW * max(len(self.items), 1) + 8)

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        fm = QFontMetricsF(self.font())
        name_w = min(max((fm.horizontalAdvance(n or translate("statistics_dialog", "(no label)")) for n, _ in self.items), default=40) + 10, 180)
        count_w = fm.horizontalAdvance("0000000") + 6
        top = max((c for _, c in self.items), default=1) or 1
        bar_w = max(self.width() - name_w - count_w - 8, 10)
        for row, (name, count) in enumerate(self.items):
            y = 4 + row * self.ROW
            text = name or translate("statistics_dialog", "(no label)")
            p.setPen(self.palette().windowText().color())
            p.drawText(QRectF(0, y, name_w - 6, self.ROW), Qt.AlignRight | Qt.AlignVCenter,
                       fm.elidedText(text, Qt.ElideRight, name_w - 8))
            w = bar_w * count / top
            p.setPen(Qt.NoPen)
            p.setBrush(self.colors.get(name) or (label_color(name) if self.colored else TYPE_COLOR))
            p.drawRoundedRect(QRectF(name_w, y + 3, max(w, 1.5), self.ROW - 6), 3, 3)
            p.setPen(self.palette().windowText().color())
            p.drawText(QRectF(name_w + w + 4, y, count_w, self.ROW), Qt.AlignLeft | Qt.AlignVCenter, str(count))
        p.end()


class StatisticsDialog(QDialog):
    def __init__(self, stats: LabelStatistics, parent=None, sections: list[QWidget] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("statistics_dialog", "Statistics"))
        self.stats = stats
        pct = 100.0 * stats.images_labelled / stats.images_total if stats.images_total else 0.0
        summary = QLabel(translate("statistics_dialog", "<b>{0}</b> of <b>{1}</b> images labelled ({2:.1f}%) · <b>{3}</b> shapes · <b>{4}</b> labels").format(stats.images_labelled, stats.images_total, pct, stats.shapes_total, len(stats.per_label)))
        lay = QVBoxLayout(self)
        lay.addWidget(summary)
        if stats.errors:
            err = QLabel(translate("statistics_dialog", "{0} label file(s) could not be read, e.g. {1}").format(len(stats.errors), stats.errors[0]))
            err.setWordWrap(True)
            err.setStyleSheet("color: #c0392b")
            lay.addWidget(err)
        lay.addWidget(QLabel(translate("statistics_dialog", "<b>Shapes per label</b>")))
        self.label_chart = BarChart(list(stats.per_label.items()))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.label_chart)
        lay.addWidget(scroll, 1)
        lay.addWidget(QLabel(translate("statistics_dialog", "<b>Shapes per type</b>")))
        self.type_chart = BarChart([(shape_type_title(t), n) for t, n in stats.per_type.items()], colored_by_label=False)
        lay.addWidget(self.type_chart)
        for section in sections or []:  # extensions' parts (the review summary)
            lay.addWidget(section)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(520, 520)
