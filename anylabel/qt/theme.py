"""Light / dark / system colour themes for the whole application (View > Theme).

A theme is a QPalette on the QApplication with the Fusion style: Fusion draws every widget,
dock title, menu and dialog from the palette, so one palette recolours all of them (the
platform styles ignore parts of it). "System" gives back the style and palette the
application started with. The choice is kept in the rc file (``theme``). The canvas paints
its own dark-grey background whatever the theme, so images and label tags look the same.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from qtpy.QtCore import QRectF, Qt
from qtpy.QtGui import QColor, QPalette, QPen
from qtpy.QtWidgets import QAction, QActionGroup, QApplication, QProxyStyle, QStyle, QStyleFactory
from .i18n import QT_TRANSLATE_NOOP, translate

if TYPE_CHECKING:
    from .main_window import MainWindow

THEMES = (("system", QT_TRANSLATE_NOOP("theme", "&System")), ("light", QT_TRANSLATE_NOOP("theme", "&Light")),
          ("dark", QT_TRANSLATE_NOOP("theme", "&Dark")))
DEFAULT_THEME = "system"
SETTING = "theme"

# What the application looked like before the first theme was applied ("system" restores it).
_original: tuple[str, QPalette] | None = None


def dark_palette() -> QPalette:
    """Dark greys with light text; contrast of text on base/window is above 10:1."""
    p = QPalette()
    window, base, alt = QColor(45, 47, 51), QColor(30, 31, 34), QColor(38, 40, 44)
    text, bright = QColor(225, 227, 230), QColor(255, 255, 255)
    disabled = QColor(125, 128, 134)
    highlight = QColor(53, 132, 228)
    for role, colour in ((QPalette.Window, window), (QPalette.WindowText, text), (QPalette.Base, base),
                         (QPalette.AlternateBase, alt), (QPalette.ToolTipBase, QColor(60, 63, 68)),
                         (QPalette.ToolTipText, text), (QPalette.Text, text), (QPalette.Button, window),
                         (QPalette.ButtonText, text), (QPalette.BrightText, QColor(255, 90, 90)),
                         (QPalette.Link, QColor(110, 170, 255)), (QPalette.LinkVisited, QColor(170, 140, 255)),
                         (QPalette.Highlight, highlight), (QPalette.HighlightedText, bright),
                         (QPalette.Light, QColor(70, 73, 78)), (QPalette.Midlight, QColor(58, 61, 66)),
                         (QPalette.Mid, QColor(36, 38, 41)), (QPalette.Dark, QColor(24, 25, 27)),
                         (QPalette.Shadow, QColor(10, 10, 10))):
        p.setColor(role, colour)
    if hasattr(QPalette, "PlaceholderText"):  # Qt >= 5.12
        p.setColor(QPalette.PlaceholderText, disabled)
    for role in (QPalette.WindowText, QPalette.Text, QPalette.ButtonText):
        p.setColor(QPalette.Disabled, role, disabled)
    p.setColor(QPalette.Disabled, QPalette.Highlight, QColor(70, 73, 78))
    p.setColor(QPalette.Disabled, QPalette.HighlightedText, disabled)
    return p


class DarkFusionStyle(QProxyStyle):
    """Fusion with a visible outline on check boxes and radio buttons. Fusion outlines them
    with the window colour darkened, which on a dark palette is the colour of the list
    behind them: an unticked box in the Labels or Flags dock was invisible."""

    OUTLINED = (QStyle.PE_IndicatorCheckBox, QStyle.PE_IndicatorItemViewItemCheck)

    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))

    def drawPrimitive(self, element, option, painter, widget=None) -> None:  # noqa: N802
        super().drawPrimitive(element, option, painter, widget)
        if element in self.OUTLINED or element == QStyle.PE_IndicatorRadioButton:
            painter.save()
            painter.setRenderHint(painter.Antialiasing, element == QStyle.PE_IndicatorRadioButton)
            painter.setPen(QPen(option.palette.color(QPalette.Disabled, QPalette.Text), 1))
            painter.setBrush(Qt.NoBrush)
            r = option.rect
            if element == QStyle.PE_IndicatorRadioButton:
                side = min(r.width(), r.height()) - 2
                c = r.center()
                painter.drawEllipse(QRectF(c.x() - side / 2 + 0.5, c.y() - side / 2 + 0.5, side, side))
            else:
                side = min(r.width(), r.height()) - 1
                painter.drawRect(r.x() + (r.width() - side) // 2, r.y() + (r.height() - side) // 2, side - 1, side - 1)
            painter.restore()


def normalise(name: object) -> str:
    """A known theme name; anything else (a typo in the rc file) is the default."""
    text = str(name or "").strip().lower()
    return text if text in {key for key, _ in THEMES} else DEFAULT_THEME


def apply_theme(name: str, app: QApplication | None = None) -> str:
    """Give the application the theme ``name``; returns the name applied."""
    global _original
    app = app or QApplication.instance()
    name = normalise(name)
    if app is None:
        return name
    if _original is None:
        if name == "system":
            return name  # never themed: nothing to restore
        _original = (app.style().objectName(), QPalette(app.palette()))
    if name == "system":
        style_name, palette = _original
        app.setStyle(QStyleFactory.create(style_name) or QStyleFactory.create("Fusion"))
        app.setPalette(palette)
        return name
    if name == "dark":
        app.setStyle(DarkFusionStyle())
        app.setPalette(dark_palette())
    else:
        fusion = QStyleFactory.create("Fusion")
        app.setStyle(fusion)
        app.setPalette(fusion.standardPalette())
    return name


def is_dark(palette: QPalette | None = None) -> bool:
    """True when window text is lighter than the window (a dark palette)."""
    p = palette or QApplication.palette()
    return p.color(QPalette.WindowText).lightness() > p.color(QPalette.Window).lightness()


def install_theme_menu(window: "MainWindow") -> dict[str, QAction]:
    """View > Theme with one checkable action per theme; applies the saved theme now."""
    menu = window.menu("view").addMenu(translate("theme", "&Theme"))
    group = QActionGroup(window)
    group.setExclusive(True)
    current = normalise(window.settings.get(SETTING, DEFAULT_THEME))
    actions: dict[str, QAction] = {}
    for key, title in THEMES:
        act = QAction(translate("theme", title), window)
        act.setObjectName(f"theme_{key}")
        act.setCheckable(True)
        act.setChecked(key == current)
        act.triggered.connect(lambda _=False, k=key: set_theme(window, k))
        group.addAction(act)
        menu.addAction(act)
        actions[key] = act
    window.theme_actions = actions
    apply_theme(current)
    return actions


def set_theme(window: "MainWindow", name: str) -> None:
    """Apply ``name`` and remember it in the rc file at once (it survives a crash)."""
    name = apply_theme(name)
    window.settings.set(SETTING, name)
    window.settings.save()
    act = getattr(window, "theme_actions", {}).get(name)
    if act is not None and not act.isChecked():
        act.setChecked(True)
