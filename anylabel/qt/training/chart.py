"""The live chart of a training run: loss and mAP per epoch, drawn with QPainter.

Loss (left axis, scaled to its largest value so far) and the task's headline metric and
mAP50 (right axis, 0..1) share the epoch axis, which spans the planned epochs from the
start so the curve grows to the right as the run goes on."""
from __future__ import annotations

from qtpy.QtCore import QPointF, QRectF, Qt
from qtpy.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from qtpy.QtWidgets import QSizePolicy, QWidget

from ...training.protocol import HEADLINE, EpochReport
from ..i18n import translate

LOSS_COLOUR = QColor(220, 90, 60)
METRIC_COLOURS = (QColor(40, 120, 220), QColor(60, 170, 90))


class MetricsChart(QWidget):
    def __init__(self, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.task = "detect"
        self.epochs_planned = 1
        self.reports: list[EpochReport] = []
        self.setMinimumSize(420, 220)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    def reset(self, task: str, epochs: int) -> None:
        self.task, self.epochs_planned, self.reports = task, max(1, epochs), []
        self.update()

    def add(self, report: EpochReport) -> None:
        self.reports.append(report)
        self.epochs_planned = max(self.epochs_planned, report.epochs, report.epoch)
        self.update()

    def series(self) -> list[tuple[str, QColor, list[tuple[int, float]], bool]]:
        """(name, colour, [(epoch, value)], on the loss axis) for each line drawn."""
        loss = [(r.epoch, v) for r in self.reports if (v := r.total_loss()) is not None]
        head = HEADLINE.get(self.task, "mAP50-95")
        names = [head] + (["mAP50"] if self.task != "classify" else ["accuracy_top5"])
        out = [("loss", LOSS_COLOUR, loss, True)]
        for name, colour in zip(names, METRIC_COLOURS):
            pts = [(r.epoch, r.metrics[name]) for r in self.reports if name in r.metrics]
            out.append((name, colour, pts, False))
        return out

    def paintEvent(self, _event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        pal = self.palette()
        p.fillRect(self.rect(), pal.base())
        fm = p.fontMetrics()
        left, right, top, bottom = fm.horizontalAdvance("0.000") + 12, fm.horizontalAdvance("1.00") + 14, \
            fm.height() + 10, fm.height() * 2 + 8
        plot = QRectF(left, top, max(10, self.width() - left - right), max(10, self.height() - top - bottom))
        text_pen = QPen(pal.text().color())
        grid = QColor(pal.text().color())
        grid.setAlpha(40)
        series = self.series()
        loss_max = max((v for _, _, pts, on_loss in series if on_loss for _, v in pts), default=1.0) or 1.0
        n = self.epochs_planned

        def pos(epoch: int, value: float, on_loss: bool) -> QPointF:
            x = plot.left() + (plot.width() * (epoch - 1) / (n - 1) if n > 1 else plot.width() / 2)
            frac = value / loss_max if on_loss else value
            return QPointF(x, plot.bottom() - plot.height() * max(0.0, min(1.0, frac)))

        for i in range(5):  # horizontal grid + both axes' values
            y = plot.bottom() - plot.height() * i / 4
            p.setPen(QPen(grid))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(text_pen)
            p.drawText(QRectF(0, y - fm.height() / 2, left - 6, fm.height()), Qt.AlignRight | Qt.AlignVCenter,
                       f"{loss_max * i / 4:.3g}")
            p.drawText(QRectF(plot.right() + 6, y - fm.height() / 2, right, fm.height()),
                       Qt.AlignLeft | Qt.AlignVCenter, f"{i / 4:.2f}")
        step = max(1, n // 10)
        for e in list(range(1, n + 1, step)) + ([n] if (n - 1) % step else []):
            x = pos(e, 0, False).x()
            p.drawText(QRectF(x - 20, plot.bottom() + 2, 40, fm.height()), Qt.AlignCenter, str(e))
        p.drawText(QRectF(plot.left(), plot.bottom() + fm.height() + 2, plot.width(), fm.height()),
                   Qt.AlignCenter, translate("training", "epoch"))
        p.setPen(QPen(grid.darker(), 1))
        p.drawRect(plot)

        x = plot.left()
        for name, colour, pts, on_loss in series:
            pen = QPen(colour, 2)
            p.setPen(pen)
            if len(pts) > 1:
                path = QPainterPath(pos(*pts[0], on_loss))
                for e, v in pts[1:]:
                    path.lineTo(pos(e, v, on_loss))
                p.drawPath(path)
            p.setBrush(colour)
            for e, v in pts:
                p.drawEllipse(pos(e, v, on_loss), 2.5, 2.5)
            p.setBrush(Qt.NoBrush)
            label = f"{name} {pts[-1][1]:.3f}" if pts else name
            p.drawLine(QPointF(x, top / 2), QPointF(x + 14, top / 2))
            p.setPen(text_pen)
            p.drawText(QPointF(x + 18, top / 2 + fm.ascent() / 2 - 1), label)
            x += fm.horizontalAdvance(label) + 34
        if not self.reports:
            p.setPen(text_pen)
            f = QFont(p.font())
            f.setItalic(True)
            p.setFont(f)
            p.drawText(plot, Qt.AlignCenter, translate("training", "the curves appear after the first epoch"))
        p.end()
