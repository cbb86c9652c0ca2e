"""A Pelican generator that writes the /search/ page and indexes the published cases.

Its records are built, and Pagefind started in the background (``pagefind_index.IndexJob``),
as soon as every case is read and cross-linked (``start_index``, on all_generators_finalized):
Pagefind then indexes while Pelican writes the pages. ``generate_output`` writes the search
page and waits for the index.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pelican.generators import Generator

from casebook.registry import load_registry
from casebook.settings import ui_lang

from .pagefind_index import IndexJob
from .records import FILTERS, build_records, filter_labels
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
    records = None
    index_job = None

    def generate_context(self) -> None:
        self.search = search_settings(self.settings)
        # Every page's search box (partials/searchbox.html) shows only when the search page exists.
        self.context["casebook_search_url"] = SEARCH_URL

    def build_records(self) -> list:
        articles = self.context.get("articles", [])
        registry = load_registry(self.settings["PATH"])
        # Results show dates as the theme does: its format_date filter, in the interface language.
        return build_records(articles, registry, self.env.filters.get("format_date"))

    def start_index(self) -> None:
        """Build the records and start indexing them (every case is read and cross-linked).
        Without an index, nothing is built here: a build that skips this generator's output
        (the preview's fast pass) then builds no records at all."""
        if self.search["CASEBOOK_SEARCH_INDEX"] and self.records is None:
            self.records = self.build_records()
            self.index_job = IndexJob(self.records, self.search["CASEBOOK_SEARCH_LANGUAGE"])

    def generate_output(self, writer) -> None:
        self.start_index()  # when all_generators_finalized did not start it
        if self.records is None:  # no index: the search page's filter labels still read them
            self.records = self.build_records()
        records = self.records
        filters = [{"name": name, "facet": facet} for name, facet in FILTER_PAGES.items()]
        writer.write_file(SEARCH_SAVE_AS, self.get_template("search"), self.context,
                          relative_urls=self.settings["RELATIVE_URLS"], url=SEARCH_URL,
                          search_filters=filters, search_labels=filter_labels(records, ui_lang(self.settings)),
                          search_page_size=self.search["CASEBOOK_SEARCH_PAGE_SIZE"])
        if self.index_job is not None:
            self.index_job.finish(Path(self.output_path) / BUNDLE)
