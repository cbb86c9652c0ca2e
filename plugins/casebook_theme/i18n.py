"""The interface language: gettext catalogs compiled in memory, dates and numbers by Babel.

Message ids are English, so the English interface needs no catalog. The other languages read
``theme/translations/<lang>/LC_MESSAGES/messages.po``, compiled here in memory: there is no
.mo build step and no compiled file to keep in sync with its source.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_compact_decimal, format_decimal
from babel.support import Translations
from jinja2 import pass_context
from markupsafe import Markup

from casebook.schema import VOCABULARIES, label

SOURCE_LANG = "en"
DOMAIN = "messages"
MEMO_SIZE = 4096  # dates and labels memoised (pure functions of their arguments)


def catalog_path(translations_dir: str | Path, lang: str) -> Path:
    return Path(translations_dir) / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_translations(translations_dir: str | Path, lang: str) -> gettext.NullTranslations:
    """The catalog for ``lang``; the message ids themselves for the source language.

    A language other than the source one must have its catalog: a missing file is an error,
    not a silently English interface.
    """
    if lang == SOURCE_LANG:
        return gettext.NullTranslations()
    path = catalog_path(translations_dir, lang)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no catalog for interface language {lang!r} "
                                f"(create it with: pybabel init -i messages.pot -d {translations_dir} -l {lang})")
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


class MemoisedGettext:
    """Jinja's new-style ``gettext`` and ``ngettext`` (jinja2.ext), each message looked up and
    marked up once: a build asks for the same few dozen interface strings on every page.

    Same results as the callables ``Environment.install_gettext_translations(newstyle=True)``
    installs: the translation, Markup under autoescape, then always ``% variables``.
    """

    def __init__(self, translations: gettext.NullTranslations):
        self._gettext = translations.gettext
        self._ngettext = translations.ngettext
        self._messages: dict[tuple, str] = {}  # (message, autoescape) -> translation, marked up
        self._finished: dict[tuple, str] = {}  # the same, formatted without variables
        self._plurals: dict[tuple, str] = {}  # (singular, plural, n, autoescape) -> translation

    @pass_context
    def gettext(self, context, string, /, **variables):
        autoescape = context.eval_ctx.autoescape
        if type(string) is not str:  # not ours to memoise: exactly as Jinja does it
            rv = self._gettext(string)
            return (Markup(rv) if autoescape else rv) % variables
        key = (string, autoescape)
        if not variables:
            found = self._finished.get(key)
            if found is None:
                found = self._finished[key] = self._message(key) % variables
            return found
        return self._message(key) % variables

    def _message(self, key: tuple):
        found = self._messages.get(key)
        if found is None:
            rv = self._gettext(key[0])
            found = self._messages[key] = Markup(rv) if key[1] else rv
        return found

    @pass_context
    def ngettext(self, context, singular, plural, num, /, **variables):
        variables.setdefault("num", num)
        autoescape = context.eval_ctx.autoescape
        if not (type(singular) is str and type(plural) is str and type(num) is int):
            rv = self._ngettext(singular, plural, num)
            return (Markup(rv) if autoescape else rv) % variables
        key = (singular, plural, num, autoescape)
        found = self._plurals.get(key)
        if found is None:
            rv = self._ngettext(singular, plural, num)
            found = self._plurals[key] = Markup(rv) if autoescape else rv
        return found % variables


def install_gettext(env, translations: gettext.NullTranslations) -> None:
    """The catalog in ``env`` (``_``, ``gettext``, ``ngettext`` memoised; the rest Jinja's)."""
    env.install_gettext_translations(translations, newstyle=True)
    memo = MemoisedGettext(translations)
    env.globals.update(gettext=memo.gettext, ngettext=memo.ngettext, _=memo.gettext)


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def format_date(value, precision: str | None = "day", lang: str = "fr") -> str:
    """A date in the interface language at the precision the text states.

    ``day`` -> "24 avril 2013", ``month`` -> "avril 2013", ``year`` -> "2013".
    """
    return _format_date(_as_date(value), precision, lang)


@lru_cache(maxsize=MEMO_SIZE)  # pure, and Babel is slow: a build shows the same dates again and again
def _format_date(date: dt.date, precision: str | None, lang: str) -> str:
    if precision == "year":
        return str(date.year)
    if precision == "month":
        return format_skeleton("yMMMM", date, locale=lang)
    return babel_format_date(date, "long", locale=lang)


def iso_date(value, precision: str | None = "day") -> str:
    """The machine-readable form at the same precision: 2013-04-24, 2013-04 or 2013."""
    date = _as_date(value)
    if precision == "year":
        return f"{date.year:04d}"
    if precision == "month":
        return f"{date.year:04d}-{date.month:02d}"
    return date.isoformat()


def format_number(value, lang: str = "fr") -> str:
    """A key figure for display: "40 000", "15 millions", "1,5 million", "83"."""
    if type(value) in (int, float, str) and type(lang) is str:  # hashable as they are: memoized
        return _format_number(value, lang)
    return _format_number.__wrapped__(value, lang)


# Babel takes about 0.15 ms a number, and the case pages and cards show the same key figures
# again and again (1.4 s of a 2,000-case build before this memo). typed: 1 and 1.0 stay apart.
@lru_cache(maxsize=MEMO_SIZE, typed=True)
def _format_number(value, lang: str) -> str:
    if isinstance(value, (int, float)) and abs(value) >= 1_000_000:
        return format_compact_decimal(value, format_type="long", locale=lang, fraction_digits=1)
    return format_decimal(value, locale=lang)


def vocabulary_label(term: str, vocabulary: str, lang: str = "fr") -> str:
    """The display label of a vocabulary id (``"tv"`` in ``"channels"`` -> "télévision")."""
    if type(term) is str and type(vocabulary) is str and type(lang) is str:
        return _vocabulary_label(term, vocabulary, lang)
    return _vocabulary_label.__wrapped__(term, vocabulary, lang)


@lru_cache(maxsize=MEMO_SIZE)
def _vocabulary_label(term: str, vocabulary: str, lang: str) -> str:
    if vocabulary not in VOCABULARIES:
        raise KeyError(f"unknown vocabulary {vocabulary!r}: must be one of " + ", ".join(sorted(VOCABULARIES)))
    return label(VOCABULARIES[vocabulary], term, lang)
