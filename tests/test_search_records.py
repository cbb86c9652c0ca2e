"""The search index's records: what a case contributes to the index, and what it never does."""

import datetime as dt
from dataclasses import replace
from functools import partial
from types import SimpleNamespace

import pytest

from casebook.registry import Entity, Registry
from plugins.casebook_theme.i18n import format_date
from plugins.search.records import UNDATED, build_records, canonical_terms, case_filters, filter_labels
from plugins.search.settings import SettingsError, search_settings


def registry() -> Registry:
    reg = Registry()
    reg.entities["organizations"]["cci-france"] = Entity(
        "organizations", "cci-france", "CCI France", aliases=("CCI", "Chambres de commerce et d'industrie"))
    reg.entities["people"]["jane-doe"] = Entity("people", "jane-doe", "Jane Doe", aliases=("J. Doe",))
    reg.entities["campaigns"]["faites-le-pas"] = Entity("campaigns", "faites-le-pas", "Faites le pas",
                                                        aliases=("#FaitesLePas",))
    return reg


def case(slug="cci", status="published", **fields):
    values = dict(
        title="Les chambres lancent une campagne", summary_text="Le réseau consulaire communique.",
        content="<p>Le <strong>réseau</strong> des chambres.</p>", url=f"cases/{slug}/", status=status,
        organizations=[{"id": "cci-france", "name": "les chambres de commerce", "role": "advertiser"},
                       {"name": "Agence Sans Id", "role": "agency"}],
        people=[{"id": "jane-doe", "name": "Jane Doe", "role": "directrice"}],
        campaign={"id": "faites-le-pas", "name": "Faites le pas"},
        themes=["Attractivité"], sectors=["industrie"], channels=["tv", "social-media"],
        date_known=True, date=dt.datetime(2021, 5, 3), lang="fr", format="news",
    )
    values.update(fields)
    return SimpleNamespace(**values)


def test_a_record_holds_the_case_text_and_its_annotations_with_registry_aliases():
    [record] = build_records([case()], registry())
    text = record.content
    for expected in ("Le réseau consulaire communique.", "Le réseau des chambres.", "Les chambres lancent",
                     "CCI France", "CCI", "Chambres de commerce et d'industrie", "les chambres de commerce",
                     "Agence Sans Id", "J. Doe", "#FaitesLePas", "Attractivité", "industrie",
                     "télévision", "réseaux sociaux", "social media", "2021", "français", "actualité"):
        assert expected in text, expected
    assert "<strong>" not in text
    assert record.url == "/cases/cci/"
    assert record.meta == {"title": "Les chambres lancent une campagne", "date": "2021-05-03",
                           "datetime": "2021-05-03", "organizations": "CCI France, Agence Sans Id", "lang": "fr"}
    assert record.filters == {"theme": ["Attractivité"], "organization": ["CCI France", "Agence Sans Id"],
                              "sector": ["industrie"], "channel": ["tv", "social-media"], "year": ["2021"],
                              "lang": ["fr"], "format": ["news"]}
    assert record.sort == {"date": "2021-05-03"}


@pytest.mark.parametrize(("precision", "lang", "shown", "machine"), [
    ("day", "fr", "3 mai 2021", "2021-05-03"), ("month", "fr", "mai 2021", "2021-05"),
    ("year", "fr", "2021", "2021"), ("day", "en", "May 3, 2021", "2021-05-03"),
])
def test_results_show_the_date_as_the_theme_writes_it(precision, lang, shown, machine):
    [record] = build_records([case(date_precision=precision)], registry(), partial(format_date, lang=lang))
    assert (record.meta["date"], record.meta["datetime"]) == (shown, machine)
    assert record.sort == {"date": "2021-05-03"}


def test_drafts_and_other_statuses_never_become_records():
    records = build_records([case("a"), case("b", status="draft"), case("c", status="hidden"),
                             case("d", status=None)], registry())
    assert [r.url for r in records] == ["/cases/a/"]


def test_a_case_without_date_or_annotations_has_no_empty_filters_or_sort_key():
    bare = case(organizations=[], people=[], campaign=None, themes=[], sectors=[], channels=[],
                date_known=False, date=dt.datetime(1970, 1, 1), format=None)
    [record] = build_records([bare], registry(), partial(format_date, lang="fr"))
    assert record.filters == {"lang": ["fr"]}
    assert record.sort == {"date": UNDATED} and record.meta["date"] == record.meta["datetime"] == ""
    assert "1970" not in record.content


def test_terms_differing_only_by_case_or_accents_are_one_filter_value():
    cases = [case("a", themes=["Crise"]), case("b", themes=["crise"]), case("c", themes=["crise", "Crisé"])]
    records = build_records(cases, registry())
    assert [r.filters["theme"] for r in records] == [["crise"], ["crise"], ["crise"]]
    assert canonical_terms([case_filters(c, registry()) for c in reversed(cases)]) == \
        canonical_terms([case_filters(c, registry()) for c in cases])


def test_records_are_sorted_by_url_whatever_the_reading_order():
    cases = [case("b"), case("a"), case("c")]
    assert build_records(cases, registry()) == build_records(list(reversed(cases)), registry())
    assert [r.url for r in build_records(cases, registry())] == ["/cases/a/", "/cases/b/", "/cases/c/"]


def test_vocabulary_filters_get_french_labels():
    labels = filter_labels(r.filters for r in build_records([case(lang="it", format="interview")], registry()))
    assert labels["lang"] == {"it": "italien"}
    assert labels["format"] == {"interview": "entretien"}
    assert labels["channel"] == {"social-media": "réseaux sociaux", "tv": "télévision"}


@pytest.mark.parametrize(("name", "value", "message"), [
    ("CASEBOOK_SEARCH_LANGUAGE", "klingon", "must be one of fr, it, en, es, de"),
    ("CASEBOOK_SEARCH_INDEX", "yes", "must be one of True, False"),
    ("CASEBOOK_SEARCH_PAGE_SIZE", 0, "must be a whole number from 1 to 100"),
    ("CASEBOOK_SEARCH_SHARD_SIZE", 0, "must be a whole number of at least 1"),
])
def test_a_bad_setting_fails_fast(name, value, message):
    with pytest.raises(SettingsError, match=message):
        search_settings({name: value})
    assert search_settings({})["CASEBOOK_SEARCH_LANGUAGE"] == "fr"


def test_the_indexed_document_keeps_hostile_text_as_text_and_data_out_of_the_searchable_text():
    from bs4 import BeautifulSoup

    from plugins.search.pagefind_index import record_html, record_path

    [record] = build_records([case(title='<img src=x onerror="alert(1)"> & co')], registry())
    soup = BeautifulSoup(record_html(record, "fr"), "html.parser")
    assert soup.find("img") is None and soup.html["lang"] == "fr"
    assert soup.select_one('[data-pagefind-meta="title"]').get_text() == '<img src=x onerror="alert(1)"> & co'
    data = soup.select_one("[data-pagefind-ignore=index]")
    assert [s.get_text() for s in data.select('[data-pagefind-filter="channel"]')] == ["tv", "social-media"]
    assert data.select_one('[data-pagefind-sort="date"]').get_text() == "2021-05-03"
    assert [p.get_text() for p in soup.find_all("p")] == record.content.splitlines()
    assert record_path(record).as_posix() == "cases/cci/index.html"
    with pytest.raises(ValueError, match="must be a site path"):
        record_path(replace(record, url="/../etc/"))
