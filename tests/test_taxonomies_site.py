"""Taxonomy pages in built sites: the committed content, and a generated archive that paginates."""

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from casebook.check import case_files, load_case
from casebook.site import DEVELOP_SETTINGS, BuildError, build
from plugins.taxonomies.core import FACET_NAMES
from tests.conftest import ROOT
from tests.test_site import resolve


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def case_links(site: Path, page: Path) -> list[str]:
    """Slugs of the cases a term page lists as cards, in order (each card counted once)."""
    slugs = []
    for link in soup_of(page).select(".term-cases .cases a[href]"):
        target = resolve(site, page, link["href"])
        assert target is not None and target.is_file(), f"{page}: {link['href']} does not resolve"
        parts = target.relative_to(site).parts
        if parts[0] == "cases" and parts[1] not in slugs:
            slugs.append(parts[1])
    return slugs


def term_pages(site: Path, facet: str, slug: str) -> list[Path]:
    """The first page of a term and every .../page/N/ after it, checking they are numbered 2, 3, ..."""
    first = site / facet / slug / "index.html"
    pages = [first]
    more = sorted((site / facet / slug / "page").glob("*/index.html"), key=lambda p: int(p.parent.name))
    assert [int(p.parent.name) for p in more] == list(range(2, len(more) + 2))
    return pages + more


def index_counts(site: Path, facet: str) -> dict[str, int]:
    """term slug -> count, from the facet's index (terms that have a page)."""
    index = site / facet / "index.html"
    counts = {}
    for item in soup_of(index).select(".term-list li"):
        link = item.find("a")
        if link is not None:
            target = resolve(site, index, link["href"])
            counts[target.parent.name] = int(item.select_one("[data-count]")["data-count"])
    return counts


def published_cases() -> list[dict]:
    found = []
    for path in case_files(ROOT / "content"):
        case, _ = load_case(path)
        if case.document.data.get("status") == "published":
            found.append({"slug": case.slug, **case.document.data})
    return found


# ---------------------------------------------------------------------------
# The committed content
# ---------------------------------------------------------------------------


def test_every_facet_has_an_index(built_site):
    for facet in FACET_NAMES:
        page = built_site / facet / "index.html"
        assert page.is_file(), facet
        assert soup_of(page).h1.get_text(strip=True)


def test_index_counts_match_the_term_pages(built_site):
    checked = 0
    for facet in FACET_NAMES:
        for slug, count in index_counts(built_site, facet).items():
            pages = term_pages(built_site, facet, slug)
            listed = [s for page in pages for s in case_links(built_site, page)]
            assert len(listed) == len(set(listed)) == count, f"{facet}/{slug}"
            shown = soup_of(pages[0]).select_one(".taxonomy-summary [data-count]")["data-count"]
            assert int(shown) == count, f"{facet}/{slug}"
            checked += 1
    assert checked >= len(published_cases())  # every case has at least a language


def test_terms_list_the_cases_their_front_matter_names(built_site):
    """Independent of the plugin's code: read the front matter and look for each case on its terms' pages."""
    expected: dict[tuple[str, str], set[str]] = {}
    for case in published_cases():
        keys = [("languages", case.get("lang")), ("formats", case.get("format"))]
        keys += [("organizations", o["id"]) for o in case.get("organizations") or [] if o.get("id")]
        keys += [("channels", c) for c in case.get("channels") or []]
        if case.get("date"):
            keys.append(("years", str(case["date"])[:4]))
        for key in keys:
            if key[1]:
                expected.setdefault(key, set()).add(case["slug"])
    assert expected
    for (facet, slug), slugs in sorted(expected.items()):
        listed = {s for page in term_pages(built_site, facet, slug) for s in case_links(built_site, page)}
        assert listed == slugs, f"{facet}/{slug}"


def test_renault_page_lists_the_two_cases_that_mention_it(built_site):
    pages = term_pages(built_site, "organizations", "renault")
    listed = [s for page in pages for s in case_links(built_site, page)]
    assert sorted(listed) == ["le-cnpa-defie-la-crise",
                              "retours-de-la-soiree-alter-mardis-sur-la-co-construction-renault-et-voiture-et"]
    html = soup_of(pages[0])
    assert html.h1.get_text(strip=True) == "Renault"
    assert html.select(".term-roles li"), "an organization page shows the roles it played"
    assert index_counts(built_site, "organizations")["renault"] == 2


def test_the_italian_case_is_under_languages_it(built_site):
    listed = [s for page in term_pages(built_site, "languages", "it") for s in case_links(built_site, page)]
    assert listed == ["les-influstriels-il-collettivo-di-influencer-dell-industria-francese"]
    assert soup_of(built_site / "languages" / "it" / "index.html").h1.get_text(strip=True) == "italien"


def test_entity_page_shows_the_registry_entry(built_site):
    from casebook.registry import load_registry

    entity = load_registry(ROOT / "content").all("organizations")[0]
    page = soup_of(built_site / "organizations" / entity.id / "index.html")
    assert page.h1.get_text(strip=True) == entity.name
    for alias in entity.aliases:
        assert alias in page.select_one(".entity-aliases").get_text()
    assert page.select_one(".term-description").get_text(strip=True)


# ---------------------------------------------------------------------------
# A generated archive: digits at the end of slugs, pagination, drafts, minimum count
# ---------------------------------------------------------------------------

CASE = """---
title: Cas {n}
slug: cas-{n}
date: 2021-0{n}-01
lang: fr
status: {status}
themes:
{themes}
{organizations}---

Texte {n}.{mention}
"""
THEMES = {1: ["x1", "rare"], 2: ["x1"], 3: ["x1"], 4: ["x12", "COP21"], 5: ["X12", "cop21"]}
ACME_CASES = (1, 2, 3)  # the cases that name and mention the organization Acme, one per page of its term
ACME = "---\nname: Acme\ntype: company\n---\n\nEntreprise fictive.\n"


@pytest.fixture(scope="module")
def paginated_site(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("taxonomy-build")
    content = base / "content"
    (content / "cases").mkdir(parents=True)
    for kind in ("organizations", "people", "campaigns"):
        (content / "entities" / kind).mkdir(parents=True)
    cases = {n: ("published", themes) for n, themes in THEMES.items()}
    cases[6] = ("draft", ["x1", "x12"])
    for n, (status, themes) in cases.items():
        listed = "\n".join(f"- {t}" for t in themes)
        named = n in ACME_CASES and status == "published"
        organizations = "organizations:\n- id: acme\n  name: Acme\n" if named else ""
        mention = f" Le cas {n} cite Acme pour sa campagne {n}." if named else ""
        (content / "cases" / f"cas-{n}.md").write_text(
            CASE.format(n=n, status=status, themes=listed, organizations=organizations, mention=mention),
            encoding="utf-8")
    (content / "entities" / "organizations" / "acme.md").write_text(ACME, encoding="utf-8")
    # Another template reads the shared context variable, as the theme's home page does.
    overrides_dir = base / "templates"
    overrides_dir.mkdir()
    (overrides_dir / "archives.html").write_text(
        "{% for facet in taxonomies.values() %}{{ facet.name }}:{% for t in facet.terms %}{{ t.slug }}={{ t.count }},"
        "{% endfor %};{% endfor %}", encoding="utf-8")
    overrides = {"CASEBOOK_TAXONOMY_PAGINATION": 1, "CASEBOOK_TAXONOMY_MIN_COUNT": 2,
                 "CASEBOOK_TAXONOMY_FACETS": ["themes", "years", "organizations"],
                 "THEME_TEMPLATES_OVERRIDES": [str(overrides_dir)],
                 "LOAD_CONTENT_CACHE": False, "CACHE_CONTENT": False}
    return build(content, base / "output", DEVELOP_SETTINGS, overrides).output


@pytest.mark.parametrize(("facet", "slug", "expected"), [
    ("themes", "x1", ["cas-3", "cas-2", "cas-1"]),
    ("themes", "x12", ["cas-5", "cas-4"]),
    ("themes", "cop21", ["cas-5", "cas-4"]),
    ("years", "2021", ["cas-5", "cas-4", "cas-3", "cas-2", "cas-1"]),
])
def test_slugs_ending_in_digits_paginate_without_collision(paginated_site, facet, slug, expected):
    pages = term_pages(paginated_site, facet, slug)
    assert [case_links(paginated_site, page) for page in pages] == [[s] for s in expected]
    for number, page in enumerate(pages, start=1):
        html = soup_of(page)
        assert html.h1.get_text(strip=True).casefold() == slug.casefold()
        if number > 1:
            prev = html.select_one(".term-cases a[rel=prev]")["href"]
            assert resolve(paginated_site, page, prev) == pages[number - 2]


def test_each_page_of_an_entity_term_gives_the_mention_context_of_its_own_cases(paginated_site):
    pages = term_pages(paginated_site, "organizations", "acme")
    assert [case_links(paginated_site, page) for page in pages] == [["cas-3"], ["cas-2"], ["cas-1"]]
    for page, n in zip(pages, (3, 2, 1), strict=True):
        items = soup_of(page).select("section.mentions li.mention-case")
        assert [resolve(paginated_site, page, item.a["href"]).parent.name for item in items] == [f"cas-{n}"]
        assert [item.select_one(".mention-context").get_text(strip=True) for item in items] == [
            f"Le cas {n} cite Acme pour sa campagne {n}."]


def test_drafts_are_built_but_not_counted(paginated_site):
    assert (paginated_site / "drafts" / "cas-6" / "index.html").is_file()
    assert index_counts(paginated_site, "themes") == {"x1": 3, "x12": 2, "cop21": 2}


def test_terms_below_the_minimum_are_listed_without_a_page(paginated_site):
    assert not (paginated_site / "themes" / "rare").exists()
    items = [li.get_text(" ", strip=True) for li in soup_of(paginated_site / "themes" / "index.html")
             .select(".term-list li")]
    assert items[-1].startswith("rare") and "1" in items[-1]


def test_other_templates_see_every_facet_and_count(paginated_site):
    text = (paginated_site / "archives" / "index.html").read_text(encoding="utf-8")
    assert text == "themes:x1=3,cop21=2,x12=2,rare=1,;years:2021=5,;organizations:acme=3,;"
    assert not (paginated_site / "languages").exists()  # only the facets the setting names


def test_a_bad_setting_stops_the_build(tmp_path, paginated_site):
    content = paginated_site.parent / "content"
    with pytest.raises(BuildError) as error:
        build(content, tmp_path / "output", DEVELOP_SETTINGS, {"CASEBOOK_TAXONOMY_FACETS": ["themes", "tags"]})
    assert error.value.problems[0].startswith("CASEBOOK_TAXONOMY_FACETS: 'tags' must be one of themes")
    assert not (tmp_path / "output").exists()


def test_often_found_with_reads_term_facet_and_count(built_site):
    items = soup_of(built_site / "organizations" / "renault" / "index.html").select(".term-associated li")
    assert items
    for item in items:
        text = " ".join(item.get_text().split())
        name, facet = item.a.get_text(), item.select_one(".facet-name").get_text()
        assert re.fullmatch(rf"{re.escape(name)} · {re.escape(facet)} · \d+ cas", text), text
    assert "emploi · Thèmes · 2 cas" in [" ".join(item.get_text().split()) for item in items]
