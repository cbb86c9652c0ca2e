"""Casebook's search: the /search/ page and a Pagefind index of the published cases.

Glue only: the records come from records.py, the bundle from pagefind_index.py, and the
settings below (with their defaults) from settings.py.
"""

from pelican import signals

from .generator import SearchGenerator
from .settings import search_settings


def check_settings(pelican) -> None:
    """Fails fast, before any content is read, on a bad CASEBOOK_SEARCH_* value."""
    search_settings(pelican.settings)


def get_generators(pelican):
    return SearchGenerator


def start_index(generators) -> None:
    """Every case is read and cross-linked: Pagefind can index while the pages are written (the
    search generator has started it already when the articles generator finished)."""
    for generator in generators:
        if isinstance(generator, SearchGenerator):
            generator.start_index()


def register() -> None:
    signals.initialized.connect(check_settings)
    signals.get_generators.connect(get_generators)
    signals.all_generators_finalized.connect(start_index)
