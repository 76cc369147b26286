"""Tools > Train a model...: the dialog, its live metrics chart and the thread that runs
``anylabel.training.job.TrainJob`` (the same run as ``anylabel train``)."""
