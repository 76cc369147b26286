#!/usr/bin/env bash
# The slow test of `anylabel train` (tests/slow/test_train_slow.py): 1 epoch at imgsz 64 on
# CPU for each task, then `anylabel predict` runs the model it made. AnyLabel runs in the
# dev venv; Ultralytics runs in the training venv (outside the repo, created on first use):
#   TRAIN_VENV (default /work/venvs/train), torch CPU + ultralytics + onnx.
# Nothing is downloaded at test time (models are built from yolov8n*.yaml; YOLO_OFFLINE).
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${TRAIN_VENV:-/work/venvs/train}"
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

scripts/bootstrap.sh dev
if [ ! -x "$VENV/bin/python" ]; then
  echo "[training] creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import ultralytics, torch, onnx" >/dev/null 2>&1; then
  pip="$VENV/bin/python -m pip install -q --disable-pip-version-check"
  $pip torch==2.14.1 torchvision==0.29.1
  # As scripts/test_consumers.sh: Ultralytics' dependencies by name with the headless OpenCV,
  # then Ultralytics itself without dependencies (it asks for the GUI build opencv-python).
  $pip opencv-python-headless numpy Pillow PyYAML matplotlib scipy requests psutil polars \
       ultralytics-thop onnx
  $pip --no-deps ultralytics
fi

export ANYLABEL_TRAIN_PYTHON="$VENV/bin/python"
export QT_QPA_PLATFORM=offscreen
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"  # a shared 2-core machine
exec .venv/bin/python -m pytest -q -m slow -p no:cacheprovider tests/slow/test_train_slow.py "$@"
