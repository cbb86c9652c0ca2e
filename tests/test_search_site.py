"""Search on the built site: the index it ships, and the search page driven in Chromium."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import expect

from casebook.check import case_files, load_case
from plugins.casebook_theme.i18n import format_date
from tests.conftest import ROOT, copy_content, run_invoke, serving

FACET_PAGES = ("themes/", "organizations/", "sectors/", "channels/", "years/", "languages/", "formats/")
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (event) => window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`));
"""


def fragments(site):
    """Every record of the Pagefind bundle, decoded (Pagefind gzips them behind a signature)."""
    records = []
    for path in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        records.append(json.loads(data[data.index(b"{"):]))
    return records


def test_the_index_holds_each_published_case_once_and_no_page_chrome(built_site):
    records = fragments(built_site)
    assert sorted(r["url"] for r in records) == sorted(cases())
    for record in records:
        assert record["meta"]["title"] and record["filters"]["lang"]
        for chrome in ("Aller au contenu", "Archive de cas de communication", "Rechercher"):
            assert chrome not in record["content"], (record["url"], chrome)
    bundle = {p.name for p in (built_site / "pagefind").iterdir()}
    assert "pagefind.js" in bundle and "pagefind-ui.js" not in bundle
    assert [name for name in bundle if name.startswith("wasm.")] == ["wasm.fr.pagefind"]


def cases(content=ROOT / "content"):
    """url -> front matter of every published case in the committed content."""
    found = {}
    for path in case_files(content):
        case, _ = load_case(path)
        if case.document.data.get("status") == "published":
            found[f"/cases/{case.slug}/"] = case.document.data
    return found


def test_every_page_has_a_search_box_that_works_without_javascript(built_site):
    pages = sorted(built_site.rglob("*.html"))
    assert pages
    for path in pages:
        form = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select_one("form.searchbox")
        assert form is not None, path
        assert form["method"] == "get" and form["action"].endswith("search/")
        assert form.find("input", attrs={"name": "q"})
        if path.relative_to(built_site).as_posix() != "404.html":  # served at any depth: links from the root
            assert not form["action"].startswith("/"), "links stay relative (sub-path)"


def test_the_search_page_without_javascript_links_to_the_facet_pages(built_site):
    soup = BeautifulSoup((built_site / "search" / "index.html").read_text(encoding="utf-8"), "html.parser")
    notice = soup.select_one("#search-nojs")
    assert "JavaScript" in notice.get_text()
    assert [a["href"].removeprefix("../") for a in notice.find_all("a")] == [*FACET_PAGES, "archives/"]
    assert not soup.find("script", src=False), "no inline script"
    labels = {(s["data-filter"], s["data-value"]): s.get_text() for s in soup.select("#search-labels span")}
    assert labels[("lang", "it")] == "italien" and labels[("lang", "fr")] == "français"


def open_search(page, url, expected=None):
    page.add_init_script(CSP_WATCH)
    page.goto(url)
    status = page.locator("#search-status")
    if "/search/" in url:
        query = urlparse(url).query
        shown(page, f"?{query}" if query else "")
    if expected is not None:
        expect(status).to_have_text(expected)
    return status


def result_titles(page):
    return page.locator("#search-results h2 a").all_inner_texts()


def csp_violations(page, console):
    return page.evaluate("window.__cspViolations") + [m for m in console if "Content Security Policy" in m]


def mentioning(organization_id):
    return sorted(url for url, data in cases().items()
                  if any(o.get("id") == organization_id for o in data.get("organizations") or []))


def result_urls(page):
    return sorted(urlparse(href).path for href in page.locator("#search-results h2 a").evaluate_all(
        "links => links.map(link => link.href)"))


def shown(page, query):
    """Waits until the results on screen are those of ``query`` (the search page's data-shown)."""
    expect(page.locator("#search")).to_have_attribute("data-shown", query)


def search_for(page, query):
    """Types a query in the search page's box and waits for its results."""
    page.fill("#search-q", query)
    page.press("#search-q", "Enter")
    shown(page, "?" + urlencode({"q": query}))


def shown_dates(page):
    """Result URL -> the date line's date, as the reader sees it."""
    return dict(page.locator("#search-results li").evaluate_all(
        """items => items.map(li => [new URL(li.querySelector("h2 a").href).pathname,
                                     li.querySelector(".search-meta").textContent.split(" · ")[0]])"""))


def result_date(data):
    """A case's date as the French interface writes it."""
    if "date" not in data:
        return "date inconnue"
    return format_date(dt.date.fromisoformat(str(data["date"])), data.get("date_precision", "day"), "fr")


@pytest.mark.browser
def test_names_aliases_and_unaccented_words_find_their_cases(page, site_server, console):
    renault, cci, opco = mentioning("renault"), mentioning("cci-france"), mentioning("opco-2i")
    assert len(renault) == 2 and len(cci) == 1 and opco
    open_search(page, f"{site_server}/search/")
    for query, expected in (("Renault", renault), ("reseau", cci), ("CCI", cci), ("Chambres de commerce", cci),
                            ("Opco 2i", opco), ("OPCO 2i", opco)):
        search_for(page, query)
        urls = result_urls(page)
        assert set(expected) <= set(urls), (query, urls)
        if query == "Renault":
            assert urls == renault
            assert shown_dates(page) == {url: result_date(cases()[url]) for url in renault}
            assert "24 avril 2013" in shown_dates(page).values()
    assert not csp_violations(page, console)


@pytest.mark.browser
def test_a_french_page_finds_the_italian_case_and_the_language_filter_narrows_to_it(page, site_server, console):
    italian = sorted(url for url, data in cases().items() if data.get("lang") == "it")
    assert len(italian) == 1
    open_search(page, f"{site_server}/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.fill("#searchbox-q", "industria")
    page.press("#searchbox-q", "Enter")
    shown(page, "?q=industria")
    assert parse_qs(urlparse(page.url).query) == {"q": ["industria"]}
    assert set(italian) <= set(result_urls(page))

    search_for(page, "campagne")
    everything = result_urls(page)
    assert set(italian) < set(everything), "the query should find cases in several languages"
    filters = page.locator("fieldset[data-filter=lang]")
    expect(filters).to_be_hidden()  # folded until asked for: their counts download every filter chunk
    page.locator("#search-filters-box summary").click()
    filters.locator("input[value=it]").check()
    expect(page).to_have_url(f"{site_server}/search/?q=campagne&lang=it")
    shown(page, "?q=campagne&lang=it")
    expect(page.locator("#search-status")).to_have_text("1 résultat")
    assert result_urls(page) == italian
    expect(page.locator("#search-results li").first).to_have_attribute("lang", "it")
    assert not csp_violations(page, console)


@pytest.mark.browser
def test_the_url_holds_the_search_and_the_back_button_restores_it(page, site_server, console):
    open_search(page, f"{site_server}/search/?q=campagne&lang=it", "1 résultat")
    expect(page.locator("#search-q")).to_have_value("campagne")
    italian = page.locator("fieldset[data-filter=lang] input[value=it]")
    expect(italian).to_be_checked()
    label = page.locator(f"label[for='{italian.get_attribute('id')}']")
    expect(label).to_have_text("italien (1)")
    italian.uncheck()
    expect(page).to_have_url(f"{site_server}/search/?q=campagne")
    shown(page, "?q=campagne")
    expect(page.locator("#search-status")).not_to_have_text("1 résultat")
    page.locator("#search-sort").select_option("date-desc")
    expect(page).to_have_url(f"{site_server}/search/?q=campagne&sort=date-desc")
    shown(page, "?q=campagne&sort=date-desc")
    dates = page.locator("#search-results time").evaluate_all("times => times.map(t => t.dateTime)")
    assert dates == sorted(dates, reverse=True) and len(dates) > 1
    page.go_back()
    expect(page).to_have_url(f"{site_server}/search/?q=campagne")
    expect(page.locator("#search-sort")).to_have_value("")
    shown(page, "?q=campagne")
    page.go_back()
    expect(page).to_have_url(f"{site_server}/search/?q=campagne&lang=it")
    expect(italian).to_be_checked()
    expect(page.locator("#search-status")).to_have_text("1 résultat")
    assert not csp_violations(page, console)


@pytest.mark.browser
def test_results_are_reachable_by_keyboard_and_escape_clears(page, site_server):
    open_search(page, f"{site_server}/search/?q=campagne", re.compile("résultats"))
    page.focus("#search-q")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#search-results h2 a").first).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(page.locator("#search-q")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#search-q")).to_have_value("")
    expect(page.locator("#search-results li")).to_have_count(0)
    expect(page).to_have_url(f"{site_server}/search/")


@pytest.mark.browser
def test_the_search_page_has_no_serious_accessibility_violation(page, site_server):
    from axe_playwright_python.sync_playwright import Axe

    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 800})
        open_search(page, f"{site_server}/search/?q=campagne", re.compile("résultats"))
        violations = Axe().run(page).response["violations"]
        serious = [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in ("serious", "critical")]
        assert not serious, serious
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"horizontal scroll at {width} px"


HOSTILE = """---
title: Piège zorglub <img src=x onerror="document.title='pwned'"> campagne
date: 2024-01-02
lang: fr
status: published
summary: Un résumé <script>document.title='pwned'</script> piégé.
organizations:
- name: <b>Evil</b> & Co
  role: advertiser
---

Le texte <img src=x onerror="document.title='pwned'"> du piège.
"""


DRAFT = """---
title: Brouillon zorglub pas encore publié
lang: fr
status: draft
---

Le brouillon zorglub ne doit jamais être trouvé.
"""


@pytest.mark.browser
def test_hostile_text_is_shown_as_text_and_a_draft_is_never_found(page, tmp_path, console):
    content = copy_content(tmp_path / "content")
    (content / "cases" / "piege.md").write_text(HOSTILE, encoding="utf-8")
    (content / "cases" / "brouillon.md").write_text(DRAFT, encoding="utf-8")
    output = tmp_path / "output"
    run_invoke("build", "--content", str(content), "--output", str(output), check=True)
    assert [r["url"] for r in fragments(output) if "zorglub" in r["content"]] == ["/cases/piege/"]
    with serving(output) as base:
        open_search(page, f"{base}/search/?q=zorglub", "1 résultat")
        result = page.locator("#search-results li")
        title = "Piège zorglub <img src=x onerror=\"document.title='pwned'\"> campagne"
        expect(result.locator("h2 a")).to_have_text(title)
        expect(result.locator(".search-orgs")).to_have_text("<b>Evil</b> & Co")
        expect(result.locator(".search-excerpt")).to_contain_text("<script>document.title='pwned'</script>")
        assert result.locator("img, script, b").count() == 0
        assert result.locator(".search-excerpt mark").count() >= 1
        assert page.title() != "pwned"
        assert not csp_violations(page, console)


@pytest.fixture(scope="module")
def english_server(english_site):
    with serving(english_site) as url:
        yield url


@pytest.mark.browser
def test_the_english_interface_searches_in_english(page, english_server, console, tmp_path):
    open_search(page, f"{english_server}/search/?q=campagne&lang=it", "1 result")
    expect(page.locator("#search-active")).to_have_text("(1 active)")
    expect(page.locator("fieldset[data-filter=lang] legend")).to_have_text("Language")
    italian = page.locator("fieldset[data-filter=lang] input[value=it]")
    expect(page.locator(f"label[for='{italian.get_attribute('id')}']")).to_have_text("Italian (1)")
    expect(page.locator("#search-results .search-meta")).to_contain_text("unknown date")
    page.screenshot(path=tmp_path / "search-en.png", full_page=True)
    open_search(page, f"{english_server}/search/?q=zorglubzorglub", "No results for “zorglubzorglub”")
    assert not csp_violations(page, console)


@pytest.mark.browser
def test_sorting_by_date_keeps_the_undated_cases(page, site_server, console):
    """Pagefind leaves a page without a sort value out of a sorted search: an undated case gets
    one, before every date (plugins/search/records.py: UNDATED)."""
    found = cases()
    undated = sorted(url for url, data in found.items() if "date" not in data)
    assert undated and len(undated) < len(found)
    open_search(page, f"{site_server}/search/?q=campagne")
    everything = result_urls(page)
    assert set(undated) & set(everything), "the query should find an undated case"
    for sort in ("date-desc", "date-asc"):
        open_search(page, f"{site_server}/search/?q=campagne&sort={sort}")
        assert result_urls(page) == everything, sort
        order = page.locator("#search-results h2 a").evaluate_all(
            "links => links.map(link => new URL(link.href).pathname)")
        dated = sorted((url for url in order if url not in undated), key=lambda url: found[url]["date"],
                       reverse=sort == "date-desc")
        without = [url for url in order if url in undated]
        # newest first: the undated cases last; oldest first: first
        assert order == (dated + without if sort == "date-desc" else without + dated), sort
    assert not csp_violations(page, console)
