"""Cross-links in the site built from the committed content: related cases, campaign links,
mentions, backlinks, order, stability across builds, and the broken-link check."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from casebook.check import case_files, check_content, check_links, load_case
from tests.conftest import ROOT, copy_content, run_invoke


def cases_by(predicate) -> list[str]:
    found = []
    for path in case_files(ROOT / "content"):
        case, _ = load_case(path)
        if case.document.data.get("status") == "published" and predicate(case.document.data):
            found.append(case.slug)
    return sorted(found)


def names(data: dict, kind: str) -> set[str]:
    return {item.get("id") for item in data.get(kind) or [] if isinstance(item, dict)}


def page(site: Path, slug: str) -> BeautifulSoup:
    return BeautifulSoup((site / "cases" / slug / "index.html").read_text(encoding="utf-8"), "html.parser")


def target_slugs(links) -> list[str]:
    return [a["href"].rstrip("/").rsplit("/", 1)[-1] for a in links]


def related_of(site: Path, slug: str) -> list[str]:
    return target_slugs(page(site, slug).select("aside.related .case-card h3 a"))


def test_the_renault_cases_are_related_to_each_other(built_site):
    renault = cases_by(lambda data: "renault" in names(data, "organizations"))
    assert len(renault) == 2, renault
    first, second = renault
    assert second in related_of(built_site, first) and first in related_of(built_site, second)
    why = page(built_site, first).select_one("aside.related .related-why").get_text()
    assert "Renault" in why


def test_the_italian_and_opco_2i_cases_link_through_their_campaign(built_site):
    campaign = cases_by(lambda data: (data.get("campaign") or {}).get("id") == "avec-l-industrie")
    langs = {load_case(p)[0].slug: load_case(p)[0].document.data.get("lang") for p in case_files(ROOT / "content")}
    assert len(campaign) == 2 and {langs[s] for s in campaign} == {"fr", "it"}, campaign
    for slug, other in (campaign, campaign[::-1]):
        nav = page(built_site, slug).select_one("nav.case-campaign")
        assert nav is not None, slug
        assert target_slugs(nav.select("li a")) == [other]
        assert nav.select_one("h2 a")["href"].endswith("campaigns/avec-l-industrie/")
        assert nav.select_one("h2 .count").get_text(strip=True) == "2 cas"  # the campaign's size
    # The Italian interview names the campaign only by its Italian slogan, in a footnote: a
    # registry alias, linked as a mention.
    italian = next(s for s in campaign if langs[s] == "it")
    footnote = page(built_site, italian).select_one("div.footnote a.mention[href$='campaigns/avec-l-industrie/']")
    assert footnote is not None


def test_every_case_has_previous_or_next_in_chronological_order(built_site):
    slugs = cases_by(lambda data: True)
    chain = []
    current = next(s for s in slugs if page(built_site, s).select_one("a.case-previous") is None)
    while current:
        chain.append(current)
        following = page(built_site, current).select_one("a.case-next")
        current = target_slugs([following])[0] if following else None
    assert sorted(chain) == slugs
    dated = [s for s in chain if page(built_site, s).select_one(".case__byline time")]
    assert chain[:len(dated)] == dated  # undated cases come after the dated ones


def test_mentions_link_to_entity_pages_and_figures_are_wrapped(built_site):
    slug = cases_by(lambda data: "opco-2i" in names(data, "organizations"))[0]
    body = page(built_site, slug).select_one("div.case__body")
    mentions = body.select("a.mention")
    hrefs = [a["href"] for a in mentions]
    assert "../../organizations/opco-2i/" in hrefs
    assert len(hrefs) == len(set(hrefs))  # the first mention only
    assert not body.select("h1 a.mention, h2 a.mention, h3 a.mention, a a.mention, code a.mention")
    heading = next(h for h in body.select("h2") if "Avec l'industrie" in h.get_text())
    assert heading.a is None  # the campaign's name in a heading stays plain text
    assert "15 millions d'euros" in [span.get_text() for span in body.select("span.figure")]


def test_a_quote_attribution_is_left_alone(built_site):
    attributed = []
    for slug in cases_by(lambda data: True):
        for quote in page(built_site, slug).select("div.case__body blockquote"):
            attribution = quote.find_all("p")[-1]
            if attribution.get_text().lstrip().startswith("—"):
                attributed.append(attribution)
    assert attributed, "the curated content has a signed quote ('> — Name, title')"
    assert all(p.select_one("a.mention") is None for p in attributed)


def test_entity_pages_list_the_cases_that_mention_them_with_context(built_site):
    renault = cases_by(lambda data: "renault" in names(data, "organizations"))
    soup = BeautifulSoup((built_site / "organizations" / "renault" / "index.html").read_text(encoding="utf-8"),
                         "html.parser")
    items = soup.select("section.mentions li.mention-case")
    assert sorted(target_slugs(item.a for item in items)) == renault
    assert all("renault" in item.select_one(".mention-context").get_text().lower() for item in items)


def blocks(site: Path) -> dict[str, str]:
    found = {}
    for path in sorted((site / "cases").glob("*/index.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        found[path.parent.name] = "".join(str(soup.select_one(s) or "") for s in
                                          ("aside.related", "nav.case-campaign", "nav.case-pager", "div.case__body"))
    return found


@pytest.mark.slow
def test_links_are_stable_across_builds(built_site, tmp_path):
    output = tmp_path / "again"
    run_invoke("build", "--output", str(output), check=True)
    first, second = blocks(built_site), blocks(output)
    assert first and first == second
    assert all("related" in text for text in first.values())


def test_link_check_names_the_page_that_holds_a_broken_link(tmp_path):
    site = tmp_path / "site"
    (site / "cases" / "a").mkdir(parents=True)
    (site / "index.html").write_text('<a href="cases/a/">a</a><a href="https://example.org/x">x</a>'
                                     '<p id="top"></p><a href="#top">top</a>', encoding="utf-8")
    (site / "cases" / "a" / "index.html").write_text(
        '<a href="../../">home</a>\n<a class="mention" href="../../organizations/nobody/">Nobody</a>\n'
        '<a href="../../index.html#missing">x</a>', encoding="utf-8")
    problems = [str(p) for p in check_links(site, shown_as="output")]
    assert problems == [
        "output/cases/a/index.html:2: link: '../../organizations/nobody/' points to a page that does not exist "
        "(fix the link, or the content or template that writes it)",
        "output/cases/a/index.html:3: link: '../../index.html#missing': the page has no id 'missing' "
        "(fix the fragment after '#')",
    ]


@pytest.mark.slow
def test_the_build_fails_on_a_broken_link_and_names_the_file(tmp_path):
    content = copy_content(tmp_path / "content")
    path = sorted((content / "cases").glob("*.md"))[0]
    path.write_text(path.read_text(encoding="utf-8") + "\nVoir [ce thème](/themes/nulle-part/).\n", encoding="utf-8")
    output = tmp_path / "output"
    result = run_invoke("build", "--content", str(content), "--output", str(output))
    assert result.returncode == 1
    slug = load_case(path)[0].slug
    assert f"output/cases/{slug}/index.html:" in result.stderr
    assert "'/themes/nulle-part/' points to a page that does not exist" in result.stderr
    assert not output.exists()


def test_check_reports_body_links_to_unknown_cases_and_entities(tmp_path):
    content = copy_content(tmp_path / "content")
    path = sorted((content / "cases").glob("*.md"))[0]
    path.write_text(path.read_text(encoding="utf-8")
                    + "\n[a](../inconnu/) [b](/organizations/personne/) [c][]\n\n[c]: /campaigns/aucune/\n",
                    encoding="utf-8")
    problems = [str(p) for p in check_content(content)]
    assert len(problems) == 3, problems
    assert all(path.name in p and ": body: link " in p for p in problems)
    assert "no case has the slug 'inconnu'" in problems[0]
    assert "no entity organizations/personne" in problems[1]
    assert "no entity campaigns/aucune" in problems[2]


@pytest.mark.slow
def test_translations_show_as_language_links_both_ways(tmp_path):
    content = copy_content(tmp_path / "content")
    italian = cases_by(lambda data: data.get("lang") == "it")[0]
    french = cases_by(lambda data: (data.get("campaign") or {}).get("id") == "avec-l-industrie"
                      and data.get("lang") == "fr")[0]
    path = next(p for p in (content / "cases").glob("*.md") if load_case(p)[0].slug == italian)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n---\n", f"\ntranslation_of: {french}\n---\n", 1), encoding="utf-8")
    output = tmp_path / "output"
    run_invoke("build", "--content", str(content), "--output", str(output), check=True)
    for slug, other, lang in ((italian, french, "fr"), (french, italian, "it")):
        soup = page(output, slug)
        links = soup.select("nav.case-translations li a")
        assert target_slugs(links) == [other] and links[0]["hreflang"] == lang
        assert other not in related_of(output, slug)  # a translation is not a related case
