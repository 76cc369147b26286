"""Tools > Train a model...: the training dialog (anylabel/qt/training/)."""
from __future__ import annotations

from qtpy.QtWidgets import QAction

from ..i18n import translate
from ..window_api import WindowAPI


def install(window: WindowAPI) -> None:
    def open_dialog() -> None:
        from ..training.dialog import TrainDialog  # built on first use

        if window.train_dialog is None:
            window.train_dialog = TrainDialog(window)
        dialog = window.train_dialog
        dialog.show()
        dialog.raise_()

    action = QAction(translate("training", "&Train a Model…"), window)
    action.triggered.connect(open_dialog)
    window.add_action(action, menu="tools")
