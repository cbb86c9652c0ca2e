"""The cross-links core, driven with small fake articles: scorer, mentions, links, settings."""

from __future__ import annotations

import math
from datetime import datetime
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup

from casebook.registry import Entity
from plugins.crosslinks import links
from plugins.crosslinks.mentions import EntityMatcher, annotate, fold_with_offsets, number_values, sentence_at
from plugins.crosslinks.reader import relative_url
from plugins.crosslinks.related import case_terms, relate, relate_articles
from plugins.crosslinks.settings import CrossLinksSettings, read_settings


def case(slug, date=None, **fields):
    values = {"organizations": [], "people": [], "campaign": None, "themes": [], "sectors": [], "channels": [],
              "audiences": [], "translation_of": None, "translation_slugs": [], "lang": "fr", "mentions": []}
    values.update(fields)
    return SimpleNamespace(slug=slug, date=datetime.fromisoformat(date) if date else datetime(1970, 1, 1),
                           date_known=date is not None, **values)


def org(entity_id, name=None):
    return {"id": entity_id, "name": name or entity_id.capitalize()}


# --- the scorer -------------------------------------------------------------------------------

def test_shared_rare_terms_count_more_than_common_ones():
    articles = [
        case("a", organizations=[org("renault")], channels=["tv"]),
        case("b", organizations=[org("renault")], channels=["tv"]),
        case("c", themes=["emploi"], channels=["tv"]),
        case("d", themes=["emploi"], channels=["tv"]),
        case("e", themes=["emploi"], channels=["tv"]),
    ]
    settings = CrossLinksSettings(min_score=0)
    related = relate_articles(articles, settings)
    count = 5
    idf = lambda df: math.log(1 + count / df) / math.log(1 + count)  # noqa: E731
    tv = 0.5 * idf(5)
    assert [(r.slug, r.score) for r in related["a"]] == [("b", round(2.0 * idf(2) + tv, 6)),
                                                         ("c", round(tv, 6)), ("d", round(tv, 6)),
                                                         ("e", round(tv, 6))]
    # "emploi" is held by three cases: rarer than "tv" (five), rarer than nothing shared at all.
    assert related["c"][0].score == round(1.5 * idf(3) + tv, 6)
    assert related["c"][0].score < related["a"][0].score


def filler(count):
    """Cases that share nothing with the others: in a bigger archive a shared term is rarer."""
    return [case(f"filler-{i}", themes=[f"other-{i}"]) for i in range(count)]


def test_weights_minimum_score_and_maximum():
    articles = [case(s, themes=["emploi"], channels=["tv", "radio"]) for s in "abcdefg"] + filler(20)
    assert [len(relate_articles(articles)[s]) for s in "abcdefg"] == [5] * 7
    assert all(len(relate_articles(articles, CrossLinksSettings(max_related=2))[s]) == 2 for s in "abcdefg")
    # Without the theme, two shared channels are below the default minimum score.
    no_themes = CrossLinksSettings(weights={**CrossLinksSettings().weights, "themes": 0.0})
    assert all(r == [] for r in relate_articles(articles, no_themes).values())
    assert all(r == [] for r in relate_articles(articles, CrossLinksSettings(min_score=99)).values())
    # A term that every case holds says nothing: without the fillers, "emploi" is everywhere.
    assert all(r == [] for r in relate_articles(articles[:7]).values())


def test_ties_are_broken_by_slug_and_input_order_does_not_matter():
    articles = [case(s, organizations=[org("renault")]) for s in ("zeta", "alpha", "mu", "beta")] + filler(10)
    first = relate_articles(articles)
    again = relate_articles(list(reversed(articles)))
    assert [r.slug for r in first["mu"]] == ["alpha", "beta", "zeta"]
    assert first == again


def test_why_names_the_strongest_shared_terms_first():
    registry_name = {"renault": "Renault"}
    articles = [
        case("a", organizations=[org("renault", "groupe Renault")], themes=["Emploi"], channels=["tv"]),
        case("b", organizations=[org("renault")], themes=["emploi"], channels=["tv"]),
        case("c", themes=["crise"]),
        case("d", themes=["crise"], channels=["tv"]),
    ]
    registry = SimpleNamespace(get=lambda kind, i: SimpleNamespace(name=registry_name[i]) if i in registry_name
                               else None)
    related = relate_articles(articles, registry=registry)
    assert related["a"][0].slug == "b"
    assert related["a"][0].why() == "Renault · Emploi · télévision"
    assert related["a"][0].why(2) == "Renault · Emploi"


def test_translations_are_not_related_cases():
    articles = [case("fr", organizations=[org("renault")], translation_slugs=["it"]),
                case("it", organizations=[org("renault")]),
                case("other", organizations=[org("renault")])]
    related = relate_articles(articles)
    assert [r.slug for r in related["fr"]] == ["other"]
    assert [r.slug for r in related["it"]] == ["other"]


def test_very_common_terms_do_not_find_candidates_but_still_score():
    articles = [case(f"c{i:02}", channels=["tv"], themes=["emploi"] if i < 2 else []) for i in range(10)]
    capped = relate_articles(articles, CrossLinksSettings(max_postings=5, min_score=0))
    assert [r.slug for r in capped["c00"]] == ["c01"]  # found through "emploi" only
    full = relate_articles(articles, CrossLinksSettings(max_postings=50, min_score=0))
    assert capped["c00"][0].score == full["c00"][0].score
    assert len(full["c00"]) == 5


def test_case_terms_reads_every_kind():
    terms = case_terms(case("a", campaign={"id": "avec-l-industrie", "name": "Avec l'industrie"},
                            people=[{"id": "claire-martin", "name": "Claire Martin"}, {"name": "no id"}],
                            sectors=["Automobile"], audiences=["young-people"]))
    assert set(terms.terms) == {("campaigns", "avec-l-industrie"), ("people", "claire-martin"),
                                ("sectors", "automobile"), ("audiences", "young-people")}
    assert terms.terms[("audiences", "young-people")] == "jeunes"


def test_relate_scales_to_many_cases():
    articles = [case(f"c{i:05}", organizations=[org(f"o{i % 500}")], themes=[f"t{i % 37}"], channels=["tv"])
                for i in range(3000)]
    related = relate_articles(articles)
    assert len(related) == 3000
    assert all(r.slug != "c00000" for r in related["c00000"]) and len(related["c00000"]) == 5


# --- settings ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "value", "message"), [
    ("CASEBOOK_RELATED_MAX", -1, "at least 0"),
    ("CASEBOOK_RELATED_MAX", "5", "whole number"),
    ("CASEBOOK_CAMPAIGN_MAX", -1, "at least 0"),
    ("CASEBOOK_RELATED_MIN_SCORE", "high", "number"),
    ("CASEBOOK_RELATED_WEIGHTS", {"tags": 1}, "must be one of campaigns, organizations"),
    ("CASEBOOK_RELATED_WEIGHTS", {"themes": -1}, "at least 0"),
])
def test_bad_settings_fail_fast(name, value, message):
    with pytest.raises(ValueError, match=message):
        read_settings({name: value})


def test_settings_merge_weights_over_defaults():
    settings = read_settings({"CASEBOOK_RELATED_WEIGHTS": {"themes": 4}})
    assert settings.weights["themes"] == 4.0 and settings.weights["organizations"] == 2.0


# --- mentions and figures ---------------------------------------------------------------------

RENAULT = Entity("organizations", "renault", "Renault", ("groupe Renault",))
OPCO = Entity("organizations", "opco-2i", "Opco 2i", ("OPCO 2i",))
CAMPAIGN = Entity("campaigns", "avec-l-industrie", "Avec l'industrie", ("con l’industria",))
MATCHER = EntityMatcher([RENAULT, OPCO, CAMPAIGN])


def url_for(entity):
    return f"../../{entity.kind}/{entity.id}/"


def mention_links(html):
    return [(a.get_text(), a["href"]) for a in BeautifulSoup(html, "html.parser").select("a.mention")]


def test_first_mention_links_to_the_entity_page_ignoring_accents_and_case():
    html = "<p>Le GROUPE RENAULT recrute. Renault encore.</p><p>Campagne « Avec l’Industrie » et opco-2i.</p>"
    result = annotate(html, MATCHER, url_for)
    assert mention_links(result.html) == [
        ("GROUPE RENAULT", "../../organizations/renault/"),
        ("Avec l’Industrie", "../../campaigns/avec-l-industrie/"),
        ("opco-2i", "../../organizations/opco-2i/"),
    ]
    assert {(m.kind, m.id): m.context for m in result.mentions}[("organizations", "renault")] == \
        "Le GROUPE RENAULT recrute."


def test_a_mention_in_a_link_a_heading_code_or_an_attribution_is_left_alone():
    html = ('<h2>Renault et Opco 2i</h2><p><a href="https://example.org">chez Renault</a></p>'
            "<p><code>Opco 2i</code></p><blockquote><p>Une citation.</p><p>— Claire, Renault</p></blockquote>"
            "<p>Enfin Renault.</p>")
    result = annotate(html, MATCHER, url_for)
    soup = BeautifulSoup(result.html, "html.parser")
    assert soup.h2.decode_contents() == "Renault et Opco 2i"
    assert soup.find("a", href="https://example.org").decode_contents() == "chez Renault"
    assert soup.code.decode_contents() == "Opco 2i"
    assert mention_links(result.html) == [("Renault", "../../organizations/renault/")]
    assert soup.select_one("a.mention").parent.get_text() == "Enfin Renault."
    # The heading still counts as a mention for the backlinks, with its own text as context.
    contexts = {m.id: m.context for m in result.mentions}
    assert contexts == {"renault": "Renault et Opco 2i", "opco-2i": "Renault et Opco 2i"}


def test_offsets_stay_right_when_folding_changes_lengths():
    folded, origin = fold_with_offsets("Œuvre ÉTÉ ß x")
    assert folded.startswith("oeuvre ete ss x")
    entity = Entity("organizations", "oeuvre-ete", "oeuvre été")
    result = annotate("<p>Une Œuvre Été 2024 ici.</p>", EntityMatcher([entity]), url_for)
    assert mention_links(result.html) == [("Œuvre Été", "../../organizations/oeuvre-ete/")]
    assert BeautifulSoup(result.html, "html.parser").p.get_text() == "Une Œuvre Été 2024 ici."


@pytest.mark.parametrize("text", ["Cœur… de Lœwe, ŒUVRE", "Straße ﬁn ﬃ", "e\u0301te\u0301 Ça", "a]b^c\\d-œ…",
                                  "İstanbul ½ ² Ⅻ", "plain ascii", "é only one-to-one"])
def test_each_folded_character_maps_back_to_the_character_it_comes_from(text):
    """The offsets, written from the characters whose fold is not one character, equal the
    offsets character by character (the reference)."""
    from casebook.schema import fold

    folded, origin = fold_with_offsets(text)
    pieces = [char.lower() if char.isascii() else fold(char) for char in text]
    assert folded == "".join(pieces).lower()
    reference = [index for index, piece in enumerate(pieces) for _ in piece]
    assert (origin if origin is not None else list(range(len(text)))) == reference
    assert (origin is None) == all(len(piece) == 1 for piece in pieces)


def test_names_match_whole_words_only():
    result = annotate("<p>Renaultisme et Xopco 2i.</p>", MATCHER, url_for)
    assert mention_links(result.html) == [] and result.mentions == []


def test_front_matter_entities_win_and_linkable_limits_links():
    twin = Entity("campaigns", "renault", "Renault")
    matcher = EntityMatcher([RENAULT, twin])
    preferred = annotate("<p>Renault.</p>", matcher, url_for, preferred=frozenset({("campaigns", "renault")}))
    assert mention_links(preferred.html) == [("Renault", "../../campaigns/renault/")]
    unlinked = annotate("<p>Renault.</p>", MATCHER, url_for, linkable=lambda entity: False)
    assert mention_links(unlinked.html) == [] and [m.id for m in unlinked.mentions] == ["renault"]


def test_text_stays_text():
    html = "<p>&lt;script&gt;alert(1)&lt;/script&gt; Renault</p>"
    result = annotate(html, MATCHER, url_for)
    assert "<script>" not in result.html and "&lt;script&gt;" in result.html


def test_key_figures_are_wrapped_where_their_quote_is():
    figures = [{"value": 15000000, "unit": "euros", "label": "budget", "quote": "Dotée de 15 millions d'euros"},
               {"value": 32, "label": "branches"}, {"value": 83, "unit": "%", "label": "déclin"}]
    html = ("<h2>15 millions d'euros</h2><p>Il y a 15 millions d'euros ailleurs.</p>"
            "<p>Dotée de 15 millions d'euros sur trois ans, par 32 branches.</p><p>L’83% dei francesi.</p>")
    soup = BeautifulSoup(annotate(html, MATCHER, url_for, figures).html, "html.parser")
    spans = soup.select("span.figure")
    assert [(s.get_text(), s["title"], s.parent.get_text()[:9]) for s in spans] == [
        ("15 millions d'euros", "budget", "Dotée de "), ("32", "branches", "Dotée de "),
        ("83%", "déclin", "L’83% dei")]


@pytest.mark.parametrize(("written", "values"), [
    ("15 000 000", {15000000}), ("15.000.000", {15000000}), ("15,000,000", {15000000}),
    ("1,5", {1.5}), ("1.500", {1500, 1.5}), ("1,234.5", {1234.5}), ("83", {83}),
])
def test_numbers_as_the_press_writes_them(written, values):
    assert number_values(written) == values


def test_sentence_of_a_mention():
    text = "Première phrase. La deuxième cite Renault ici ! Troisième."
    assert sentence_at(text, text.index("Renault")) == "La deuxième cite Renault ici !"


# --- links between cases ----------------------------------------------------------------------

def test_chronological_order_puts_undated_cases_last_by_slug():
    articles = [case("b-undated"), case("new", "2023-02-17"), case("a-undated"), case("old", "2013-04-24")]
    order = links.neighbours(articles)
    assert [a.slug for a in links.chronological(articles)] == ["old", "new", "a-undated", "b-undated"]
    assert order["old"][0] is None and order["old"][1].slug == "new"
    assert order["a-undated"][0].slug == "new" and order["b-undated"][1] is None


def test_campaign_mates_across_languages_and_translations_both_ways():
    articles = [case("fr", campaign={"id": "c", "name": "C"}, translation_slugs=["it"]),
                case("it", campaign={"id": "c", "name": "C it"}, lang="it"),
                case("en", translation_of="fr", lang="en"), case("alone", translation_of="missing")]
    mates = links.campaign_mates(articles)
    assert [m.slug for m in mates["fr"]] == ["it"] and [m.slug for m in mates["it"]] == ["fr"]
    assert mates["en"] == []
    translations = links.translations(articles)
    assert [t.slug for t in translations["fr"]] == ["en", "it"]
    assert [t.slug for t in translations["en"]] == ["fr"] and translations["alone"] == []


def test_campaign_mates_are_limited_to_the_nearest_in_time():
    campaign = {"id": "c", "name": "C"}
    articles = [case(f"c{n:02}", f"20{n + 10:02}-01-01", campaign=campaign) for n in range(12)]
    articles += [case("undated", campaign=campaign), case("other", "2015-01-01", campaign={"id": "d", "name": "D"})]
    mates = links.campaign_mates(articles, limit=4)
    assert [m.slug for m in mates["c05"]] == ["c03", "c04", "c06", "c07"]
    assert [m.slug for m in mates["c00"]] == ["c01", "c02", "c03", "c04"]
    assert [m.slug for m in mates["undated"]] == ["c08", "c09", "c10", "c11"]
    assert mates["other"] == [] and links.campaign_mates(articles, limit=0)["c05"] == []
    assert [m.slug for m in links.campaign_mates(articles)["c05"]] == [
        a.slug for a in articles[:13] if a.slug != "c05"]
    assert links.campaign_sizes(articles) == {"c": 13, "d": 1}


def test_backlinks_list_every_case_that_mentions_an_entity():
    articles = [case("b", "2020-01-01", mentions=[{"kind": "organizations", "id": "renault", "context": "B."}]),
                case("a", "2019-01-01", mentions=[{"kind": "organizations", "id": "renault", "context": "A."}])]
    found = links.backlinks(articles)
    assert [(b.case.slug, b.context) for b in found["organizations"]["renault"]] == [("a", "A."), ("b", "B.")]


def test_backlinks_among_a_page_of_cases_keep_their_order():
    mention = [{"kind": "organizations", "id": "renault", "context": "x"}]
    articles = [case(f"c{n:02d}", f"20{10 + n}-01-01", mentions=mention) for n in range(6)]
    found = links.backlinks(articles)["organizations"]["renault"]
    page = [articles[4], articles[1], case("other", "2020-01-01")]  # a page, in its own order
    assert [b.case.slug for b in found.among(page)] == ["c01", "c04"]  # chronological, as the list
    assert found.among([]) == []
    assert [b.case for b in found.among(articles)] == [b.case for b in found]


def test_relative_urls_work_under_a_sub_path():
    assert relative_url("cases/a/", "organizations/renault/") == "../../organizations/renault/"
    assert relative_url("cases/a.html", "campaigns/x/") == "../campaigns/x/"


def test_relate_takes_plain_case_terms():
    from plugins.crosslinks.related import CaseTerms

    related = relate([CaseTerms("a", {("themes", "x"): "x"}), CaseTerms("b", {("themes", "x"): "x"}),
                      CaseTerms("c", {("themes", "y"): "y"})], CrossLinksSettings(min_score=0.5))
    assert [r.slug for r in related["a"]] == ["b"] and related["b"][0].reasons == ("x",)


def brute_force(cases, settings):
    """Every pair compared: the definition the index must reproduce."""
    n = len(cases)
    df = {}
    for c in cases:
        for term in c.terms:
            df[term] = df.get(term, 0) + 1
    strength = {t: settings.weights[t[0]] * math.log(1 + n / d) / math.log(1 + n) for t, d in df.items()}
    result = {}
    for c in cases:
        scored = []
        for other in cases:
            shared = [t for t in c.terms if t in other.terms]
            rare = [t for t in shared if df[t] <= settings.max_postings]
            if other is c or not rare:  # a candidate is reached through a term rare enough
                continue
            score = sum(strength[t] for t in shared)
            if score >= settings.min_score - 1e-9:
                scored.append((-round(score, 9), other.slug))
        result[c.slug] = [slug for _, slug in sorted(scored)[:settings.max_related]]
    return result


@pytest.mark.parametrize("max_postings", [3, 8, 1000])
def test_the_index_finds_what_comparing_every_pair_finds(max_postings):
    import random

    rng = random.Random(max_postings)
    articles = [case(f"c{i:03}", organizations=[org(f"o{rng.randrange(15)}")],
                     themes=[f"t{rng.randrange(6)}" for _ in range(rng.randrange(3))],
                     channels=rng.sample(["tv", "radio", "press", "website"], rng.randrange(1, 4)),
                     audiences=rng.sample(["young-people", "parents"], rng.randrange(0, 3)))
                for i in range(60)]
    settings = CrossLinksSettings(max_postings=max_postings, min_score=0.4)
    related = relate_articles(articles, settings)
    expected = brute_force([case_terms(a) for a in articles], settings)
    assert {slug: [r.slug for r in found] for slug, found in related.items()} == expected
    assert sum(len(found) for found in expected.values()) > 20  # the comparison is not vacuous


def test_cases_related_in_two_processes_are_those_related_in_one(forks, monkeypatch):
    """The cases are scored in shares, in this process and a forked one (casebook/forked.py):
    the same related cases, scores and reasons as in one process."""
    import random

    from casebook import forked
    from plugins.crosslinks.related import CaseTerms, relate

    draw = random.Random(7)
    kinds = ("organizations", "people", "themes", "sectors", "channels")
    cases = [CaseTerms(f"cas-{number:03d}", {(kind, f"{kind}-{draw.randrange(12)}"): f"{kind} {number % 12}"
                                             for kind in draw.sample(kinds, 3)},
                       frozenset({f"cas-{number + 1:03d}"}) if number % 10 == 0 else frozenset())
             for number in range(240)]
    two = relate(cases)
    assert len(forks) == 1
    monkeypatch.setattr(forked, "processes", lambda: 1)
    one = relate(cases)
    assert len(forks) == 1
    assert two == one and len(two) == 240
    assert sum(1 for related in two.values() if related) > 200
