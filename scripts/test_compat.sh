#!/usr/bin/env bash
# Checks label-file compatibility with the real peers: LabelMe 7 (needs Python >= 3.12)
# and X-AnyLabeling (PyPI x-anylabeling-cvhub), each in its own venv under $ANYLABEL_PEER_VENVS
# (default /work/venvs or ~/.cache/anylabel-peers), then runs the slow compat tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh dev
VENVS="${ANYLABEL_PEER_VENVS:-$HOME/.cache/anylabel-peers}"
mkdir -p "$VENVS"
PY312="${PY312:-$(command -v python3.12 || true)}"
if [ -z "$PY312" ] && command -v pyenv >/dev/null; then
  PY312="$(ls -d "$(pyenv root)"/versions/3.12*/bin/python3.12 2>/dev/null | head -n1)"
fi
if [ ! -x "$VENVS/labelme/bin/python" ]; then
  [ -n "$PY312" ] || { echo "python3.12 is needed for LabelMe 7"; exit 1; }
  "$PY312" -m venv "$VENVS/labelme"
  "$VENVS/labelme/bin/pip" install -q "labelme>=7,<8"
fi
if [ ! -x "$VENVS/xanylabeling/bin/python" ]; then
  python3.11 -m venv "$VENVS/xanylabeling"
  "$VENVS/xanylabeling/bin/pip" install -q x-anylabeling-cvhub
fi
export ANYLABEL_PEER_VENVS="$VENVS" QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest -q -m slow tests/compat "$@"
