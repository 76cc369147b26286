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


def test_every_toolbar_button_is_on_screen_at_1280x720(make_window, qtbot):
    from qtpy.QtCore import Qt
    from qtpy.QtWidgets import QToolButton

    w = make_window(install_extensions=True)
    w.show()
    for size, style in (((1280, 720), Qt.ToolButtonTextBesideIcon), ((1440, 900), Qt.ToolButtonTextUnderIcon)):
        w.resize(*size)
        qtbot.waitUntil(lambda: w.toolbar.toolButtonStyle() == style, timeout=3000)
        qtbot.wait(20)
        overflow = w.toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
        assert overflow is None or not overflow.isVisible(), size
        undo = w.toolbar.widgetForAction(w.actions_by_name["undo"])
        assert undo.isVisible() and undo.geometry().bottom() <= w.toolbar.height(), size
