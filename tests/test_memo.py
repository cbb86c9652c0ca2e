"""Memoised pure functions (casebook.schema fold/slugify, the theme's date and label filters)
answer exactly as the plain functions do, for any argument."""

from __future__ import annotations

import datetime as dt

import pytest
from markupsafe import Markup

from casebook import schema
from plugins.casebook_theme.i18n import _format_date, format_date, vocabulary_label

NAMES = ["Crise", "crise", "Réseau & presse", "L'industrie s'offre…", "Œuvre", "Straße", "", "x" * 200]


@pytest.mark.parametrize("text", NAMES + ["e\u0301te\u0301", "Ça ﬁ ½ İ ǅ \u0327", "Ἀθῆναι", "क्षि", "\u0301"])
def test_fold_strips_every_combining_mark_and_nothing_else(text):
    """The reference: NFKD with the ligatures spelled out, each combining mark dropped, casefold."""
    import unicodedata

    spelled = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE").replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", spelled)
    expected = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    assert schema._fold(text) == schema.fold(text) == expected


@pytest.mark.parametrize("text", NAMES)
def test_memoised_fold_and_slugify_equal_the_plain_functions(text):
    for _ in range(2):  # computed, then from the memo
        assert schema.fold(text) == schema._fold(text)
        assert schema.slugify(text) == schema._slugify(text, schema.SLUG_MAX)
        assert schema.slugify(text, 10) == schema._slugify(text, 10)


def test_other_arguments_are_computed_as_before():
    assert schema.slugify(Markup("Crise &amp; co")) == schema._slugify(Markup("Crise &amp; co"), schema.SLUG_MAX)
    assert type(schema.fold(Markup("É"))) is str
    for bad in (None, ["a"]):
        with pytest.raises(AttributeError):  # not a TypeError from the memo's hashing
            schema.slugify(bad)
        with pytest.raises(AttributeError):
            schema.fold(bad)


def test_dates_are_memoised_by_the_day_they_show():
    paris = dt.timezone(dt.timedelta(hours=2))
    late_utc = dt.datetime(2013, 4, 24, 23, 30, tzinfo=dt.UTC)
    same_instant_in_paris = late_utc.astimezone(paris)  # equal datetimes, different days shown
    assert late_utc == same_instant_in_paris
    assert format_date(late_utc, "day", "fr") == "24 avril 2013"
    assert format_date(same_instant_in_paris, "day", "fr") == "25 avril 2013"
    assert format_date(dt.date(2013, 4, 24), "month", "en") == "April 2013"
    hits = _format_date.cache_info().hits
    assert format_date(late_utc, "day", "fr") == "24 avril 2013"
    assert _format_date.cache_info().hits == hits + 1


def test_labels_are_memoised_and_an_unknown_vocabulary_still_fails():
    assert vocabulary_label("tv", "channels", "fr") == vocabulary_label("tv", "channels", "fr") == "télévision"
    with pytest.raises(KeyError, match="must be one of"):
        vocabulary_label("tv", "nope", "fr")
    with pytest.raises(KeyError, match="must be one of"):
        vocabulary_label("tv", "nope", "fr")  # errors are never memoised


SNIPPETS = [
    '{{ _("Skip to content") }}|{{ _("Skip to content") }}',
    '{{ _("Page %(number)s of %(total)s", number=2, total="<b>3</b>") }}',
    '{{ _("100%% sure") }}',
    '{{ gettext("Archive") }}{% autoescape false %}{{ _("Page %(number)s of %(total)s", number=1, total="<i>") }}'
    '{% endautoescape %}',
    '{% for n in [0, 1, 2, 5, 1] %}{{ ngettext("%(num)s case", "%(num)s cases", n) }};'
    '{{ ngettext("%(num)s case", "%(num)s cases", n, num="<x>") }};{% endfor %}',
    '{% trans count=3 %}{{ count }} case{% pluralize %}{{ count }} cases{% endtrans %}',
    '{% trans name="<Opco>" %}Hello {{ name }}{% endtrans %}',
    '{{ _(missing) }}',
]


def rendered(env, snippet: str) -> str:
    """The snippet's output, or the name of the error it raised."""
    try:
        return env.from_string(snippet).render()
    except Exception as error:  # noqa: BLE001 (the error itself is what is compared)
        return f"raised {type(error).__name__}"


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("autoescape", [True, False])
def test_memoised_gettext_renders_as_jinjas_own(lang, autoescape):
    from jinja2 import Environment

    from plugins.casebook_theme.i18n import install_gettext, load_translations
    from tests.test_theme import TRANSLATIONS

    translations = load_translations(TRANSLATIONS, lang)
    jinjas, ours = (Environment(autoescape=autoescape, extensions=["jinja2.ext.i18n"]) for _ in range(2))
    jinjas.install_gettext_translations(translations, newstyle=True)
    install_gettext(ours, translations)
    assert ours.globals["_"] is not jinjas.globals["_"]
    for snippet in SNIPPETS:
        for _ in range(2):  # looked up, then memoised
            assert rendered(ours, snippet) == rendered(jinjas, snippet), snippet
    if lang == "fr":
        assert ours.from_string(SNIPPETS[0]).render() == "Aller au contenu|Aller au contenu"
