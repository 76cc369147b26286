#!/usr/bin/env bash
# Sets up everything AnyLabel needs on a Debian/Ubuntu machine, idempotently:
#   1. the Debian libraries Qt needs (also offscreen) and the sample photos used by tests,
#   2. a virtual environment in .venv with the Python packages.
# Usage: scripts/bootstrap.sh [runtime|dev]   (dev adds the test tools)
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-runtime}"
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

# Debian packages: Qt's xcb/offscreen platform plugins link against these.
DEB_PACKAGES=(libgl1 libegl1 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3 libxkbcommon0
  libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
  libxcb-xinerama0 libxcb-xfixes0 libxcb-shape0 libxcb-cursor0 fonts-dejavu-core)
if [ "$profile" = dev ]; then
  # darknet ships real photos (dog, person, horses) that the tests label; xvfb for real-window screenshots;
  # lrelease (qttools5-dev-tools) and the gettext tools for scripts/build_translations.sh; a CJK font for
  # the zh_CN screenshots.
  DEB_PACKAGES+=(darknet xvfb qttools5-dev-tools gettext fonts-droid-fallback)
fi
missing=()
for p in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "[bootstrap] installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "[bootstrap] creating .venv with $PYTHON"
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$profile"
reqs=requirements.txt
[ "$profile" = dev ] && reqs=requirements-dev.txt
if [ ! -f "$stamp" ] || [ "$reqs" -nt "$stamp" ] || [ requirements.txt -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "[bootstrap] installing Python packages from $reqs"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r "$reqs"
  # The real PP-OCRv4 ONNX models (the OCR model of the zoo) ship in this wheel; --no-deps
  # keeps its opencv-python (which bundles clashing Qt plugins) out of the environment.
  .venv/bin/python -m pip install -q --no-deps "rapidocr-onnxruntime>=1.3"
  # PP-OCRv6 small (det + rec with its character list) ships in rapidocr 3.10; only the files are used.
  .venv/bin/python -m pip install -q --no-deps "rapidocr==3.10.0"
  .venv/bin/python -m pip install -q --no-deps -e .
  touch "$stamp"
fi
