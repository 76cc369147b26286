#!/usr/bin/env bash
# Builds a one-folder AnyLabel executable with PyInstaller from anylabel.spec:
#   scripts/build_executable.sh linux-cpu     -> dist/AnyLabel-linux-cpu/AnyLabel (on Linux)
#   scripts/build_executable.sh win-cpu       -> dist/AnyLabel-win-cpu/AnyLabel.exe (on Windows)
#   scripts/build_executable.sh win-gpu       -> dist/AnyLabel-win-gpu/AnyLabel.exe (on Windows,
#                                                 venv from requirements-gpu.txt + pyinstaller)
# On Linux the project's .venv is used (scripts/bootstrap.sh dev installs PyInstaller); on
# Windows run it from Git Bash with PYTHON pointing at the venv's python.exe.
# The executable is also the command line: `AnyLabel predict --model ...` works as `anylabel`.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET="${1:-}"
case "$TARGET" in
  linux-cpu) want=linux ;;
  win-cpu|win-gpu) want=windows ;;
  *) echo "usage: scripts/build_executable.sh linux-cpu|win-cpu|win-gpu" >&2; exit 2 ;;
esac
case "$(uname -s)" in
  Linux) have=linux ;;
  MINGW*|MSYS*|CYGWIN*) have=windows ;;
  *) have=other ;;
esac
if [ "$want" != "$have" ]; then
  echo "$TARGET builds on $want only (PyInstaller does not cross-compile); this is $(uname -s)" >&2
  exit 2
fi
if [ "$have" = linux ] && [ -z "${PYTHON:-}" ]; then
  # Its own venv with the run-time requirements only, so no test tool is bundled.
  venv="build/venv-$TARGET"
  if [ ! -f "$venv/.installed" ] || [ requirements.txt -nt "$venv/.installed" ]; then
    scripts/bootstrap.sh runtime >/dev/null   # the Debian libraries Qt needs
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install -q --upgrade pip
    "$venv/bin/python" -m pip install -q -r requirements.txt "pyinstaller==6.22.3"
    # The PP-OCR models the shipped configs name (pkg://...), as scripts/bootstrap.sh installs them.
    "$venv/bin/python" -m pip install -q --no-deps "rapidocr-onnxruntime>=1.3" "rapidocr==3.10.0"
    touch "$venv/.installed"
  fi
  PYTHON="$venv/bin/python"
fi
PY="${PYTHON:-python}"
# The interface translations must be compiled before they are bundled.
[ -f anylabel/qt/i18n/anylabel_zh_CN.qm ] || scripts/build_translations.sh --compile
ANYLABEL_TARGET="$TARGET" "$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "${DIST:-dist}" --workpath "${WORK:-build}/pyinstaller-$TARGET" anylabel.spec
echo "built: ${DIST:-dist}/$("$PY" -c "import sys; sys.path.insert(0, '.'); from build_support.targets import TARGETS; print(TARGETS['$TARGET']['folder'])")/"
