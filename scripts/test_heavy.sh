#!/usr/bin/env bash
# The slow groups (pytest -m slow) that the default run (scripts/test.sh) leaves out:
#   1. slow tests that need only the dev venv (tests/robustness: kill -9 during export,
#      import and predict; deeper fuzzing),
#   2. scripts/test_consumers.sh: Ultralytics and supervision read exported datasets
#      (their own venv, with a CPU torch),
#   3. scripts/test_compat.sh: LabelMe and X-AnyLabeling open our label files (their own venvs).
# Usage: scripts/test_heavy.sh [dev|consumers|compat ...]   (default: all three, in that order)
# Every group runs even when an earlier one failed; the exit code is non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
groups=("$@")
[ "${#groups[@]}" -eq 0 ] && groups=(dev consumers compat)
status=0
for g in "${groups[@]}"; do
  echo "[test_heavy] $g"
  case "$g" in
    dev)
      scripts/bootstrap.sh dev || exit 1
      QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -q -m slow tests \
        --ignore=tests/consumers --ignore=tests/compat
      rc=$?
      [ "$rc" -eq 5 ] && rc=0  # no slow test collected there is not a failure
      ;;
    consumers) scripts/test_consumers.sh; rc=$? ;;
    compat) scripts/test_compat.sh; rc=$? ;;
    *) echo "unknown group $g (dev, consumers or compat)" >&2; rc=2 ;;
  esac
  [ "$rc" -ne 0 ] && status=1 && echo "[test_heavy] $g failed (exit $rc)" >&2
done
exit "$status"
