"""View > Language: the interface language, kept in the settings (``language``).

Choosing one rebuilds the main window in it at once (labels saved first, the same folder
and image reopened): Qt widgets take their texts when they are made, so a new window is
the one way every text, including the extensions', is in the new language.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from qtpy.QtWidgets import QAction, QActionGroup, QApplication

from .i18n import LANGUAGES, current_language, normalise_language, translate

if TYPE_CHECKING:
    from .main_window import MainWindow


def install_language_menu(window: "MainWindow") -> dict[str, QAction]:
    menu = window.menu("view").addMenu(translate("language_menu", "&Language"))
    group = QActionGroup(window)
    group.setExclusive(True)
    current = current_language()
    actions: dict[str, QAction] = {}
    for code, name in LANGUAGES.items():
        act = QAction(name, window)  # each language in its own words: found whatever is shown now
        act.setObjectName(f"language_{code}")
        act.setCheckable(True)
        act.setChecked(code == current)
        act.triggered.connect(lambda _=False, c=code: switch_language(window, c))
        group.addAction(act)
        menu.addAction(act)
        actions[code] = act
    window.language_actions = actions
    return actions


def switch_language(window: "MainWindow", code: str) -> "MainWindow | None":
    """Keep ``code`` in the settings and show a new main window in it (None when the user
    kept the old window, e.g. cancelled saving the open image)."""
    from .app import create_main_window, install_excepthook

    code = normalise_language(code)
    if code == current_language() and window.settings.get("language") == code:
        return None
    if not window.maybe_save():
        return None
    window.settings.set("language", code)
    window._save_layout()
    window.settings.save()
    folder = window.folder_index.folder if window.folder_index is not None else None
    image = window.current_image_path()
    new = create_main_window(window.settings.path, label_provider=window.label_provider if
                             window.label_provider != window._dialog_label_provider else None,
                             install_extensions=getattr(window, "extensions_installed", True))
    new.show_error_dialogs = window.show_error_dialogs
    new.setAcceptDrops(True)
    new.show()
    if folder is not None:
        new.open_folder(folder, select=image.name if image is not None else None)
    app = QApplication.instance()
    app.anylabel_window = new  # the running app's reference (see app.run_app)
    install_excepthook(new)
    window.close()
    return new
