"""A training run off the GUI thread; its events arrive as Qt signals."""
from __future__ import annotations

from qtpy.QtCore import QThread, Signal

from ...training.errors import TrainingCancelled, TrainingError
from ...training.job import TrainJob
from ..i18n import translate


class TrainThread(QThread):
    stage = Signal(str)          # "exporting the dataset", ...
    export_progress = Signal(int, int)
    hello = Signal(object)       # the runner's versions (dict)
    epoch = Signal(object)       # training.protocol.EpochReport
    succeeded = Signal(object)   # training.job.TrainResult
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, job: TrainJob, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.job = job

    def cancel(self) -> None:
        self.job.cancel()  # ends the runner's process group; run() then reports "cancelled"

    def _event(self, kind: str, payload: object) -> None:
        if kind == "stage":
            self.stage.emit(str(payload))
        elif kind == "export" and isinstance(payload, tuple):
            self.export_progress.emit(int(payload[0]), int(payload[1]))
        elif kind == "hello":
            self.hello.emit(payload)
        elif kind == "epoch":
            self.epoch.emit(payload)

    def run(self) -> None:  # noqa: D102  # QThread entry point
        try:
            result = self.job.run(self._event)
        except TrainingCancelled:
            self.cancelled.emit()
        except TrainingError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001  # shown to the user, never swallowed
            self.failed.emit(translate("training", "training stopped by an unexpected error: {0}: {1}")
                             .format(type(exc).__name__, exc))
        else:
            self.succeeded.emit(result)
