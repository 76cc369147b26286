"""Tools > Train a model...: the training dialog (anylabel/qt/training/)."""
from __future__ import annotations

from qtpy.QtWidgets import QAction

from ..i18n import translate


def install(window) -> None:  # type: ignore[no-untyped-def]
    def open_dialog() -> None:
        from ..training.dialog import TrainDialog  # built on first use

        dialog = getattr(window, "train_dialog", None)
        if dialog is None:
            dialog = window.train_dialog = TrainDialog(window)
        dialog.show()
        dialog.raise_()

    action = QAction(translate("training", "&Train a Model…"), window)
    action.triggered.connect(open_dialog)
    window.add_action(action, menu="tools")
