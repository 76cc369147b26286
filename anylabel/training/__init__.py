"""Training a model from a folder's labels (``anylabel train``, Tools > Train a model...).

Qt-free. The folder is exported with the dataset exporters (``dataset``), a runner script
(``runner_script.py``) trains it with Ultralytics in a subprocess of another Python and
reports over JSON lines (``protocol``), and the ONNX export gets a model config in the
user's config folder (``model_config``). ``job.TrainJob`` ties them together for the CLI
and the GUI. Ultralytics (AGPL-3.0) is never imported by this package: only the runner,
run by the training environment's own interpreter, imports it.
"""
