"""Things a user sees: the shortcuts help fits on the screen and lists extension keys."""
from __future__ import annotations

import pytest
from qtpy.QtWidgets import QDialog, QDialogButtonBox

pytestmark = pytest.mark.gui


def test_shortcuts_help_fits_the_screen_and_lists_extension_keys(make_window, qtbot):
    from anylabel.qt.extensions import autolabel

    w = make_window()
    autolabel.install(w)
    rows = dict(w.shortcut_rows())
    assert rows["Auto Labeling Panel"] == "Ctrl+A"          # set by an extension on its own action
    assert list(rows.values()).count("Del") + list(rows.values()).count("Delete") == 1  # one key, one row
    w.show_shortcuts()
    dlg = next(d for d in w.findChildren(QDialog) if d.isVisible())
    screen = w.screen().availableGeometry()
    assert dlg.height() <= screen.height() * 0.8 + 1 and dlg.width() <= screen.width()
    assert "Ctrl+A" in dlg.view.toPlainText() and "Backspace" in dlg.view.toPlainText()
    assert dlg.findChild(QDialogButtonBox).isVisible()    # the close button is on the screen
    dlg.close()


def test_a_tag_that_would_cover_another_moves_inside_its_shape(qtbot):
    from qtpy.QtCore import QPointF
    from qtpy.QtGui import QFontMetricsF, QImage

    from anylabel.core.shape import rectangle
    from anylabel.qt.canvas import Canvas
    from anylabel.qt.canvas.colors import key_color

    c = Canvas()
    qtbot.addWidget(c)
    c.resize(600, 400)
    c.show()
    img = QImage(600, 400, QImage.Format_RGB32)
    img.fill(0xFFFFFF)
    c.set_image(img)
    # same top-left corner (a pose box and an oriented box of one object do this)
    c.set_shapes([rectangle(100, 100, 300, 300, label="arrow"), rectangle(100, 100, 250, 200, label="bar")])
    th = QFontMetricsF(c.style.font).height() + 2

    def colour_at(dy: float):
        p = c.image_to_widget(100, 100) + QPointF(2, dy)
        col = c.grab().toImage().pixelColor(p.toPoint())
        return (col.red(), col.green(), col.blue())

    def near(got, label):
        want = key_color(label)
        return sum(abs(a - b) for a, b in zip(got, (want.red(), want.green(), want.blue()))) < 90

    qtbot.waitUntil(lambda: colour_at(-th / 2) != (255, 255, 255))
    assert near(colour_at(-th / 2), "arrow")      # the first tag above the corner
    assert near(colour_at(th / 2), "bar")         # the second one just inside, not on top of it
