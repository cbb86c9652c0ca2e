"""Pelican glue for Casebook's taxonomies: one index page per facet, one paginated page per term.

The logic is in ``core`` (terms, counts, associations) and ``config`` (settings). This module
adds a generator that computes the taxonomies once the articles are read, shares them with
every template as ``taxonomies``, and writes the pages:

- ``<facet>/index.html`` with ``taxonomy_index.html`` (context: ``facet``, a ``FacetIndex``);
- ``<facet>/<slug>/index.html`` and ``.../page/N/index.html`` with ``taxonomy_term.html``
  (context: ``facet``, ``term``, and Pelican's ``articles_page``, ``articles_paginator``,
  ``articles_previous_page``, ``articles_next_page``).
"""

from __future__ import annotations

import logging
from functools import partial

from pelican import signals
from pelican.generators import Generator
from pelican.paginator import Paginator

from casebook.registry import load_registry

from .config import read_config
from .core import build_taxonomies
from .parallel import write_all

log = logging.getLogger(__name__)

INDEX_TEMPLATE = "taxonomy_index"
TERM_TEMPLATE = "taxonomy_term"


class TaxonomyGenerator(Generator):
    """Runs after Pelican's article generator, so the published articles are in the context."""

    def generate_context(self) -> None:
        self.config = read_config(self.settings)
        registry = load_registry(self.settings["PATH"])
        self.taxonomies = build_taxonomies(
            self.context.get("articles", []), self.config.facets, registry, ui_lang=self.config.ui_lang,
            min_count=self.config.min_count, associated_max=self.config.associated_max,
            cloud_min_terms=self.config.cloud_min_terms)
        self.context["taxonomies"] = self.taxonomies

    def generate_output(self, writer) -> None:
        """Every facet index and term page; with CASEBOOK_TAXONOMY_PROCESSES = 2, half of them
        written by a forked process at the same time (``parallel``)."""
        write_all(list(self.pages()), partial(self.write_page, writer), writer, self.config.processes)

    def pages(self):
        """(output path, template name, page variables) of every page, in a stable order."""
        for facet in self.taxonomies.values():
            yield facet.save_as, INDEX_TEMPLATE, {"url": facet.url, "facet": facet}
            for term in facet.pages:
                paginator = Paginator(term.save_as, term.url, term.articles, self.settings,
                                      self.config.pagination)
                for number in paginator.page_range:
                    page = paginator.page(number)
                    yield page.save_as, TERM_TEMPLATE, {
                        "url": page.url, "facet": facet, "term": term,
                        "articles_paginator": paginator, "articles_page": page,
                        "articles_previous_page": paginator.page(number - 1) if number > 1 else None,
                        "articles_next_page": paginator.page(number + 1) if page.has_next() else None}

    def write_page(self, writer, page) -> None:
        save_as, template_name, variables = page
        writer.write_file(save_as, self.get_template(template_name), self.context, self.settings["RELATIVE_URLS"],
                          paginated={}, template_name=template_name, **variables)


def check_settings(pelican) -> None:
    """Fail before reading any content when a setting is wrong."""
    read_config(pelican.settings)


def get_generators(pelican):
    return TaxonomyGenerator


def register() -> None:
    signals.initialized.connect(check_settings)
    signals.get_generators.connect(get_generators)
