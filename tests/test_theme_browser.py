"""What a reader sees in Chromium: home, a case, a facet page and the 404, on a phone and a desktop.

Each test saves its screenshots under its tmp_path; axe-core checks every page template.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.test_theme_site import published

pytestmark = pytest.mark.browser

WIDTHS = (375, 1280)
BLOCKING = ("serious", "critical")


def richest_case():
    """The published case with the most key figures and organizations: the card at its fullest."""
    return max(published(), key=lambda c: (len(c[1].get("figures", [])), len(c[1].get("organizations", [])), c[0]))


@pytest.fixture
def open_page(browser, site_server, tmp_path):
    """Opens a path at a width (and colour scheme); fails on console errors (CSP violations, 404s)."""
    contexts = []

    def _open(path: str, width: int, scheme: str = "light"):
        context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        response = page.goto(site_server + path)
        assert response.ok, f"{path}: HTTP {response.status}"
        page.console_errors = errors
        return page

    yield _open
    for context in contexts:
        context.close()


def check_page(page, name: str, width: int, tmp_path) -> None:
    """Common to every template: a visible title, no sideways scrolling, no blocking axe violation."""
    page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)
    assert page.locator("h1").first.is_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"{name} scrolls sideways at {width} px ({overflow} px wide)"
    results = Axe().run(page)
    blocking = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                for v in results.response["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"{name} at {width} px: {blocking}"
    assert not page.console_errors, page.console_errors


@pytest.mark.parametrize("width", WIDTHS)
def test_home(open_page, tmp_path, width):
    page = open_page("/", width)
    check_page(page, "home", width, tmp_path)
    cards = page.locator(".case-card")
    assert cards.count() == len(published())
    assert page.locator(".case-card__title a").first.is_visible()
    facets = page.locator(".facets__link")
    assert facets.count() >= 5, "the home page offers an entry point to the facets"
    href = facets.first.get_attribute("href")
    with page.expect_navigation():
        page.click(".facets__link >> nth=0")
    assert page.url.endswith(href.lstrip("./")), (page.url, href)


@pytest.mark.parametrize("width", WIDTHS)
def test_case_page(open_page, tmp_path, width):
    slug, data = richest_case()
    page = open_page(f"/cases/{slug}/", width)
    check_page(page, "case", width, tmp_path)
    assert page.locator("h1").inner_text().strip() == data["title"].strip()
    glance = page.locator(".glance")
    assert glance.is_visible()
    figures = glance.locator(".figures > li")
    assert figures.count() == len(data.get("figures", [])) > 0
    first = figures.first
    assert first.locator(".figures__value").is_visible()
    assert data["figures"][0]["label"] in first.inner_text()
    big = first.locator(".figures__value").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    body = page.locator(".case__body p").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert big > 1.4 * body, "a key figure reads as a big number"
    org = next(o for o in data["organizations"] if o.get("id"))
    link = glance.locator(f'a[href$="organizations/{org["id"]}/"]')
    assert link.is_visible()
    with page.expect_navigation():
        link.click()
    assert page.url.endswith(f"/organizations/{org['id']}/")
    assert page.locator("h1").is_visible()


def test_case_page_keyboard_and_skip_link(open_page):
    slug, _ = richest_case()
    page = open_page(f"/cases/{slug}/", 375)
    page.keyboard.press("Tab")
    skip = page.locator(".skip")
    assert skip.evaluate("e => e === document.activeElement")
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["width"] > 0, "the skip link shows when focused"
    assert skip.evaluate("e => getComputedStyle(e).outlineStyle") != "none", "focus is visible"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null"), "Tab goes on from the content"


def test_case_page_dark_and_narrowest(open_page, tmp_path):
    slug, _ = richest_case()
    page = open_page(f"/cases/{slug}/", 320, scheme="dark")
    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert background != "rgb(250, 249, 246)", "the dark scheme applies"
    check_page(page, "case-dark", 320, tmp_path)


@pytest.mark.parametrize("width", WIDTHS)
def test_facet_page(open_page, tmp_path, width):
    page = open_page("/organizations/renault/", width)
    check_page(page, "facet", width, tmp_path)
    assert "Renault" in page.locator("h1").inner_text()
    assert page.locator(".case-card").count() >= 2


@pytest.mark.parametrize("width", WIDTHS)
def test_not_found_page(open_page, tmp_path, width):
    page = open_page("/404.html", width)
    check_page(page, "404", width, tmp_path)
    assert page.locator('main a[href="/"]').is_visible()


def test_every_other_case_passes_axe(open_page):
    """Each case's own body (footnotes, quotes, Q&A, mentions) against axe, on a phone; the
    richest case is checked at both widths by test_case_page."""
    richest, _ = richest_case()
    for slug, _ in published():
        if slug == richest:
            continue
        page = open_page(f"/cases/{slug}/", 375)
        violations = Axe().run(page).response["violations"]
        blocking = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations if v["impact"] in BLOCKING]
        assert not blocking, f"{slug}: {blocking}"
        page.context.close()
