"""A Pelican generator that writes the /search/ page and indexes the published cases.

As soon as every case is read and cross-linked (``start_index``, on article_generator_finalized,
else on all_generators_finalized), the records are built and indexed by Pagefind away from Pelican's work
(``pagefind_index.IndexJob``: in a forked child process, else in a thread), while Pelican
writes the pages. ``generate_output`` writes the search page; the index is waited for and
moved into the site after the build's link check (``casebook.pending``), or at once when
Pelican runs outside a Casebook build.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from casebook import pending
from casebook.registry import load_registry
from casebook.settings import ui_lang

from .pagefind_index import IndexJob
from .records import FILTERS, build_records, case_filters, filter_labels, is_published
from .settings import search_settings

log = logging.getLogger(__name__)

SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"
BUNDLE = "pagefind"

# Each filter's facet (README, URL contract) whose pages a reader without JavaScript browses
# instead, when the taxonomy plugin builds them. The legends are translated in search.html.
FILTER_PAGES = {
    "theme": "themes",
    "organization": "organizations",
    "sector": "sectors",
    "channel": "channels",
    "year": "years",
    "lang": "languages",
    "format": "formats",
}
assert set(FILTER_PAGES) == set(FILTERS)


class SearchGenerator(Generator):
    index_job = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.search = search_settings(self.settings)
        # Held weakly (a bound method): the receiver goes with this generator.
        signals.article_generator_finalized.connect(self.articles_read)

    def articles_read(self, generator) -> None:
        """Every case of this build is read and cross-linked (this receiver is connected when
        the generators are made, after every plugin's: crosslinks' runs first): the index starts
        now, while the taxonomies and the other generators work out their context."""
        if generator.context is self.context:
            self.start_index()

    def generate_context(self) -> None:
        # Every page's search box (partials/searchbox.html) shows only when the search page exists.
        self.context["casebook_search_url"] = SEARCH_URL

    def build_records(self) -> list:
        articles = self.context.get("articles", [])
        registry = load_registry(self.settings["PATH"])
        # Results show dates as the theme does: its format_date filter, in the interface language.
        return build_records(articles, registry, self.env.filters.get("format_date"))

    def start_index(self) -> None:
        """Start building and indexing the records (every case is read and cross-linked).
        Without an index, nothing starts here: a build that skips this generator's output
        (the preview's fast pass) then builds no records at all."""
        if self.search["CASEBOOK_SEARCH_INDEX"] and self.index_job is None:
            self.index_job = IndexJob(self.build_records, self.search["CASEBOOK_SEARCH_LANGUAGE"],
                                      self.search["CASEBOOK_SEARCH_SHARD_SIZE"])

    def filter_labels(self) -> dict[str, dict[str, str]]:
        """The labels of the vocabulary filters' values, for the search page (from the cases'
        filters: the records themselves are built where the index is made)."""
        registry = load_registry(self.settings["PATH"])
        filters = (case_filters(article, registry) for article in self.context.get("articles", [])
                   if is_published(article))
        return filter_labels(filters, ui_lang(self.settings))

    def generate_output(self, writer) -> None:
        self.start_index()  # when all_generators_finalized did not start it
        filters = [{"name": name, "facet": facet} for name, facet in FILTER_PAGES.items()]
        writer.write_file(SEARCH_SAVE_AS, self.get_template("search"), self.context,
                          relative_urls=self.settings["RELATIVE_URLS"], url=SEARCH_URL,
                          search_filters=filters, search_labels=self.filter_labels(),
                          search_page_size=self.search["CASEBOOK_SEARCH_PAGE_SIZE"])
        if self.index_job is not None:
            # Waited for by the build after its link check (casebook/pending.py), else now.
            pending.later(functools.partial(self.index_job.finish, Path(self.output_path) / BUNDLE),
                          self.index_job.discard)
