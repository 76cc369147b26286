"""Tools > Train a model...: the dialog and its live metrics chart; the dialog runs
``anylabel.training.job.TrainJob`` in a ``BackgroundTask`` (the same run as ``anylabel train``)."""
