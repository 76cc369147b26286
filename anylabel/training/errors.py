"""Errors of a training run, shown to the user as one sentence (never a traceback)."""
from __future__ import annotations

from ..core.errors import AnyLabelError
from ..core.i18n import tr_noop

INSTALL_HINT = tr_noop("install the training extra in the Python that trains "
                       "(pip install 'anylabel[train]'), or name one that has "
                       "Ultralytics with --python or ANYLABEL_TRAIN_PYTHON")


class TrainingError(AnyLabelError):
    """A training run that cannot start or did not finish; the message says why."""


class UltralyticsMissing(TrainingError):
    """The training interpreter cannot import Ultralytics (or torch)."""


class TrainingCancelled(TrainingError):
    """The user stopped the run (Cancel, Ctrl+C)."""
