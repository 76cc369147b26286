#!/usr/bin/env bash
# One command for a newcomer: set everything up, make a demo folder, start AnyLabel on it.
# Extra arguments are passed to `anylabel` (for example a folder of your own).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh runtime
if [ "$#" -eq 0 ]; then
  .venv/bin/python scripts/make_demo_folder.py demo
  set -- demo
fi
exec .venv/bin/anylabel "$@"
