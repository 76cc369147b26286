#!/usr/bin/env bash
# The OpenVINO provider's test (`--device openvino`), which the default run leaves out:
# onnxruntime-openvino *replaces* the onnxruntime wheel (both install the same `onnxruntime`
# module), so it lives in its own environment, .venv-openvino (OPENVINO_VENV to choose
# another), never in .venv. PyPI has onnxruntime-openvino wheels for CPython 3.11 on
# manylinux x86_64 (1.24.1 when this was written). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
VENV="${OPENVINO_VENV:-.venv-openvino}"
if [ ! -x "$VENV/bin/python" ]; then
  echo "[test_openvino] creating $VENV with $PYTHON"
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.installed"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "[test_openvino] installing the project with onnxruntime-openvino in place of onnxruntime"
  "$VENV/bin/python" -m pip install -q -e ".[openvino]" pytest pytest-timeout
  # the project's onnxruntime dependency came along: remove it, then restore OpenVINO's files
  "$VENV/bin/python" -m pip uninstall -q -y onnxruntime
  "$VENV/bin/python" -m pip install -q --force-reinstall --no-deps onnxruntime-openvino
  touch "$stamp"
fi
exec "$VENV/bin/python" -m pytest -q -m slow tests/slow/test_openvino.py -p no:cacheprovider "$@"
