"""Memoised pure functions (casebook.schema fold/slugify, the theme's date and label filters)
answer exactly as the plain functions do, for any argument."""

from __future__ import annotations

import datetime as dt

import pytest
from markupsafe import Markup

from casebook import schema
from plugins.casebook_theme.i18n import _format_date, format_date, vocabulary_label

NAMES = ["Crise", "crise", "Réseau & presse", "L'industrie s'offre…", "Œuvre", "Straße", "", "x" * 200]


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
