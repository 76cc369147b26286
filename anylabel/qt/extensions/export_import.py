"""File > Export Dataset... / Import Dataset...: the CLI's converters, run in the background."""

from __future__ import annotations

from qtpy.QtWidgets import QAction

from ..i18n import translate
from ..window_api import WindowAPI


def install(window: WindowAPI) -> None:
    from ..export_import.controller import ExportImportController

    ctl = ExportImportController(window)
    window.export_import = ctl
    menu = window.menu("file")
    # Above Quit.
    quit_action = window.action("quit")
    before = quit_action if quit_action in menu.actions() else None
    menu.insertSeparator(before) if before else menu.addSeparator()
    for text, slot, tip in (
        (
            translate("export_import", "Export &Dataset..."),
            ctl.export_dialog,
            translate("export_import", "Write the folder's labels as YOLO, COCO, VOC, DOTA, MOT, masks or PPOCR"),
        ),
        (
            translate("export_import", "&Import Dataset..."),
            ctl.import_dialog,
            translate("export_import", "Turn a YOLO, COCO, VOC, DOTA, MOT, mask or PPOCR dataset into label files"),
        ),
    ):
        act = QAction(text, window)
        act.setStatusTip(tip)
        act.triggered.connect(lambda *_, s=slot: s())
        menu.insertAction(before, act) if before else menu.addAction(act)
