"""Case cards rendered once per build and reused: a term page, an index page and a case's
related block show the same card again and again (tens of thousands of times at 1,000 cases).

The markup stays in the theme: ``_macros.html`` ``case_card`` hands its ``case_card_markup``
macro to ``cached_card`` (a Jinja global), which renders it the first time a card is asked for
and returns the same HTML for every later page that asks for the same card. A card is the
same when everything it reads is the same: the article, the relative SITEURL of the page (one
per folder depth with RELATIVE_URLS), the heading level, the interface language and the index
of written term pages. Anything else a card shows comes from the article itself or from the
generator's environment, which the theme sets up identically for every generator.

One ``CardCache`` lives in Pelican's context, which Pelican makes anew for every build: a
preview server that builds again in the same process never sees a card of the previous build.
"""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context

CONTEXT_KEY = "casebook_card_cache"  # the build's CardCache in Pelican's (shared) context


class CardCache:
    """(markup macro, article, SITEURL, level, interface language, term index) -> card HTML."""

    def __init__(self, term_urls_key: str):
        self.term_urls_key = term_urls_key
        # key -> (article, html): the article is held so that its id() is never reused
        self._cards: dict[tuple, tuple[Any, Any]] = {}
        self.rendered = 0
        self.reused = 0

    def __len__(self) -> int:
        return len(self._cards)

    @pass_context
    def card(self, context, markup, article, level=3):
        """The card of ``article`` as ``markup`` (a Jinja macro) renders it on this page."""
        key = (markup.name, id(article), context.get("SITEURL"), level, context.get("UI_LANG"),
               id(context.get(self.term_urls_key)))
        found = self._cards.get(key)
        if found is not None:
            self.reused += 1
            return found[1]
        html = markup(article, level)
        self._cards[key] = (article, html)
        self.rendered += 1
        return html


def card_cache(context: dict, term_urls_key: str) -> CardCache:
    """The build's card cache: the one in ``context``, made on first use."""
    cache = context.get(CONTEXT_KEY)
    if not isinstance(cache, CardCache):
        cache = context[CONTEXT_KEY] = CardCache(term_urls_key)
    return cache
