#!/usr/bin/env bash
# The slow tests that judge exported datasets with their real consumers: Ultralytics
# trains a tiny model (from yolov8n.yaml, no weights) one epoch on each exported YOLO
# dataset, and supervision's dataset loaders read the YOLO, COCO and VOC exports.
# They need torch, so they run in their own venv (outside the repo), created on first use:
#   CONSUMERS_VENV (default /work/venvs/consumers).
# Nothing is downloaded at test time: YOLO_OFFLINE is set and plots are off (no fonts).
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${CONSUMERS_VENV:-/work/venvs/consumers}"
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

if [ ! -x "$VENV/bin/python" ]; then
  echo "[consumers] creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.installed-consumers-3"
if [ ! -f "$stamp" ]; then
  pip="$VENV/bin/python -m pip install -q --disable-pip-version-check"
  $pip torch==2.14.1 torchvision==0.29.1
  # ultralytics and supervision ask for opencv-python (GUI build); the project uses the
  # headless build everywhere, so their other dependencies are installed by name and the
  # packages themselves without dependencies.
  $pip opencv-python-headless numpy Pillow PyYAML shapely orjson matplotlib scipy requests psutil polars \
       ultralytics-thop nvidia-ml-py defusedxml tqdm av "pydeprecate>=0.9,<0.14" pytest pytest-timeout
  $pip --no-deps ultralytics ultralytics-platform supervision
  touch "$stamp"
fi

export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export YOLO_OFFLINE=1
export YOLO_CONFIG_DIR="${YOLO_CONFIG_DIR:-$(mktemp -d)}"  # never the user's Ultralytics settings
export MPLBACKEND=Agg
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"  # a shared 2-core machine
exec "$VENV/bin/python" -m pytest -q -m slow -p no:cacheprovider tests/consumers "$@"
