"""View > Theme: the palette changes for the whole application and the choice is kept in the
rc file for the next window."""
from __future__ import annotations

import pytest
import yaml
from qtpy.QtGui import QPalette
from qtpy.QtWidgets import QApplication, QProxyStyle

from anylabel.qt.theme import apply_theme, is_dark

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _back_to_system_theme():
    yield
    apply_theme("system")  # one QApplication serves every test: leave it as it was


def lightness(role, widget=None) -> int:
    palette = widget.palette() if widget is not None else QApplication.palette()
    return palette.color(role).lightness()


def test_theme_menu_switches_palette_and_persists(make_window, tmp_path) -> None:
    w = make_window()
    actions = w.theme_actions
    assert set(actions) == {"system", "light", "dark"} and actions["system"].isChecked()
    theme_menu = next(a.menu() for a in w.menu("view").actions() if a.menu() and a.text() == "&Theme")
    assert [a.text().replace("&", "") for a in theme_menu.actions()] == ["System", "Light", "Dark"]

    actions["dark"].trigger()
    assert is_dark()
    style = QApplication.style()
    assert (style.baseStyle() if isinstance(style, QProxyStyle) else style).objectName().lower() == "fusion"
    # Docks and lists follow the application palette (nothing sets its own).
    assert lightness(QPalette.Window, w.shape_dock) < 80
    assert lightness(QPalette.Text, w.shape_dock.view) > 200
    assert lightness(QPalette.Base, w.shape_dock.view) < 60
    rc = tmp_path / "anylabelrc.yaml"
    assert yaml.safe_load(rc.read_text())["theme"] == "dark"  # written at once, not only on close

    w.close()
    w2 = make_window()  # same rc file: starts dark, with Dark ticked
    assert w2.theme_actions["dark"].isChecked()
    assert is_dark()

    w2.theme_actions["light"].trigger()
    assert not is_dark()
    assert lightness(QPalette.Base, w2.shape_dock.view) > 200
    assert yaml.safe_load(rc.read_text())["theme"] == "light"


def test_unknown_theme_in_rc_file_is_the_default(make_window) -> None:
    w = make_window("theme: purple\n")
    assert w.theme_actions["system"].isChecked()
    assert not w.error_messages
