"""The language of the messages the Qt-free core gives users: errors that name a file and
what is wrong with it, import and export summaries, model-config and download errors.

The messages are written in English in the code, marked with ``tr("...")`` (or
``trn(singular, plural, n)`` where English needs a plural), and translated through a
gettext catalogue beside this file (``anylabel_<lang>.po``, the source, compiled into the
``.mo`` that Python's ``gettext`` reads; ``scripts/build_translations.sh`` extracts and
compiles both). Values go in ``{0}``, ``{1}`` placeholders filled by ``str.format`` after
translating, as in the Qt catalogue, so a translator may move them; file names, keys and
values themselves are never translated.

The language is one for the process, as gettext's own is: the desktop app sets it with its
interface language (``anylabel.qt.i18n.install_language``), the command line with
``--lang``, and export or import workers inherit or are sent it. English is the default
and needs no catalogue: ``tr(text)`` is then ``text`` itself, so English messages are
exactly what they were.
"""
from __future__ import annotations

import gettext
import logging
import struct
from pathlib import Path

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
#: Language code -> its own name (as the language menu shows it).
LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}
DEFAULT_LANGUAGE = "en"
DOMAIN = "anylabel"

_ENGLISH = gettext.NullTranslations()
# The catalogue in use and its language. One slot replaced whole: a thread reading it while
# another sets the language sees the old catalogue or the new, never half of one.
_active: list[tuple[str, gettext.NullTranslations]] = [(DEFAULT_LANGUAGE, _ENGLISH)]


def tr(text: str) -> str:
    """``text`` (an English message, ``{0}`` placeholders unfilled) in the current language."""
    return _active[0][1].gettext(text)


def trn(singular: str, plural: str, n: int) -> str:
    """The singular or plural message for ``n``, in the current language."""
    return _active[0][1].ngettext(singular, plural, n)


def tr_noop(text: str) -> str:
    """Marks ``text`` for the catalogue without translating it: for tables made at import
    time, translated with ``tr`` where they are shown."""
    return text


def catalogue_path(language: str) -> Path:
    return HERE / f"{DOMAIN}_{language}.mo"


def normalise_language(language: str | None) -> str:
    """A known language code from what a user typed ("zh_CN", "zh-cn", "zh"); English otherwise."""
    if not language:
        return DEFAULT_LANGUAGE
    key = str(language).replace("-", "_").lower()
    for code in LANGUAGES:
        if code.lower() == key or code.split("_")[0].lower() == key:
            return code
    return DEFAULT_LANGUAGE


def current_language() -> str:
    """The language messages are made in now."""
    return _active[0][0]


def set_language(language: str | None) -> str:
    """Make messages in ``language`` from now on and return the code in use; an unknown
    language, or a catalogue that cannot be read, gives English (logged)."""
    code = normalise_language(language)
    if language and code == DEFAULT_LANGUAGE and str(language).lower() not in ("en", "en_us", "en-us", "c"):
        log.warning("unknown language %r; messages stay English (known: %s)", language, ", ".join(LANGUAGES))
    if code == DEFAULT_LANGUAGE:
        _active[0] = (code, _ENGLISH)
        return code
    try:
        with open(catalogue_path(code), "rb") as fh:
            catalogue = gettext.GNUTranslations(fh)
    except (OSError, ValueError, LookupError, struct.error) as exc:  # missing, not a .mo, cut short
        log.warning("the %s message catalogue %s cannot be read (%s); messages stay English",
                    code, catalogue_path(code), exc)
        _active[0] = (DEFAULT_LANGUAGE, _ENGLISH)
        return DEFAULT_LANGUAGE
    _active[0] = (code, catalogue)
    return code
