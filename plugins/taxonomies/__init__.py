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

from pelican import signals
from pelican.generators import Generator
from pelican.paginator import Paginator

from casebook.registry import load_registry

from .config import read_config
from .core import build_taxonomies

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
        index_template = self.get_template(INDEX_TEMPLATE)
        term_template = self.get_template(TERM_TEMPLATE)
        relative = self.settings["RELATIVE_URLS"]
        for facet in self.taxonomies.values():
            writer.write_file(facet.save_as, index_template, self.context, relative, paginated={},
                              template_name=INDEX_TEMPLATE, url=facet.url, facet=facet)
            for term in facet.pages:
                paginator = Paginator(term.save_as, term.url, term.articles, self.settings,
                                      self.config.pagination)
                for number in paginator.page_range:
                    page = paginator.page(number)
                    writer.write_file(
                        page.save_as, term_template, self.context, relative, paginated={},
                        template_name=TERM_TEMPLATE, url=page.url, facet=facet, term=term,
                        articles_paginator=paginator, articles_page=page,
                        articles_previous_page=paginator.page(number - 1) if number > 1 else None,
                        articles_next_page=paginator.page(number + 1) if page.has_next() else None)


def check_settings(pelican) -> None:
    """Fail before reading any content when a setting is wrong."""
    read_config(pelican.settings)


def get_generators(pelican):
    return TaxonomyGenerator


def register() -> None:
    signals.initialized.connect(check_settings)
    signals.get_generators.connect(get_generators)
