"""Hostile text in every field and link syntax: the built site shows it as text, and runs none of it.

One site is built per module from the committed content plus cases and registry entities
whose every field carries markup, event attributes and script links. Every output page is
then read with BeautifulSoup: the only scripts are the theme's own files, no attribute is an
event handler, no URL is javascript: or data:, and every page carries the CSP.
"""

from __future__ import annotations

import json
import re
import runpy
import shutil
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from casebook.frontmatter import render
from casebook.render import browser_url
from tests.conftest import ROOT, copy_content, run_invoke, serving

pytestmark = pytest.mark.slow

# One payload per tag or attribute a browser would run; each is tagged so that the test can
# find the same words, as text, on the page.
PAYLOADS = {
    "script": "<script>alert('{tag}')</script>",
    "iframe": "<iframe src=\"https://evil.example/{tag}\"></iframe>",
    "style": "<style>body{{display:none}} /* {tag} */</style>",
    "onerror": "<img src=x onerror=\"alert('{tag}')\">",
    "svg": "<svg onload=alert('{tag}')>",
    "anchor": "<a href=\"javascript:alert('{tag}')\">{tag}</a>",
    "template": "{{{{ '{tag}' }}}} {{% raw %}} {{filename}}/x.md {{static}}/x.png {{tag}}x",
}


def hostile(tag: str) -> str:
    """Every payload in one line, each marked with ``tag`` (the field it went into)."""
    return " ".join(payload.format(tag=f"{tag}-{name}") for name, payload in PAYLOADS.items())


# Link syntaxes of Markdown, each with script and data URLs; the visible words must survive.
BODY_LINKS = """
Inline [lien-inline-js](javascript:alert('inline')) and [lien-inline-data](data:text/html,<script>alert(1)</script>).

Reference [lien-ref-js][js] and [lien-ref-data][data] and [lien-ref-short][].

Autolinks <javascript:alert('autolink')> and <data:text/html,alert(1)> and bare javascript:alert('bare').

Images ![image-js](javascript:alert('img')) and ![image-data](data:image/svg+xml,<svg onload=alert(1)>).

Encoded [lien-encoded](java&#115;cript:alert('enc')) and [lien-escaped](javascript\\:/**/alert('esc'))
and [lien-tab](java\tscript:alert('tab')) and [lien-colon](javascript&#58;alert('colon')).

Raw <a href="javascript:alert('raw')" onclick="alert('raw')">lien-raw</a>
<div onmouseover="alert('div')">bloc-raw</div>

<script>alert('block')</script>

<iframe src="javascript:alert('frame')"></iframe>

| colonne |
|---|
| <script>alert('table')</script> [lien-table](javascript:alert('t')) |

Note[^1].

[^1]: <img src=x onerror=alert('note')> [lien-note](javascript:alert('n'))

[js]: javascript:alert('ref')
[data]: data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==
[lien-ref-short]: vbscript:msgbox('short')
"""

# An alias with markup in it, written in the case body: the cross-links plugin links the
# mention, and must keep the markup as text while doing so.
MENTIONED = "Acme <b onmouseover=\"alert('mention')\">Évil</b>"


VISIBLE_WORDS = ["lien-inline-js", "lien-inline-data", "lien-ref-js", "lien-ref-data", "lien-ref-short",
                 "image-js", "image-data", "lien-encoded", "lien-escaped", "lien-tab", "lien-colon", "lien-table",
                 "lien-note", "<script>alert('block')</script>", "<a href=\"javascript:alert('raw')\"",
                 "<div onmouseover=\"alert('div')\">bloc-raw</div>", "<javascript:alert('autolink')>",
                 f"Un texte sur {MENTIONED} et la suite."]


def hostile_case() -> str:
    data = {
        "title": hostile("title"),
        "slug": "cas-hostile",
        "status": "published",
        "lang": "fr",
        "format": "news",
        "summary": hostile("summary"),
        "authors": [hostile("author")],
        "source": {"file": "hostile.txt", "publisher": hostile("publisher"),
                   "url": "https://evil.example/\"><script>alert('url')</script>"},
        "organizations": [{"id": "org-hostile", "name": hostile("org"), "role": "advertiser"},
                          {"name": hostile("proposal")}],
        "people": [{"name": hostile("person"), "role": hostile("role"), "organization": "org-hostile"}],
        "campaign": {"name": hostile("campaign")},
        "channels": ["tv"],
        "figures": [{"value": 3, "unit": hostile("unit"), "label": hostile("label"), "quote": hostile("quote")}],
        "themes": [hostile("theme")],
        "sectors": [hostile("sector")],
        "places": [hostile("place")],
    }
    return render(data, hostile("body") + f"\n\nUn texte sur {MENTIONED} et la suite.\n\n" + BODY_LINKS)


def hostile_entity() -> str:
    data = {"name": hostile("entity"), "aliases": [hostile("alias"), hostile("org"), MENTIONED], "type": "company",
            "url": "https://evil.example/\"onmouseover=\"alert('entity-url')"}
    return render(data, hostile("description") + "\n\n" + BODY_LINKS, order=("name", "aliases", "type", "url"))


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("hostile")
    content = copy_content(base / "content")
    (content / "cases" / "cas-hostile.md").write_text(hostile_case(), encoding="utf-8")
    organizations = content / "entities" / "organizations"
    organizations.mkdir(parents=True, exist_ok=True)
    (organizations / "org-hostile.md").write_text(hostile_entity(), encoding="utf-8")
    output = base / "output"
    run_invoke("build", "--content", str(content), "--output", str(output), check=True)
    yield output
    shutil.rmtree(base, ignore_errors=True)


def pages(site: Path) -> list[Path]:
    found = sorted(site.rglob("*.html"))
    assert found, f"no page in {site}"
    return found


LIVE_SCHEME = re.compile(r"^(javascript|data|vbscript):", re.IGNORECASE)
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "data", "xlink:href", "background", "srcset")
FORBIDDEN_ELEMENTS = ("iframe", "frame", "frameset", "object", "embed", "applet", "style", "base", "svg", "math")
THEME_SCRIPT = re.compile(r"^(\.\./|\./)*(theme/js/|pagefind/)[\w./-]+\.js$")
# The only form is the theme's search box: a GET form to the site's own search page (from the
# site's root on 404.html, which is served at any depth).
SEARCH_FORM = re.compile(r"^/?(\.\./|\./)*search/$")


def is_jsonld(element) -> bool:
    """The theme's schema.org data block: never run by a browser; JSON with no '<' that could end it."""
    if element.get("type") != "application/ld+json" or element.get("src"):
        return False
    text = element.get_text()
    try:
        json.loads(text)
    except ValueError:
        return False
    return "<" not in text


def live_parts(soup: BeautifulSoup) -> list[str]:
    """What in the page a browser would run or load from markup, apart from the theme's own scripts."""
    found = []
    for element in soup.find_all(True):
        if element.name == "script":
            if is_jsonld(element):
                continue
            if not THEME_SCRIPT.match(element.get("src", "")) or element.get_text().strip():
                found.append(str(element)[:120])
        elif element.name == "form" and not (SEARCH_FORM.match(element.get("action", ""))
                                             and element.get("method", "").lower() == "get"):
            found.append(f"<form action={element.get('action', '')[:60]}>")
        elif element.name in FORBIDDEN_ELEMENTS:
            found.append(f"<{element.name}>")
        elif element.name == "meta" and element.get("http-equiv", "").lower() == "refresh":
            found.append("meta refresh")
        for name, value in element.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower().startswith("on") or name.lower() in ("style", "srcdoc"):
                found.append(f"<{element.name} {name}=...>")
            if name.lower() in URL_ATTRIBUTES and LIVE_SCHEME.match(browser_url(value)):
                found.append(f"<{element.name} {name}={value[:60]}>")
    return found


def test_no_page_has_live_markup_from_the_content(hostile_site):
    problems = []
    for page in pages(hostile_site):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        problems += [f"{page.relative_to(hostile_site)}: {part}" for part in live_parts(soup)]
    assert not problems, "\n".join(problems)


def test_the_hostile_case_is_published(hostile_site):
    assert (hostile_site / "cases" / "cas-hostile" / "index.html").is_file()


def text_of(page: Path) -> str:
    """The page's text without any white space: plugins may split a phrase across elements."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return "".join(soup.get_text().split())


@pytest.mark.parametrize("field", ["title", "summary", "body"])
def test_the_reader_still_sees_the_markup_as_text(hostile_site, field):
    text = text_of(hostile_site / "cases" / "cas-hostile" / "index.html")
    for name, payload in PAYLOADS.items():
        shown = "".join(payload.format(tag=f"{field}-{name}").split())
        assert shown in text, f"{field}: {shown!r} is not shown on the case page"


def test_every_link_syntax_keeps_its_words(hostile_site):
    text = text_of(hostile_site / "cases" / "cas-hostile" / "index.html")
    missing = [word for word in VISIBLE_WORDS if "".join(word.split()) not in text]
    assert not missing, missing


def test_the_source_url_stays_one_attribute(hostile_site):
    """A quote in a URL field cannot close the attribute: the whole value stays in href or nowhere."""
    for page in pages(hostile_site):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for element in soup.find_all(href=re.compile(r"evil\.example")):
            assert element["href"].startswith("https://evil.example/"), element


def csp_setting() -> str:
    return runpy.run_path(str(ROOT / "pelicanconf.py"))["CASEBOOK_CSP"]


def test_the_policy_allows_scripts_from_the_site_only():
    directives = {part.split()[0]: part.split()[1:] for part in csp_setting().split(";") if part.strip()}
    assert directives["script-src"][0] == "'self'"
    assert not {"'unsafe-inline'", "'unsafe-eval'", "data:", "*"} & set(directives["script-src"])
    assert "'unsafe-inline'" not in directives.get("style-src", [])
    assert directives["object-src"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]


def test_every_page_carries_the_content_security_policy(hostile_site):
    policy = csp_setting()
    missing = []
    for page in pages(hostile_site):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        metas = soup.find_all("meta", attrs={"http-equiv": re.compile("^content-security-policy$", re.I)})
        first_script = soup.find("script")
        if len(metas) != 1 or metas[0].get("content") != policy or metas[0].find_parent("head") is None:
            missing.append(str(page.relative_to(hostile_site)))
        elif first_script is not None and first_script.sourceline < metas[0].sourceline:
            missing.append(f"{page.relative_to(hostile_site)}: a script comes before the policy")
    assert not missing, "\n".join(missing)


def test_feeds_carry_no_live_markup(hostile_site):
    """Feed readers render the HTML inside <content> and <summary>: it is the sanitised body."""
    feeds = sorted(hostile_site.rglob("*.xml"))
    assert feeds, "the publishing settings write an Atom feed"
    checked = 0
    for feed in feeds:
        for element in ElementTree.parse(feed).iter():
            if element.tag.rsplit("}", 1)[-1] in ("content", "summary", "description") and element.text:
                checked += 1
                parts = live_parts(BeautifulSoup(element.text, "html.parser"))
                assert not parts, f"{feed.relative_to(hostile_site)}: {parts}"
    assert checked


@pytest.fixture(scope="module")
def hostile_server(hostile_site):
    with serving(hostile_site) as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/cases/cas-hostile/", "/", "/organizations/org-hostile/", "/search/?q=Acme"])
def test_in_chromium_no_payload_runs(hostile_server, page, path):
    """Every payload calls alert(): a dialog would mean one ran. The search page draws its
    results (title, excerpt, organizations) from the index, which holds the same text."""
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(hostile_server + path)
    if path.startswith("/search/"):
        page.wait_for_selector("#search-results li", timeout=20000)
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.evaluate("document.querySelectorAll('iframe, object, embed').length") == 0
    assert "alert(" in page.inner_text("body")  # the payloads are there, as text
