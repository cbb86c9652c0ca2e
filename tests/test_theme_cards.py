"""Case cards rendered once per build (plugins/casebook_theme/cards.py): the cached card is
the macro's own output, per page depth, level and language, and never outlives its build."""

from __future__ import annotations

import datetime as dt

import pytest

from casebook.site import DEVELOP_SETTINGS, build
from plugins.casebook_theme import TERM_URLS, install
from plugins.casebook_theme.cards import CONTEXT_KEY, CardCache
from tests.conftest import copy_content
from tests.test_theme import FakeGenerator, case

CARDS = ('{% from "_macros.html" import case_card, case_card_markup with context %}'
         "{% for a in cases %}{{ case_card(a, level) }}@SAME@{{ case_card_markup(a, level) }}@NEXT@{% endfor %}")


def installed(ui_lang="fr", context=None):
    generator = FakeGenerator(ui_lang)
    generator.context = {} if context is None else context
    install(generator)
    return generator


def some_cases():
    return [case("cnpa", day=dt.datetime(2013, 4, 24, tzinfo=dt.UTC), themes=["Crise", "Réseau & presse"],
                 organizations=[{"id": "opco-2i", "name": "Opco 2i"}, {"name": "Sans fiche"}]),
            case("cci", lang="it", format="interview", summary_text="<b>not bold</b>"),
            case("undated", summary_text="", themes=[], organizations=[])]


def cards(generator, siteurl, level=3, cases=None):
    """(cached card, macro's own card) for each case, rendered on a page at ``siteurl``."""
    template = generator.env.from_string(CARDS)
    html = template.render(cases=cases or some_cases(), level=level, SITEURL=siteurl, **generator.context)
    return [tuple(pair.split("@SAME@")) for pair in html.split("@NEXT@")[:-1]]


@pytest.mark.parametrize("ui_lang", ["fr", "en"])
def test_a_cached_card_is_the_macros_card_at_every_depth_and_level(ui_lang):
    generator = installed(ui_lang, {TERM_URLS: {("organizations", "opco-2i"): "organizations/opco-2i/",
                                                ("themes", "crise"): "themes/crise/"}})
    cases = some_cases()
    seen = {}
    for siteurl in ("", "..", "../..", "../../../.."):
        for level in (2, 3):
            for _ in range(4):  # rendered the first time, from the cache the next three
                for cached, fresh in cards(generator, siteurl, level, cases):
                    assert cached == fresh
                    seen[(siteurl, level, cached)] = None
    cache = generator.context[CONTEXT_KEY]
    assert cache.rendered == len(cache) == 4 * 2 * len(cases)
    assert cache.reused == cache.rendered * 3
    assert len(seen) == len(cache)  # every depth and level has its own card
    first = cards(generator, "../..", 3, cases)[0][0]
    assert 'href="../../cases/cnpa/"' in first and 'href="../../organizations/opco-2i/"' in first
    assert "&lt;b&gt;not bold&lt;/b&gt;" in cards(generator, "..", 3, cases)[1][0]


def test_each_article_has_its_own_card_even_with_the_same_slug():
    generator = installed()
    old, new = case("cnpa", title="Before"), case("cnpa", title="After")
    assert "Before" in cards(generator, "..", cases=[old])[0][0]
    assert "After" in cards(generator, "..", cases=[new])[0][0]


def test_the_generators_of_one_build_share_the_cache_and_a_new_build_starts_empty():
    context = {}
    articles, taxonomies = installed(context=context), installed(context=context)
    cases = some_cases()
    cards(articles, "..", cases=cases)
    cache = context[CONTEXT_KEY]
    assert isinstance(cache, CardCache) and len(cache) == 3
    cards(taxonomies, "..", cases=cases)
    assert cache.reused == 3 and cache.rendered == 3
    next_build = installed(context={})
    assert len(next_build.context[CONTEXT_KEY]) == 0


def test_without_the_plugin_the_template_renders_the_card_itself():
    generator = installed("en")
    del generator.env.globals["cached_card"]
    for cached, fresh in cards(generator, ".."):
        assert cached == fresh and "case-card" in cached


@pytest.mark.slow
def test_an_edited_case_shows_its_new_card_in_the_next_build_of_the_same_process(tmp_path):
    content = copy_content(tmp_path / "content")
    overrides = {"CACHE_PATH": str(tmp_path / "cache")}  # Pelican's content cache warm, as in the preview
    build(content, tmp_path / "before", DEVELOP_SETTINGS, overrides)
    path = content / "cases" / "le-cnpa-defie-la-crise.md"
    text = path.read_text(encoding="utf-8")
    assert "\ntitle: " in text
    path.write_text(text.replace("\ntitle: ", "\ntitle: Titre corrigé — ", 1), encoding="utf-8")
    build(content, tmp_path / "after", DEVELOP_SETTINGS, overrides)

    term_pages = [p for p in (tmp_path / "after").glob("*/*/index.html") if 'href="../../cases/le-cnpa-defie' in
                  p.read_text(encoding="utf-8")]
    assert len(term_pages) > 3
    for page in term_pages:
        html = page.read_text(encoding="utf-8")
        assert "Titre corrigé — " in html, page
        assert "Titre corrigé — " not in (tmp_path / "before" / page.relative_to(tmp_path / "after")).read_text(
            encoding="utf-8")
