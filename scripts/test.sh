#!/usr/bin/env bash
# One command for a newcomer and for CI: set everything up and run the whole default test suite.
# Extra arguments go to pytest (for example -k yolo).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh dev
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest -q "$@"
