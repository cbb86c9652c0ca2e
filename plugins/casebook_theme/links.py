"""Which taxonomy pages exist, so that the theme links a term only when its page was written.

The taxonomy plugin shares ``taxonomies`` (facet name -> facet index with ``url`` and
``terms``, each term with ``slug``, ``url`` and ``has_page``). Without that plugin, or for a
term below its minimum count, the theme shows the term as plain text.
"""

from __future__ import annotations

from collections.abc import Mapping


def term_url_index(taxonomies: Mapping | None) -> dict[tuple[str, str | None], str]:
    """(facet, term slug) -> URL for every written term page; (facet, None) -> the facet index."""
    index: dict[tuple[str, str | None], str] = {}
    for name, facet in (taxonomies or {}).items():
        index[(name, None)] = facet.url
        for term in facet.terms:
            if getattr(term, "has_page", True):
                index[(name, str(term.slug))] = term.url
    return index


def term_url(index: Mapping, facet: str, slug=None) -> str | None:
    """The URL of a term page (or of the facet index when ``slug`` is None), or None."""
    return index.get((facet, None if slug is None else str(slug)))
