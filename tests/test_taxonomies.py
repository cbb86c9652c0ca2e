"""The taxonomy core over fake articles: identity, counts, order, associations, roles, settings."""

from datetime import date
from types import SimpleNamespace

import pytest

from casebook.registry import Entity, Registry
from plugins.taxonomies.config import DEFAULTS, SettingsError, read_config
from plugins.taxonomies.core import FACET_NAMES, FACETS, FACETS_BY_NAME, build_taxonomies, cloud_weight


def case(slug, status="published", day=None, **fields):
    return SimpleNamespace(slug=slug, status=status, date=day or date(1970, 1, 1), date_known=day is not None,
                           **fields)


def registry(*entities: Entity) -> Registry:
    reg = Registry()
    for entity in entities:
        reg.entities[entity.kind][entity.id] = entity
    return reg


RENAULT = Entity("organizations", "renault", "Renault", aliases=("groupe Renault",), type="company",
                 description="Constructeur *automobile*. <script>alert(1)</script>")
ARTICLES = [
    case("a", day=date(2020, 5, 1), themes=["Crise", "emploi"], lang="fr", channels=["tv"],
         organizations=[{"id": "renault", "name": "Renault", "role": "advertiser"}]),
    case("b", day=date(2022, 1, 1), themes=["crise"], lang="it", channels=["tv", "radio"],
         organizations=[{"id": "renault", "name": "groupe Renault", "role": "advertiser"},
                        {"name": "Agence Zéro", "role": "agency"}]),
    case("c", themes=["CRISE", "Emploi"], lang="fr",
         organizations=[{"name": "Groupe Renault", "role": "subject"}, {"name": "agence zero"}]),
    case("d", day=date(2021, 3, 1), themes=["Santé"], lang="fr"),
    case("draft", status="draft", day=date(2023, 1, 1), themes=["crise", "brouillon"], lang="de",
         organizations=[{"id": "renault", "name": "Renault", "role": "media"}]),
]


@pytest.fixture(scope="module")
def taxonomies():
    return build_taxonomies(ARTICLES, FACETS, registry(RENAULT))


def terms(taxonomies, facet):
    return {t.slug: t for t in taxonomies[facet].terms}


def test_free_text_terms_merge_by_identity_not_spelling(taxonomies):
    crise = terms(taxonomies, "themes")["crise"]
    assert [a.slug for a in crise.articles] == ["b", "a", "c"]
    assert crise.name == "CRISE"  # each spelling once: the first in sorted order wins the tie
    assert crise.spellings == ("CRISE", "Crise", "crise")
    assert crise.other_spellings == ("Crise", "crise")


def test_entities_merge_by_registry_id_and_proposals_by_alias_or_name(taxonomies):
    orgs = terms(taxonomies, "organizations")
    assert sorted(orgs) == ["agence-zero", "renault"]
    renault = orgs["renault"]
    assert renault.entity is RENAULT and renault.name == "Renault" and renault.type_label == "entreprise"
    assert [a.slug for a in renault.articles] == ["b", "a", "c"]  # c names it without id, by an alias
    assert orgs["agence-zero"].entity is None and orgs["agence-zero"].count == 2
    assert orgs["agence-zero"].name == "Agence Zéro"


def test_drafts_are_not_counted(taxonomies):
    assert "brouillon" not in terms(taxonomies, "themes")
    assert "de" not in terms(taxonomies, "languages")
    assert "2023" not in terms(taxonomies, "years")
    assert terms(taxonomies, "themes")["crise"].count == 3


def test_terms_sorted_by_count_then_name(taxonomies):
    assert [(t.slug, t.count) for t in taxonomies["themes"].terms] == [("crise", 3), ("emploi", 2), ("sante", 1)]
    assert [t.slug for t in taxonomies["channels"].terms] == ["tv", "radio"]
    three = build_taxonomies([case("x", themes=["b", "a", "C"])])
    assert [t.name for t in three["themes"].terms] == ["a", "b", "C"]  # accents and case ignored


def test_cases_newest_first_unknown_dates_last(taxonomies):
    assert [a.slug for a in terms(taxonomies, "languages")["fr"].articles] == ["d", "a", "c"]


def test_vocabulary_and_year_terms(taxonomies):
    assert terms(taxonomies, "channels")["tv"].name == "télévision"
    assert terms(taxonomies, "languages")["it"].name == "italien"
    english = build_taxonomies(ARTICLES, FACETS, registry(RENAULT), ui_lang="en")
    assert terms(english, "languages")["it"].name == "Italian"
    assert english["languages"].title == "Languages"
    assert sorted(terms(taxonomies, "years")) == ["2020", "2021", "2022"]  # c has no stated date


def test_roles_across_cases(taxonomies):
    roles = terms(taxonomies, "organizations")["renault"].roles
    assert [(r.id, r.label, r.count) for r in roles] == [("advertiser", "annonceur", 2), ("subject", "sujet", 1)]
    assert terms(taxonomies, "themes")["crise"].roles == ()


def test_co_occurrence(taxonomies):
    crise = terms(taxonomies, "themes")["crise"]
    associated = [(a.term.facet, a.term.slug, a.count) for a in crise.associated]
    # by cases shared, then facet order, then name; languages, years and formats are never offered
    assert associated == [("organizations", "renault", 3), ("themes", "emploi", 2),
                          ("organizations", "agence-zero", 2), ("channels", "tv", 2), ("channels", "radio", 1)]
    for most in (0, 1, 2, 3, 4):  # the top cuts through ties the same way as the full ranking
        limited = build_taxonomies(ARTICLES, FACETS, registry(RENAULT), associated_max=most)
        top = [(a.term.facet, a.term.slug, a.count) for a in terms(limited, "themes")["crise"].associated]
        assert top == associated[:most]


def test_min_count_lists_rare_terms_without_a_page():
    result = build_taxonomies(ARTICLES, FACETS, registry(RENAULT), min_count=2)
    themes = terms(result, "themes")
    assert themes["crise"].has_page and not themes["sante"].has_page
    assert [t.slug for t in result["themes"].pages] == ["crise", "emploi"]
    assert all(a.term.has_page for t in themes.values() for a in t.associated)


def test_output_is_deterministic_whatever_the_input_order():
    def snapshot(articles):
        result = build_taxonomies(articles, FACETS, registry(RENAULT))
        return [(f, t.slug, t.name, [a.slug for a in t.articles], [(a.term.slug, a.count) for a in t.associated])
                for f, index in result.items() for t in index.terms]

    assert snapshot(ARTICLES) == snapshot(list(reversed(ARTICLES)))


def test_description_is_rendered_safely(taxonomies):
    html = str(terms(taxonomies, "organizations")["renault"].description_html)
    assert "<em>automobile</em>" in html and "<script>" not in html


def test_term_urls_follow_the_contract(taxonomies):
    crise = terms(taxonomies, "themes")["crise"]
    assert (crise.url, crise.save_as) == ("themes/crise/", "themes/crise/index.html")
    assert taxonomies["themes"].url == "themes/"


def test_cloud_weights_span_the_levels():
    assert [cloud_weight(n, 1, 100) for n in (1, 10, 100)] == [1, 3, 5]
    assert cloud_weight(4, 4, 4) == 3


def test_every_facet_is_one_row_of_the_table():
    assert FACET_NAMES == ("themes", "organizations", "people", "campaigns", "sectors", "channels", "audiences",
                           "years", "languages", "formats", "places")
    empty = build_taxonomies([])
    assert list(empty) == list(FACET_NAMES) and all(not index.terms for index in empty.values())


def test_settings_defaults_and_choices():
    config = read_config({})
    assert [f.name for f in config.facets] == list(FACET_NAMES)
    assert config.pagination == DEFAULTS["CASEBOOK_TAXONOMY_PAGINATION"][0] and config.ui_lang == "fr"
    assert [f.name for f in read_config({"CASEBOOK_TAXONOMY_FACETS": ["years", "themes"]}).facets] == [
        "years", "themes"]
    assert read_config({"CASEBOOK_TAXONOMY_FACETS": ("themes",)}).facets == (FACETS_BY_NAME["themes"],)


@pytest.mark.parametrize("settings", [
    {"CASEBOOK_TAXONOMY_FACETS": ["themes", "tags"]},
    {"CASEBOOK_TAXONOMY_FACETS": "themes"},
    {"CASEBOOK_TAXONOMY_FACETS": ["themes", "themes"]},
    {"CASEBOOK_TAXONOMY_PAGINATION": 0},
    {"CASEBOOK_TAXONOMY_PAGINATION": "20"},
    {"CASEBOOK_TAXONOMY_MIN_COUNT": True},
    {"CASEBOOK_UI_LANG": "de"},
])
def test_bad_settings_fail_fast(settings):
    with pytest.raises(SettingsError, match="must be one of") as error:
        read_config(settings)
    assert next(iter(settings)) in str(error.value)


def test_cloud_order_ignores_accents_and_case():
    result = build_taxonomies([case("x", themes=["Zinc", "économie", "Energie", "acier"])])
    assert [t.name for t in result["themes"].alphabetical] == ["acier", "économie", "Energie", "Zinc"]
