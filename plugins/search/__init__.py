"""Casebook's search: the /search/ page and a Pagefind index of the published cases.

Glue only: the records come from records.py, the bundle from pagefind_index.py, and the
settings below (with their defaults) from settings.py.
"""

from pelican import signals

from .generator import SearchGenerator


def get_generators(pelican):
    return SearchGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
