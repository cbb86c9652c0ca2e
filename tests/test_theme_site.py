"""The committed content built with the theme: what readers, feed readers and search engines get."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from casebook.check import case_files, load_case
from casebook.schema import VOCABULARIES
from plugins.casebook_theme.i18n import catalog_path
from tests.conftest import ROOT

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
CASE_PAGE_BUDGET = 40 * 1024  # bytes of HTML + CSS for one case page (issue 4)


def published():
    cases = []
    for path in case_files(ROOT / "content"):
        case, _ = load_case(path)
        if case.document.data.get("status") == "published":
            cases.append((case.slug, case.document.data))
    assert cases, "the committed content has no published case"
    return cases


def soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_a_case_page_weighs_less_than_the_budget(built_site):
    for slug, _ in published():
        path = built_site / "cases" / slug / "index.html"
        sheets = [(path.parent / link["href"]).resolve() for link in soup(path).find_all("link", rel="stylesheet")]
        assert sheets, slug
        css = sum(sheet.stat().st_size for sheet in sheets)
        html = path.stat().st_size
        assert html + css < CASE_PAGE_BUDGET, f"{slug}: {html} B of HTML + {css} B of CSS"


def test_case_pages_show_the_card_with_every_annotation(built_site):
    for slug, data in published():
        page = soup(built_site / "cases" / slug / "index.html")
        glance = page.find(class_="glance")
        assert page.h1.get_text(strip=True) == data["title"].strip()
        assert glance is not None, slug
        text = glance.get_text(" ", strip=True)
        for org in data.get("organizations", []):
            assert org["name"] in text, (slug, org["name"])
        values = [d["value"] for d in glance.select(".figures__value")]
        assert values == [str(f["value"]) for f in data.get("figures", [])], slug
        if "date" not in data:
            assert "date inconnue" in text
        lang = data.get("lang", "fr")
        assert page.h1["lang"] == lang and page.find(class_="case__body")["lang"] == lang
        assert page.find(class_="citation") is not None


def test_the_placeholder_date_never_reaches_a_reader(built_site):
    undated = [slug for slug, data in published() if "date" not in data]
    assert undated, "the committed content has no undated case to check"
    leaks = [str(p.relative_to(built_site)) for p in sorted(built_site.rglob("*"))
             if p.suffix in (".html", ".xml", ".txt") and "1970" in p.read_text(encoding="utf-8")]
    assert not leaks


def test_each_case_has_valid_jsonld(built_site):
    for slug, data in published():
        page = soup(built_site / "cases" / slug / "index.html")
        blocks = page.find_all("script", type="application/ld+json")
        assert len(blocks) == 1, slug
        jsonld = json.loads(blocks[0].string)
        assert jsonld["@context"] == "https://schema.org" and jsonld["@type"] == "Article"
        assert jsonld["headline"] == data["title"]
        assert ("datePublished" in jsonld) == ("date" in data), slug
        assert jsonld.get("about") or jsonld.get("mentions"), slug
        if data.get("authors"):
            assert [a["name"] for a in jsonld["author"]] == data["authors"]


def test_pages_follow_the_content_security_policy(built_site):
    for path in sorted(built_site.rglob("*.html")):
        page = soup(path)
        assert page.find("meta", attrs={"http-equiv": "Content-Security-Policy"}), path
        assert not page.find("style") and not page.find(style=True), path
        for script in page.find_all("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", path


def test_feed_lists_every_published_case(built_site):
    feed = ET.parse(built_site / "feeds" / "all.atom.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert sorted(e.find(f"{ATOM}title").text for e in entries) == sorted(d["title"] for _, d in published())
    for entry in entries:
        href = entry.find(f"{ATOM}link").get("href")
        assert (built_site / "feeds" / href / "index.html").resolve().is_file(), href
    home = soup(built_site / "index.html")
    assert home.find("link", rel="alternate", type="application/atom+xml")


def test_sitemap_robots_and_404(built_site):
    urlset = ET.parse(built_site / "sitemap.xml").getroot()
    locs = {e.text for e in urlset.iter(f"{SITEMAP}loc")}
    assert {f"cases/{slug}/" for slug, _ in published()} <= locs
    assert "404.html" not in locs
    assert (built_site / "robots.txt").read_text(encoding="utf-8").startswith("User-agent: *")
    notfound = soup(built_site / "404.html")
    assert notfound.h1.get_text(strip=True) == "Page introuvable"
    assert notfound.find("meta", attrs={"name": "robots", "content": "noindex"})


def test_archive_groups_cases_by_year_and_keeps_undated_ones(built_site):
    page = soup(built_site / "archives" / "index.html")
    titles = [a.get_text(strip=True) for a in page.select(".timeline__item > a")]
    assert sorted(titles) == sorted(d["title"].strip() for _, d in published())
    years = sorted({str(d["date"])[:4] for _, d in published() if "date" in d}, reverse=True)
    headings = [h["id"] for h in page.select(".timeline h2")]
    assert headings == [f"y{y}" for y in years] + (["undated"] if any("date" not in d for _, d in published())
                                                   else [])


@pytest.fixture(scope="module")
def absolute_site(tmp_path_factory):
    """The site built for an absolute address: canonical URLs, absolute sitemap and feed."""
    output = tmp_path_factory.mktemp("absolute") / "output"
    env = {**os.environ, "CASEBOOK_SITEURL": "https://example.org/casebook"}
    result = subprocess.run([sys.executable, "-m", "invoke", "build", "--output", str(output)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return output


@pytest.mark.slow
def test_an_absolute_site_address_gives_canonical_urls_and_open_graph(absolute_site):
    slug, data = published()[0]
    page = soup(absolute_site / "cases" / slug / "index.html")
    url = f"https://example.org/casebook/cases/{slug}/"
    assert page.find("link", rel="canonical")["href"] == url
    assert page.find("meta", property="og:url")["content"] == url
    assert page.find("meta", property="og:title")["content"] == data["title"]
    assert json.loads(page.find("script", type="application/ld+json").string)["url"] == url
    locs = [e.text for e in ET.parse(absolute_site / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    assert url in locs and all(loc.startswith("https://example.org/casebook/") for loc in locs)
    assert "Sitemap: https://example.org/casebook/sitemap.xml" in (absolute_site / "robots.txt").read_text()
    notfound = soup(absolute_site / "404.html")
    assert notfound.find("link", rel="stylesheet")["href"] == "https://example.org/casebook/theme/css/casebook.css"


def test_relative_site_has_no_canonical_url(built_site):
    slug, _ = published()[0]
    page = soup(built_site / "cases" / slug / "index.html")
    assert page.find("link", rel="canonical") is None and page.find("meta", property="og:title")


# ---------------------------------------------------------------- the English interface

PLACEHOLDER = re.compile(r"%\(\w+\)s")


def phrase_pattern(text: str) -> re.Pattern:
    """A translated string as a regular expression: placeholders match anything, spaces any space."""
    parts = ["\\s+".join(re.escape(word) for word in re.split(r"\s+", part)) for part in PLACEHOLDER.split(text)]
    return re.compile(r"(?<!\w)" + ".+?".join(parts) + r"(?!\w)")


def french_interface_patterns() -> list[re.Pattern]:
    """Every French string of the interface: the catalog's translations and the vocabulary labels,
    less those that read the same in English ("Format", "Source")."""
    with catalog_path(ROOT / "theme" / "translations", "fr").open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    english, french = [], []
    for message in catalog:
        if message.id:
            english += message.id if isinstance(message.id, tuple) else [message.id]
            french += message.string if isinstance(message.string, tuple) else [message.string]
    for vocabulary in VOCABULARIES.values():
        english += [labels["en"] for labels in vocabulary.values()]
        french += [labels["fr"] for labels in vocabulary.values()]
    english_text = "\n".join(english)
    patterns = {phrase_pattern(text) for text in french if text.strip()}
    return sorted((p for p in patterns if not p.search(english_text)), key=lambda p: p.pattern)


def interface_text(path) -> str:
    """A page's own words: its text and labels, without what the cases and the registry say (the
    cases' text is marked with its language; an entity's description is the registry's)."""
    page = soup(path)
    for element in page.select("script, .term-description"):
        element.decompose()
    for element in page.select("body [lang]"):
        if element.get("lang") != "en":
            element.decompose()
    labels = [value for element in page.find_all(True) for name, value in element.attrs.items()
              if name in ("aria-label", "placeholder", "alt") or name.startswith("data-")]
    return " ".join(" ".join(map(str, [page.get_text(" "), *labels])).split())


def test_an_english_build_shows_no_french_interface_string(english_site, built_site):
    patterns = french_interface_patterns()
    pages = [f"cases/{slug}/index.html" for slug, _ in published()] + [
        "themes/index.html", "organizations/index.html", "themes/emploi/index.html",
        "organizations/renault/index.html", "search/index.html"]
    for page in pages:
        assert soup(english_site / page).html["lang"] == "en"
        found = [p.pattern for p in patterns if p.search(interface_text(english_site / page))]
        assert not found, (page, found)
    # the same check finds the French interface in the French build
    for page in ("search/index.html", "organizations/renault/index.html"):
        found = {p.pattern for p in patterns if p.search(interface_text(built_site / page))}
        assert {phrase_pattern("Rechercher dans les cas").pattern, phrase_pattern("Souvent associé à").pattern
                } & found, page
