"""Pelican glue for Casebook's theme: interface language, display filters, feed, sitemap.

- ``initialized``: the theme's settings are checked before any content is read;
- ``generator_init``: every generator's Jinja environment gets the gettext catalog of
  CASEBOOK_UI_LANG and the filters and globals the templates use (see the README), among
  them ``cached_card``, which renders each case card once per build (``cards``);
- ``all_generators_finalized``: which taxonomy pages exist, so templates link only to those;
- ``get_generators``: the Atom feed and robots.txt;
- ``finalized``: the sitemap of every written page, and the theme's CSS minified.
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

from jinja2 import pass_context
from pelican import signals
from pelican.generators import Generator

from .cards import card_cache
from .config import read_config
from .facts import authors_of
from .i18n import format_date, format_number, install_gettext, iso_date, load_translations, vocabulary_label
from .links import term_url, term_url_index
from .outputs import atom_feed, is_absolute, minify_stylesheets, page_urls, robots, sitemap, write
from .structured import case_jsonld

log = logging.getLogger(__name__)

I18N_EXTENSION = "jinja2.ext.i18n"
TERM_URLS = "casebook_term_urls"  # context key: (facet, slug) -> URL of the written term page


def translations_dir(settings) -> Path:
    return Path(settings["THEME"]) / "translations"


def absolute_site_url(settings) -> str:
    """SITEURL when it is an absolute address (canonical URLs, Open Graph), else ''."""
    site_url = (settings.get("SITEURL") or "").rstrip("/")
    return site_url if is_absolute(site_url) else ""


@pass_context
def _term_url(context, facet: str, slug=None) -> str | None:
    return term_url(context.get(TERM_URLS) or {}, facet, slug)


@pass_context
def _case_jsonld(context, article) -> dict:
    return case_jsonld(article, context.get("SITE_ABSOLUTE", ""),
                       lambda facet, slug: term_url(context.get(TERM_URLS) or {}, facet, slug))


def check_settings(pelican) -> None:
    read_config(pelican.settings)


def install(generator) -> None:
    """The interface language and the display helpers, in one generator's environment."""
    config = read_config(generator.settings)
    env = generator.env
    if I18N_EXTENSION not in env.extensions:
        env.add_extension(I18N_EXTENSION)
    env.policies["ext.i18n.trimmed"] = True
    install_gettext(env, load_translations(translations_dir(generator.settings), config.ui_lang))
    env.globals.update(
        UI_LANG=config.ui_lang,
        SITE_ABSOLUTE=absolute_site_url(generator.settings),
        CASEBOOK_FEED_ATOM=config.feed_atom,
        term_url=_term_url,
        case_jsonld=_case_jsonld,
        case_authors=authors_of,
        # one cache per build, shared by every generator (Pelican's context is the build's)
        cached_card=card_cache(generator.context, TERM_URLS).card,
    )
    # JSON-LD keeps accented letters as they are (|tojson still escapes <, >, & and ').
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    env.filters.update(
        format_date=partial(format_date, lang=config.ui_lang),
        iso_date=iso_date,
        format_number=partial(format_number, lang=config.ui_lang),
        label=partial(vocabulary_label, lang=config.ui_lang),
    )


def index_term_pages(generators) -> None:
    if generators:
        context = generators[0].context
        context[TERM_URLS] = term_url_index(context.get("taxonomies"))


class FilesGenerator(Generator):
    """The Atom feed of published cases and robots.txt."""

    def generate_context(self) -> None:
        pass

    def generate_output(self, writer) -> None:
        config = read_config(self.settings)
        output, site_url = Path(self.output_path), absolute_site_url(self.settings)
        if config.feed_atom:
            feed = atom_feed(self.context.get("articles", []), path=config.feed_atom, site_url=site_url,
                             title=self.settings.get("SITENAME", ""), subtitle=self.settings.get("SITESUBTITLE", ""),
                             lang=config.ui_lang, limit=config.feed_max)
            log.debug("Writing %s", write(output, config.feed_atom, feed))
        write(output, "robots.txt", robots(site_url=site_url, sitemap_path=config.sitemap))


def get_generators(pelican):
    return FilesGenerator


def write_sitemap(pelican) -> None:
    config = read_config(pelican.settings)
    if not config.sitemap:
        return
    site_url = absolute_site_url(pelican.settings)
    if not site_url:
        log.debug("sitemap.xml has relative addresses: set SITEURL (CASEBOOK_SITEURL) for absolute ones")
    output = Path(pelican.output_path)
    write(output, config.sitemap, sitemap(page_urls(output), site_url=site_url, path=config.sitemap))


def minify_theme_css(pelican) -> None:
    minify_stylesheets(Path(pelican.output_path) / pelican.settings.get("THEME_STATIC_DIR", "theme"))


def settle_urls(generator) -> None:
    """Each case's URL, worked out once: Pelican's ``url`` formats it from the settings and the
    metadata on every use (a relative path, a dict of the metadata: 0.04 ms), and the templates
    use it about twenty times per case (cards, related cases, mentions, feeds, records), some
    200,000 times in a 10,000-case build. Pelican returns ``override_url`` when a content has
    one. Once the generator has read and paired every article (the signal before taxonomies),
    nothing changes a case's slug, date or language any more. ``save_as`` is left alone: an
    ``override_save_as`` changes how Pelican writes the page."""
    for article in (*generator.articles, *generator.translations, *generator.drafts,
                    *generator.drafts_translations, *generator.hidden_articles, *generator.hidden_translations):
        if not hasattr(article, "override_url"):
            article.override_url = article.url


# Pelican's listing pages that Casebook turns off (its own taxonomies publish the facets): the
# setting that names their files, and the ArticlesGenerator method that writes them.
UNWRITTEN_LISTINGS = (("CATEGORY_SAVE_AS", "generate_categories"), ("TAG_SAVE_AS", "generate_tags"),
                      ("AUTHOR_SAVE_AS", "generate_authors"))


def skip_unwritten_listings(generator) -> None:
    """Pelican's category, tag and author pages are not generated when their file name is empty.

    Pelican writes nothing for an empty name, but before each call it lists the term's cases in
    date order by testing every case of the site against the term's list (``article in
    articles``): quadratic, 5.4 s of a 10,000-case build's process for 1,285 authors and one
    category. Their feeds are another method (``generate_feeds``), left alone."""
    for setting, method in UNWRITTEN_LISTINGS:
        if not generator.settings.get(setting):
            setattr(generator, method, _write_nothing)


def _write_nothing(write) -> None:
    """A listing whose pages are not written (see ``skip_unwritten_listings``)."""


def register() -> None:
    signals.article_generator_init.connect(skip_unwritten_listings)
    signals.initialized.connect(check_settings)
    signals.article_generator_pretaxonomy.connect(settle_urls)
    signals.generator_init.connect(install)
    signals.all_generators_finalized.connect(index_term_pages)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(write_sitemap)
    signals.finalized.connect(minify_theme_css)
