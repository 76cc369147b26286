"""The interface languages: Qt translation catalogues (``anylabel_<lang>.ts``, the source
committed beside the compiled ``.qm``; ``scripts/build_translations.sh`` extracts and
compiles them) and the one call user-visible text goes through.

English is the default and needs no catalogue. ``translate(context, text)`` is Qt's
``QCoreApplication.translate`` (the name ``pylupdate5`` looks for); text with values is
written with ``{0}`` placeholders and ``.format`` after translating, so translators can
move the values. Tables of text built at import time mark their entries with
``QT_TRANSLATE_NOOP(context, text)`` and translate them where they are shown.

The messages of the Qt-free core (errors naming files, import/export summaries) have their
own gettext catalogue (``anylabel.core.i18n``, ADR 0033); ``install_language`` switches both,
so a Chinese window shows the core's messages in Chinese too.
"""
from __future__ import annotations

import logging
from pathlib import Path

from qtpy.QtCore import QCoreApplication, QLocale, QTranslator

from ...core import i18n as core_messages
from ...core.i18n import DEFAULT_LANGUAGE, LANGUAGES, normalise_language  # noqa: F401  # one list for both

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent


def translate(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802  # the name pylupdate5 knows
    """Marks ``text`` for the catalogue without translating it (yet)."""
    return text


SHAPE_TYPE_TITLES = {
    "rectangle": QT_TRANSLATE_NOOP("shape_types", "rectangle"),
    "polygon": QT_TRANSLATE_NOOP("shape_types", "polygon"),
    "rotation": QT_TRANSLATE_NOOP("shape_types", "rotation"),
    "circle": QT_TRANSLATE_NOOP("shape_types", "circle"),
    "line": QT_TRANSLATE_NOOP("shape_types", "line"),
    "point": QT_TRANSLATE_NOOP("shape_types", "point"),
    "linestrip": QT_TRANSLATE_NOOP("shape_types", "linestrip"),
    "mask": QT_TRANSLATE_NOOP("shape_types", "mask"),
}


def shape_type_title(shape_type: str) -> str:
    """A shape type as the interface names it ("rectangle" is 矩形 in Chinese); the type
    itself (what label files store) is never translated."""
    return translate("shape_types", SHAPE_TYPE_TITLES.get(shape_type, shape_type))


def catalogue_path(language: str) -> Path:
    return HERE / f"anylabel_{language}.qm"


_installed: list[QTranslator] = []
_current = [DEFAULT_LANGUAGE]


def current_language() -> str:
    """The language of the catalogue installed last (what new widgets are made in)."""
    return _current[0]


def install_language(app: QCoreApplication, language: str | None) -> str:
    """Load the catalogue of ``language`` into ``app`` (replacing one loaded before) and
    return the code in use; a missing or unreadable catalogue falls back to English. The
    core's messages follow: they are made in the language returned."""
    code = _install_qt_language(app, language)
    core_messages.set_language(code)
    return code


def _install_qt_language(app: QCoreApplication, language: str | None) -> str:
    code = normalise_language(language)
    if language and code == DEFAULT_LANGUAGE and normalise_language(language) != str(language):
        log.warning("unknown interface language %r; using English (known: %s)", language, ", ".join(LANGUAGES))
    for t in _installed:
        app.removeTranslator(t)
    _installed.clear()
    _current[0] = DEFAULT_LANGUAGE
    if code == DEFAULT_LANGUAGE:
        QLocale.setDefault(QLocale(QLocale.English, QLocale.UnitedStates))
        return code
    ours = QTranslator(app)
    if not ours.load(str(catalogue_path(code))):
        log.warning("the %s catalogue %s cannot be read; using English", code, catalogue_path(code))
        return DEFAULT_LANGUAGE
    app.installTranslator(ours)
    _installed.append(ours)
    _current[0] = code
    # Qt's own texts (the OK/Cancel buttons of message boxes, file dialogs) when Qt ships them.
    from qtpy.QtCore import QLibraryInfo

    qt_own = QTranslator(app)
    if qt_own.load(f"qtbase_{code}", QLibraryInfo.location(QLibraryInfo.TranslationsPath)):
        app.installTranslator(qt_own)
        _installed.append(qt_own)
    QLocale.setDefault(QLocale(code))
    return code
