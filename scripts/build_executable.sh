#!/usr/bin/env bash
# Builds a one-folder executable with PyInstaller from anylabel-win-gpu.spec.
# On Windows (the spec's target) run it from Git Bash in a venv made from
# requirements-gpu.txt plus pyinstaller. On Linux it builds a CPU folder build for testing
# the spec itself: dist/AnyLabel-GPU/AnyLabel.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
"$PY" -m PyInstaller --noconfirm --clean anylabel-win-gpu.spec
echo "built: dist/AnyLabel-GPU/"
