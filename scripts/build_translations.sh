#!/usr/bin/env bash
# Extract the interface texts of anylabel/qt into the Qt catalogues (anylabel/qt/i18n/*.ts,
# translations kept) and compile them into the .qm files the app loads.
#   scripts/build_translations.sh           update the .ts from the sources, then compile
#   scripts/build_translations.sh --compile compile only (after editing translations)
# Needs pylupdate5 (PyQt5, in .venv) and lrelease (Debian qttools5-dev-tools; installed by
# scripts/bootstrap.sh dev).
set -euo pipefail
cd "$(dirname "$0")/.."
PYLUPDATE=${PYLUPDATE:-.venv/bin/pylupdate5}
LRELEASE=${LRELEASE:-$(command -v lrelease || echo /usr/lib/qt5/bin/lrelease)}
I18N=anylabel/qt/i18n
LANGS="zh_CN"
if [ "${1:-}" != "--compile" ]; then
  mapfile -t SOURCES < <(find anylabel/qt -name '*.py' | sort)
  for lang in $LANGS; do
    "$PYLUPDATE" -noobsolete "${SOURCES[@]}" -ts "$I18N/anylabel_$lang.ts"
  done
fi
for lang in $LANGS; do
  "$LRELEASE" -silent "$I18N/anylabel_$lang.ts" -qm "$I18N/anylabel_$lang.qm"
done
echo "catalogues: $(ls $I18N/*.qm | tr '\n' ' ')"
