#!/usr/bin/env bash
# Extract the texts users read into the catalogues (translations kept) and compile them:
#  - the interface texts of anylabel/qt into the Qt catalogues (anylabel/qt/i18n/*.ts -> .qm);
#  - the messages of the Qt-free core (tr/trn/tr_noop in anylabel/ outside qt/: errors,
#    summaries) into the gettext catalogues (anylabel/core/i18n/*.po -> .mo), see ADR 0033.
#   scripts/build_translations.sh           update the .ts and .po from the sources, then compile
#   scripts/build_translations.sh --compile compile only (after editing translations)
# Needs pylupdate5 (PyQt5, in .venv), lrelease (Debian qttools5-dev-tools) and the GNU gettext
# tools xgettext, msgmerge, msgattrib, msgfmt (Debian gettext); scripts/bootstrap.sh dev installs them.
set -euo pipefail
cd "$(dirname "$0")/.."
PYLUPDATE=${PYLUPDATE:-.venv/bin/pylupdate5}
LRELEASE=${LRELEASE:-$(command -v lrelease || echo /usr/lib/qt5/bin/lrelease)}
I18N=anylabel/qt/i18n
CORE_I18N=anylabel/core/i18n
LANGS="zh_CN"
if [ "${1:-}" != "--compile" ]; then
  mapfile -t SOURCES < <(find anylabel/qt -name '*.py' | sort)
  for lang in $LANGS; do
    "$PYLUPDATE" -noobsolete "${SOURCES[@]}" -ts "$I18N/anylabel_$lang.ts"
  done
  # The core's messages: a template from the sources, merged into each language's .po. No
  # fuzzy guesses (a new message stays untranslated, which the test reports) and no
  # obsolete entries; no source locations either, so moving code leaves the .po alone.
  POT=$(mktemp --suffix=.pot)
  trap 'rm -f "$POT"' EXIT
  find anylabel -name '*.py' -not -path 'anylabel/qt/*' | sort \
    | xgettext --files-from=- --language=Python --from-code=UTF-8 --keyword= --keyword=tr \
        --keyword=trn:1,2 --keyword=tr_noop --no-location --sort-output --package-name=AnyLabel -o "$POT"
  for lang in $LANGS; do
    po="$CORE_I18N/anylabel_$lang.po"
    msgmerge --quiet --update --backup=none --no-fuzzy-matching --no-location --sort-output "$po" "$POT"
    msgattrib --no-obsolete --sort-output -o "$po" "$po"
    sed -i '/^"POT-Creation-Date: /d' "$po"  # the time of each run: noise in every diff
  done
fi
for lang in $LANGS; do
  "$LRELEASE" -silent "$I18N/anylabel_$lang.ts" -qm "$I18N/anylabel_$lang.qm"
  msgfmt --check-format -o "$CORE_I18N/anylabel_$lang.mo" "$CORE_I18N/anylabel_$lang.po"
done
echo "catalogues: $(ls $I18N/*.qm $CORE_I18N/*.mo | tr '\n' ' ')"
