"""What the theme reads off a case, as the text states it and nothing Pelican made up.

Pelican gives an undated case the DEFAULT_DATE placeholder (1970-01-01) and a case without
authors the site's AUTHOR; neither may reach a reader, a feed or a search engine.
"""

from __future__ import annotations

import datetime as dt


def known_date(article) -> dt.datetime | None:
    """The case's date, or None when the text does not state it."""
    if not getattr(article, "date_known", False):
        return None
    return getattr(article, "date", None)


def authors_of(article) -> list[str]:
    """The authors named by the case's front matter; [] when it names none."""
    if "authors" not in (getattr(article, "metadata", None) or {}):
        return []
    return [str(author) for author in getattr(article, "authors", None) or []]
