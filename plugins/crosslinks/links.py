"""Links between cases that do not need a score: same campaign, translations, chronological
order, and the backlinks from an entity to the cases that mention it.

Every function takes article-like objects (Pelican articles, or test doubles with the
reader's attributes) and returns plain data; the plugin attaches it to the articles.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Backlink:
    case: object  # the article that mentions the entity
    context: str  # the sentence of its first mention


def chronological_key(article) -> tuple:
    """Dated cases first, oldest first; then undated ones (``date_known`` false); slug breaks ties."""
    if getattr(article, "date_known", False):
        return (0, article.date.isoformat()[:10], article.slug)
    return (1, "", article.slug)


def chronological(articles: Sequence) -> list:
    return sorted(articles, key=chronological_key)


def neighbours(articles: Sequence) -> dict[str, tuple[object | None, object | None]]:
    """``{slug: (previous case, next case)}`` in chronological order."""
    ordered = chronological(articles)
    return {article.slug: (ordered[i - 1] if i > 0 else None, ordered[i + 1] if i + 1 < len(ordered) else None)
            for i, article in enumerate(ordered)}


def campaign_id(article) -> str | None:
    campaign = getattr(article, "campaign", None)
    if isinstance(campaign, dict) and isinstance(campaign.get("id"), str) and campaign["id"]:
        return campaign["id"]
    return None


def campaign_mates(articles: Sequence, limit: int | None = None) -> dict[str, list]:
    """``{slug: [other cases of the same campaign, chronologically]}``, whatever their language.

    With ``limit``, only the ``limit`` mates nearest in time (about as many before the case as
    after it): listing every mate on every case page grew with the square of a campaign's size.
    """
    by_campaign: dict[str, list] = defaultdict(list)
    position: dict[int, int] = {}
    for article in chronological(articles):
        if campaign_id(article):
            position[id(article)] = len(by_campaign[campaign_id(article)])
            by_campaign[campaign_id(article)].append(article)
    found: dict[str, list] = {}
    for article in articles:
        mates = by_campaign.get(campaign_id(article), []) if campaign_id(article) else []
        if not mates:
            found[article.slug] = []
            continue
        here, others = position[id(article)], len(mates) - 1
        if limit is None or others <= limit:
            start, stop = 0, len(mates)
        else:
            start = min(max(here - limit // 2, 0), others - limit)
            stop = start + limit + 1
        found[article.slug] = [mate for mate in mates[start:stop] if mate is not article]
    return found


def campaign_sizes(articles: Sequence) -> dict[str, int]:
    """``{campaign id: number of cases}``."""
    sizes: dict[str, int] = defaultdict(int)
    for article in articles:
        if campaign_id(article):
            sizes[campaign_id(article)] += 1
    return dict(sizes)


def translations(articles: Sequence) -> dict[str, list]:
    """``{slug: [its translations, by language then slug]}``, whichever side declares them
    (``translation_of`` on one, ``translation_slugs`` on the other). Unknown slugs are left out
    (``invoke check`` reports them)."""
    by_slug = {article.slug: article for article in articles}
    pairs: dict[str, set[str]] = defaultdict(set)
    for article in articles:
        declared = [getattr(article, "translation_of", None), *(getattr(article, "translation_slugs", None) or [])]
        for slug in declared:
            if isinstance(slug, str) and slug in by_slug and slug != article.slug:
                pairs[article.slug].add(slug)
                pairs[slug].add(article.slug)
    return {article.slug: sorted((by_slug[s] for s in pairs.get(article.slug, ())),
                                 key=lambda other: (str(getattr(other, "lang", "")), other.slug))
            for article in articles}


class Backlinks(list):
    """An entity's backlinks, chronologically. ``among(cases)`` keeps those of ``cases`` (one
    page of a paginated term page) in the same order, in time proportional to the page: going
    through every backlink on every page made entity pages cost the square of their size."""

    def among(self, cases: Sequence) -> list[Backlink]:
        if not hasattr(self, "_positions"):
            self._positions: dict[int, list[int]] = defaultdict(list)
            for position, backlink in enumerate(self):
                self._positions[id(backlink.case)].append(position)
        wanted = sorted({position for case in cases for position in self._positions.get(id(case), ())})
        return [self[position] for position in wanted]


def backlinks(articles: Sequence) -> dict[str, dict[str, list[Backlink]]]:
    """``{kind: {entity id: Backlinks([Backlink, ...])}}``: every case that mentions each entity,
    chronologically, from the ``mentions`` the reader recorded (see mentions.annotate)."""
    found: dict[str, dict[str, list[Backlink]]] = defaultdict(lambda: defaultdict(Backlinks))
    for article in chronological(articles):
        for mention in getattr(article, "mentions", None) or []:
            found[mention["kind"]][mention["id"]].append(Backlink(article, mention["context"]))
    return {kind: dict(sorted(by_id.items())) for kind, by_id in sorted(found.items())}
