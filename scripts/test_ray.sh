#!/usr/bin/env bash
# The Ray engine's tests (`anylabel predict --engine ray`), which the default run leaves out:
# Ray is an optional extra (pip install anylabel[ray]) and these tests start a local Ray
# cluster, so they are marked slow. Ray goes into its own environment, .venv-ray, so the
# default .venv stays as small as a user's. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh dev            # Debian packages and the fixture models' dependencies
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv-ray/bin/python ]; then
  echo "[test_ray] creating .venv-ray with $PYTHON"
  "$PYTHON" -m venv .venv-ray
fi
stamp=.venv-ray/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements-dev.txt -nt "$stamp" ]; then
  echo "[test_ray] installing the project with its [ray] extra into .venv-ray"
  .venv-ray/bin/python -m pip install -q --upgrade pip
  .venv-ray/bin/python -m pip install -q -r requirements-dev.txt
  .venv-ray/bin/python -m pip install -q -e ".[ray]"
  touch "$stamp"
fi
export QT_QPA_PLATFORM=offscreen
exec .venv-ray/bin/python -m pytest -q -m slow tests/unit/inference/test_ray_engine.py "$@"
