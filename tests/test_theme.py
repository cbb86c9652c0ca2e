"""The theme's core over fake cases: settings, catalogs, dates, numbers, JSON-LD, feed, sitemap."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from casebook.schema import UI_LANGUAGES, slugify
from plugins.casebook_theme import install
from plugins.casebook_theme.config import DEFAULTS, SettingsError, read_config
from plugins.casebook_theme.i18n import catalog_path, format_date, format_number, iso_date, load_translations
from plugins.casebook_theme.links import term_url, term_url_index
from plugins.casebook_theme.outputs import atom_feed, robots, sitemap
from plugins.casebook_theme.structured import case_jsonld
from tests.conftest import ROOT

THEME = ROOT / "theme"
TRANSLATIONS = THEME / "translations"
ATOM = "{http://www.w3.org/2005/Atom}"
PLACEHOLDER = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def case(slug="cnpa", day=None, precision="day", authors=None, **fields):
    """A fake Pelican article: undated cases carry Pelican's 1970 placeholder, as in a build."""
    metadata = {"authors": authors} if authors else {}
    values = dict(title=f"Case {slug}", url=f"cases/{slug}/", lang="fr", status="published", format="news",
                  summary_text="A summary.", organizations=[], people=[], campaign=None, channels=[],
                  audiences=[], figures=[], themes=[], sectors=[], places=[], source={}, reading_time=3,
                  content="<p>Body.</p>")
    values.update(fields)
    return SimpleNamespace(slug=slug, date=day or PLACEHOLDER, date_known=day is not None, date_precision=precision,
                           metadata=metadata, authors=authors or ["Casebook"], **values)


# ---------------------------------------------------------------- settings


def test_defaults_read_back():
    config = read_config({})
    assert config.ui_lang == DEFAULTS["CASEBOOK_UI_LANG"][0] == "fr"
    assert config.feed_atom == "feeds/all.atom.xml" and config.sitemap == "sitemap.xml"


@pytest.mark.parametrize("settings, message", [
    ({"CASEBOOK_UI_LANG": "de"}, "CASEBOOK_UI_LANG: 'de' must be one of fr, en"),
    ({"CASEBOOK_FEED_MAX": 0}, "CASEBOOK_FEED_MAX: 0 must be a whole number"),
    ({"CASEBOOK_SITEMAP": "../sitemap.xml"}, "CASEBOOK_SITEMAP: '../sitemap.xml' must be a path inside"),
])
def test_bad_settings_fail_fast_naming_the_setting(settings, message):
    with pytest.raises(SettingsError) as error:
        read_config(settings)
    assert message in str(error.value)


# ---------------------------------------------------------------- catalogs


def template_messages() -> dict[str, tuple]:
    """Every message the templates translate, extracted as `pybabel extract -F babel.cfg` does."""
    method_map = [("**.html", "jinja2")]
    options = {"**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
    found = {}
    for _file, _line, message, _comments, _context in extract_from_dir(THEME / "templates", method_map, options):
        found[message if isinstance(message, str) else message[0]] = message
    return found


def test_the_templates_translate_their_strings():
    messages = template_messages()
    assert {"At a glance", "unknown date", "Skip to content", "Page not found"} <= set(messages)


@pytest.mark.parametrize("lang", [lang for lang in UI_LANGUAGES if lang != "en"])
def test_every_template_message_has_a_translation(lang):
    with catalog_path(TRANSLATIONS, lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    missing = []
    for key, message in template_messages().items():
        entry = catalog.get(message if isinstance(message, str) else message[0])
        strings = () if entry is None else (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if entry is None or entry.fuzzy or not strings or not all(strings):
            missing.append(key)
    assert not missing, (f"untranslated in {catalog_path(TRANSLATIONS, lang)} (run the pybabel extract and update "
                         f"commands of the README's Theme section, then translate): {missing}")


def test_the_french_catalog_is_compiled_in_memory():
    french = load_translations(TRANSLATIONS, "fr")
    assert french.gettext("unknown date") == "date inconnue"
    assert french.ngettext("%(num)s language", "%(num)s languages", 2) == "%(num)s langues"
    assert load_translations(TRANSLATIONS, "en").gettext("unknown date") == "unknown date"


def test_a_missing_catalog_is_an_error_not_an_english_interface(tmp_path):
    with pytest.raises(FileNotFoundError, match="no catalog for interface language 'fr'"):
        load_translations(tmp_path, "fr")


# ---------------------------------------------------------------- dates and numbers


@pytest.mark.parametrize("lang, precision, expected", [
    ("fr", "day", "24 avril 2013"), ("fr", "month", "avril 2013"), ("fr", "year", "2013"),
    ("en", "day", "April 24, 2013"), ("en", "month", "April 2013"), ("en", None, "April 24, 2013"),
])
def test_dates_in_the_interface_language_at_the_stated_precision(lang, precision, expected):
    assert format_date(dt.datetime(2013, 4, 24, tzinfo=dt.UTC), precision, lang) == expected


def test_machine_dates_keep_the_same_precision():
    day = dt.date(2013, 4, 24)
    assert [iso_date(day, p) for p in ("day", "month", "year")] == ["2013-04-24", "2013-04", "2013"]


def test_key_figures_read_as_numbers():
    assert format_number(15_000_000, "fr") == "15 millions"
    assert format_number(1_500_000, "en") == "1.5 million"
    assert format_number(400_000, "fr") == "400\u202f000"
    assert format_number(83, "en") == "83"
    # memoized per value, type and language: the same number in another language or type is its own
    assert [format_number(v, "fr") for v in (2.5, 2, 2.5, 2_500_000)] == ["2,5", "2", "2,5", "2,5 millions"]
    assert [format_number(v, "en") for v in (2.5, 2_500_000)] == ["2.5", "2.5 million"]


# ---------------------------------------------------------------- templates in both languages


class FakeGenerator:
    def __init__(self, ui_lang: str):
        self.settings = {"THEME": str(THEME), "CASEBOOK_UI_LANG": ui_lang, "SITEURL": ""}
        self.env = Environment(loader=FileSystemLoader(THEME / "templates"), autoescape=True, trim_blocks=True,
                               lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
        self.env.filters["term_slug"] = slugify
        self.context = {}  # Pelican's context, one per build and shared by the generators


CONTEXT = {"SITENAME": "Casebook", "SITEURL": "..", "CASEBOOK_CSP": "default-src 'self'", "DEFAULT_LANG": "fr",
           "output_file": "cases/x/index.html"}


def render_case(ui_lang: str, article) -> str:
    generator = FakeGenerator(ui_lang)
    install(generator)
    return generator.env.get_template("article.html").render(article=article, **CONTEXT)


def rich_case(**fields):
    return case("rich", authors=["Estelle Durand"], figures=[{"value": 15000000, "unit": "euros", "label": "budget"}],
                organizations=[{"id": "opco-2i", "name": "Opco 2i", "role": "advertiser"}],
                channels=["tv"], **fields)


def test_english_interface_with_one_setting():
    html = render_case("en", rich_case())
    assert 'lang="en"' in html
    for text in ("At a glance", "unknown date", "Skip to content", "advertiser", "TV", "15 million", "by Estelle"):
        assert text in html, text
    assert "En bref" not in html and "date inconnue" not in html


def test_french_interface_by_default():
    html = render_case("fr", rich_case(day=dt.datetime(2013, 4, 24, tzinfo=dt.UTC)))
    for text in ("En bref", "24 avril 2013", "Aller au contenu", "annonceur", "télévision", "15 millions",
                 "par Estelle Durand", '<time datetime="2013-04-24">'):
        assert text in html, text
    assert "At a glance" not in html


def test_front_matter_text_stays_text_and_the_placeholder_date_never_shows():
    hostile = '<script>alert(1)</script>'
    html = render_case("fr", case(title=hostile, summary_text=hostile, themes=[hostile], authors=[hostile]))
    assert "<script>alert" not in html.replace('<script type="application/ld+json">', "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "1970" not in html and "date inconnue" in html
    assert "Casebook</dd>" not in html and "par Casebook" not in html  # Pelican's default AUTHOR is not an author


def test_the_case_content_is_marked_with_its_language():
    html = render_case("fr", case(lang="it", content="<p>L’industria</p>"))
    assert '<div class="case__body prose" lang="it">' in html and '<h1 lang="it">' in html


# ---------------------------------------------------------------- JSON-LD, links


def test_jsonld_names_author_date_and_entities():
    article = rich_case(day=dt.datetime(2013, 4, 24, tzinfo=dt.UTC), precision="month",
                        people=[{"id": "yann", "name": "Yann Drumare", "role": "directeur"}],
                        campaign={"id": "avec", "name": "Avec l'industrie"})
    urls = {("organizations", "opco-2i"): "organizations/opco-2i/"}
    data = case_jsonld(article, "https://example.org", lambda f, s: term_url(urls, f, s))
    assert data["@type"] == "Article" and data["datePublished"] == "2013-04"
    assert data["author"] == [{"@type": "Person", "name": "Estelle Durand"}]
    assert {"@type": "Organization", "name": "Opco 2i", "url": "https://example.org/organizations/opco-2i/"} \
        in data["about"]
    assert {"@type": "CreativeWork", "name": "Avec l'industrie"} in data["about"]
    assert data["mentions"] == [{"@type": "Person", "name": "Yann Drumare", "jobTitle": "directeur"}]
    assert data["url"] == "https://example.org/cases/rich/"


def test_jsonld_of_an_undated_case_has_no_date_and_no_made_up_author():
    data = case_jsonld(case())
    assert "datePublished" not in data and "author" not in data and "url" not in data
    assert "1970" not in json.dumps(data)


def test_term_links_only_for_written_pages():
    term = lambda slug, has_page=True: SimpleNamespace(slug=slug, url=f"themes/{slug}/", has_page=has_page)  # noqa: E731
    taxonomies = {"themes": SimpleNamespace(url="themes/", terms=[term("crise"), term("rare", has_page=False)])}
    index = term_url_index(taxonomies)
    assert term_url(index, "themes") == "themes/"
    assert term_url(index, "themes", "crise") == "themes/crise/"
    assert term_url(index, "themes", "rare") is None and term_url(index, "people", "x") is None
    assert term_url_index(None) == {}


def test_macros_link_terms_only_when_their_page_exists():
    generator = FakeGenerator("fr")
    install(generator)
    macro = generator.env.from_string('{% from "_macros.html" import term with context %}'
                                      '{{ term("themes", "crise", "Crise") }}|{{ term("themes", "rare", "Rare") }}')
    html = macro.render(SITEURL="..", casebook_term_urls={("themes", "crise"): "themes/crise/"})
    assert html == '<a href="../themes/crise/">Crise</a>|<span>Rare</span>'


# ---------------------------------------------------------------- feed, sitemap, robots


def test_feed_lists_published_cases_newest_first_without_placeholder_dates():
    cases = [case("old", day=dt.datetime(2013, 4, 24, tzinfo=dt.UTC)), case("undated"),
             case("new", day=dt.datetime(2023, 2, 17, tzinfo=dt.UTC), authors=["Estelle Durand"]),
             case("draft", day=dt.datetime(2024, 1, 1, tzinfo=dt.UTC), status="draft")]
    xml = atom_feed(cases, path="feeds/all.atom.xml", site_url="", title="Casebook", subtitle="", lang="fr", limit=10)
    assert b"1970" not in xml
    feed = ET.fromstring(xml)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}link").get("href") for e in entries] == ["../cases/new/", "../cases/old/",
                                                                     "../cases/undated/"]
    assert entries[2].find(f"{ATOM}published") is None and entries[2].find(f"{ATOM}updated") is None
    assert entries[0].find(f"{ATOM}author/{ATOM}name").text == "Estelle Durand"
    assert entries[1].find(f"{ATOM}author") is None  # no made-up author
    assert feed.find(f"{ATOM}updated").text.startswith("2023-02-17")
    assert xml == atom_feed(list(reversed(cases)), path="feeds/all.atom.xml", site_url="", title="Casebook",
                            subtitle="", lang="fr", limit=10)  # deterministic, whatever the input order


def test_feed_is_absolute_with_a_site_address_and_honours_its_limit():
    cases = [case(f"c{i}", day=dt.datetime(2020, 1, i + 1, tzinfo=dt.UTC)) for i in range(5)]
    feed = ET.fromstring(atom_feed(cases, path="feeds/all.atom.xml", site_url="https://example.org/cb",
                                   title="Casebook", subtitle="", lang="fr", limit=2))
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}id").text for e in entries] == ["https://example.org/cb/cases/c4/",
                                                           "https://example.org/cb/cases/c3/"]


def test_sitemap_and_robots():
    xml = sitemap(["", "cases/a/"], site_url="https://example.org", path="sitemap.xml")
    locs = [e.text for e in ET.fromstring(xml).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs == ["https://example.org/", "https://example.org/cases/a/"]
    assert b"Sitemap: https://example.org/sitemap.xml" in robots(site_url="https://example.org",
                                                                  sitemap_path="sitemap.xml")
    assert b"Sitemap" not in robots(site_url="", sitemap_path="sitemap.xml")  # robots.txt wants absolute URLs


def test_markup_from_macros_is_not_escaped_twice():
    generator = FakeGenerator("fr")
    install(generator)
    html = generator.env.from_string('{% from "_macros.html" import case_date with context %}{{ case_date(a) }}'
                                     ).render(a=case(day=dt.datetime(2013, 4, 24, tzinfo=dt.UTC)))
    assert html == Markup('<time datetime="2013-04-24">24 avril 2013</time>')



def test_page_urls_lists_pages_in_path_order(tmp_path):
    from plugins.casebook_theme.outputs import page_urls

    pages = ["index.html", "a/index.html", "a/b/index.html", "a-b/index.html", "a.b/x.html", "404.html",
             "drafts/d/index.html", "theme/t.html", "cases/z/index.html", "cases/z/page/2/index.html"]
    for page in [*pages, "feeds/all.atom.xml", "theme/css/x.css"]:
        (tmp_path / page).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / page).write_text("x", encoding="utf-8")
    # the order of sorted paths, part by part (as text, "a-b/" would come before "a/")
    assert page_urls(tmp_path) == ["a/b/", "a/", "a-b/", "a.b/x.html", "cases/z/", "cases/z/page/2/", ""]


def test_a_case_url_is_worked_out_once_and_kept_as_pelican_would_format_it():
    from plugins.casebook_theme import settle_urls

    class Case:
        formatted = 0

        def __init__(self, slug):
            self.slug = slug

        @property
        def url(self):  # as Pelican's Content.url: the override wins when there is one
            if hasattr(self, "override_url"):
                return self.override_url
            Case.formatted += 1
            return f"cases/{self.slug}/"

    class Generator:
        articles, translations, drafts = [Case("a"), Case("b")], [Case("a-it")], [Case("brouillon")]
        drafts_translations, hidden_articles, hidden_translations = [], [], []

    settle_urls(Generator)
    cases = [*Generator.articles, *Generator.translations, *Generator.drafts]
    assert [case.url for case in cases for _ in range(3)] == [
        url for url in ("cases/a/", "cases/b/", "cases/a-it/", "cases/brouillon/") for _ in range(3)]
    assert Case.formatted == 4


def test_pelican_lists_no_category_tag_or_author_whose_pages_are_not_written(tmp_path, monkeypatch):
    # Pelican's generate_categories/_tags/_authors sort every case of the site into each term's
    # list before a write that does nothing for an empty file name: quadratic at 10,000 cases.
    import sys

    from pelican.generators import ArticlesGenerator

    from casebook.site import run_pelican
    from tests.conftest import copy_content, file_tree

    content = copy_content(tmp_path / "content")
    methods = ("generate_categories", "generate_tags", "generate_authors")
    listed = []
    for method in methods:
        original = getattr(ArticlesGenerator, method)

        def spy(self, write, _method=method, _original=original):
            listed.append(_method)
            return _original(self, write)

        monkeypatch.setattr(ArticlesGenerator, method, spy)

    def build(name: str) -> dict[str, bytes]:
        output = tmp_path / name
        output.mkdir()
        run_pelican(content, output, ROOT / "publishconf.py",
                    {"CACHE_PATH": str(tmp_path / f"cache-{name}"), "CASEBOOK_SEARCH_INDEX": False})
        return file_tree(output)

    skipped = build("skipped")
    assert listed == []
    # the same build with Pelican's own listings (the plugin as Pelican loaded it, under its name)
    loaded = [m for m in list(sys.modules.values())
              if getattr(m, "__file__", None) and m.__file__.endswith("casebook_theme/__init__.py")]
    assert loaded
    for module in loaded:
        monkeypatch.setattr(module, "UNWRITTEN_LISTINGS", ())
    assert build("listed") == skipped
    assert sorted(listed) == sorted(methods)
    assert "cases/" in "".join(skipped) and not any(name.startswith(("author", "category", "tag")) for name in skipped)
