"""Starting the desktop app: ``run_app(args)`` for the CLI, ``create_main_window`` for tests."""
from __future__ import annotations

import argparse
import os
import sys

from ..core.settings import Settings
from .i18n import translate


def ensure_app():
    """The QApplication (created once; tests reuse pytest-qt's)."""
    from qtpy.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("AnyLabel")
        app.setOrganizationName("AnyLabel")
    return app


def create_main_window(settings_path: str | os.PathLike[str] | None = None, reset: bool = False,
                       label_provider=None, ask_unsaved=None, install_extensions: bool = True,
                       language: str | None = None):
    """Build (not show) the main window with settings from ``settings_path`` (default: ~/.anylabelrc
    or $ANYLABEL_RC). Tests pass a temporary path and a ``label_provider`` instead of the dialog."""
    app = ensure_app()
    from .main_window import MainWindow

    settings = Settings(settings_path, reset=reset)
    from .i18n import install_language

    # Before any widget exists: every text is translated as it is made. ``language`` (the
    # --lang flag) is for this start only; the setting is what View > Language keeps.
    window_language = install_language(app, language or settings.get("language", "en"))
    window = MainWindow(settings, label_provider=label_provider, ask_unsaved=ask_unsaved,
                        install_extensions=install_extensions)
    window.qapp = app  # the application lives as long as its window
    window.language = window_language
    return window


def install_excepthook(window) -> None:
    """Report an unexpected error instead of letting PyQt abort the process (which would
    lose unsaved labels): the traceback goes to the log, a message to the status bar."""
    import logging
    import traceback

    log = logging.getLogger("anylabel")

    def hook(exc_type, exc, tb) -> None:
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
        try:
            window.statusBar().showMessage(translate("app", "Unexpected error: {0}: {1} (details in the log)").format(exc_type.__name__, exc), 20000)
        except RuntimeError:  # the window is already gone
            pass

    sys.excepthook = hook


def run_app(args: argparse.Namespace) -> int:
    app = ensure_app()
    window = create_main_window(getattr(args, "config", None), reset=bool(getattr(args, "reset_config", False)),
                                language=getattr(args, "lang", None))
    install_excepthook(window)
    app.anylabel_window = window  # View > Language replaces it with a window in the new language
    window.setAcceptDrops(True)
    window.show()
    path = getattr(args, "path", None)
    if path:
        window.open_path(path)
    elif window.settings.get("last_folder") and os.path.isdir(window.settings.get("last_folder")):
        window.open_folder(window.settings.get("last_folder"))
    return int(app.exec_())
