"""A Pelican generator that writes the /search/ page and indexes the published cases.

It runs after the articles generator has read every case (Pelican calls each generator's
generate_output once all contexts are built), so it sees the final list of articles.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pelican.generators import Generator

from casebook.registry import load_registry
from casebook.settings import ui_lang

from .pagefind_index import write_bundle
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
    def generate_context(self) -> None:
        self.search = search_settings(self.settings)
        # Every page's search box (partials/searchbox.html) shows only when the search page exists.
        self.context["casebook_search_url"] = SEARCH_URL

    def generate_output(self, writer) -> None:
        articles = self.context.get("articles", [])
        registry = load_registry(self.settings["PATH"])
        # Results show dates as the theme does: its format_date filter, in the interface language.
        records = build_records(articles, registry, self.env.filters.get("format_date"))
        filters = [{"name": name, "facet": facet} for name, facet in FILTER_PAGES.items()]
        writer.write_file(SEARCH_SAVE_AS, self.get_template("search"), self.context,
                          relative_urls=self.settings["RELATIVE_URLS"], url=SEARCH_URL,
                          search_filters=filters, search_labels=filter_labels(records, ui_lang(self.settings)),
                          search_page_size=self.search["CASEBOOK_SEARCH_PAGE_SIZE"])
        if self.search["CASEBOOK_SEARCH_INDEX"]:
            write_bundle(records, Path(self.output_path) / BUNDLE, self.search["CASEBOOK_SEARCH_LANGUAGE"])
