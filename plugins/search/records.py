"""What the search index holds: one record per published case, built from its annotations.

A record is the case's own text (title, summary, body) followed by its annotations
(organizations, people, campaign, themes, sectors, channels, year, language, format), with the
registry's names and aliases of each entity, so that "CCI" finds a case that only says
"Chambres de commerce et d'industrie". Navigation, related-case blocks and every other part
of the page are never indexed: records are built from the article, not from its HTML page.
Drafts never become records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bs4 import BeautifulSoup

from casebook import markup
from casebook.registry import Registry, name_key
from casebook.schema import CHANNELS, FORMATS, LANGUAGES, UI_LANGUAGES, label, slugify

# Filter name -> URL parameter and filter key in the index (one name for both).
FILTERS = ("theme", "organization", "sector", "channel", "year", "lang", "format")
# Filters whose values are vocabulary ids, shown to readers with these labels.
VOCABULARY_FILTERS = {"channel": CHANNELS, "lang": LANGUAGES, "format": FORMATS}


@dataclass(frozen=True)
class SearchRecord:
    """One Pagefind custom record (the arguments of PagefindIndex.add_custom_record)."""

    url: str
    content: str
    meta: dict[str, str]
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: dict[str, str] = field(default_factory=dict)


def is_published(article) -> bool:
    return getattr(article, "status", None) == "published"


def html_text(html: str) -> str:
    """The visible text of a rendered case body, one space between blocks (its text nodes, as
    BeautifulSoup's ``get_text(" ")`` gives them, read with ``markup.parse`` when it can)."""
    document = markup.parse(html or "")
    text = " ".join(document.texts) if document is not None else BeautifulSoup(html or "", "html.parser").get_text(" ")
    return " ".join(text.split())


def entity_names(registry: Registry, kind: str, mention: dict | None) -> list[str]:
    """The name a case gives an entity, then the registry's name and aliases for its id."""
    if not isinstance(mention, dict):
        return []
    names = [mention["name"]] if isinstance(mention.get("name"), str) else []
    entity = registry.get(kind, mention["id"]) if isinstance(mention.get("id"), str) else None
    if entity is not None:
        names.extend(entity.names)
    return unique(names, key=name_key)


def display_name(registry: Registry, kind: str, mention: dict) -> str | None:
    """How a filter shows an entity: the registry's name, else the name the case gives."""
    entity = registry.get(kind, mention.get("id")) if isinstance(mention.get("id"), str) else None
    if entity is not None:
        return entity.name
    name = mention.get("name")
    return name.strip() if isinstance(name, str) and name.strip() else None


def unique(values: Iterable[str], key=lambda value: value) -> list[str]:
    """Values in their first order, without empties or repeats (as ``key`` compares them)."""
    seen: set[str] = set()
    kept = []
    for value in values:
        value = " ".join(str(value).split())
        if value:
            identity = key(value)
            if identity not in seen:
                seen.add(identity)
                kept.append(value)
    return kept


def vocabulary_labels(vocabulary: dict, term: str) -> list[str]:
    return unique([label(vocabulary, term, lang) for lang in UI_LANGUAGES])


def case_year(article) -> str | None:
    if not getattr(article, "date_known", False) or getattr(article, "date", None) is None:
        return None
    return f"{article.date.year:04d}"


def case_date(article) -> str:
    return article.date.date().isoformat() if case_year(article) else ""


# The date sort value of an undated case: before every ISO date. Pagefind leaves a page without
# the sort's value out of a sorted search, so an undated case vanished when a reader sorted by
# date; it now comes last from the newest, first from the oldest.
UNDATED = "0000-00-00"


# Length of an ISO date at the precision the text states: 2013-04-24, 2013-04, 2013.
ISO_LENGTH = {"day": 10, "month": 7, "year": 4}


def case_datetime(article) -> str:
    return case_date(article)[:ISO_LENGTH.get(getattr(article, "date_precision", None), 10)]


def date_text(article, format_date: Callable | None = None) -> str:
    """How a result shows its date: ``format_date(date, precision)`` (the theme's filter, in the
    interface language: "24 avril 2013", "avril 2013"), else the ISO date; '' for an undated case."""
    if not case_year(article):
        return ""
    if format_date is None:
        return case_datetime(article)
    return format_date(article.date, getattr(article, "date_precision", None) or "day")


def case_filters(article, registry: Registry) -> dict[str, list[str]]:
    """Filter values of one case, before site-wide spelling is settled (see canonical_terms)."""
    organizations = [display_name(registry, "organizations", m) for m in article.organizations
                     if isinstance(m, dict)]
    values = {
        "theme": list(article.themes),
        "organization": [name for name in organizations if name],
        "sector": list(article.sectors),
        "channel": list(article.channels),
        "year": [case_year(article) or ""],
        "lang": [getattr(article, "lang", None) or ""],
        "format": [getattr(article, "format", None) or ""],
    }
    kept = {name: unique(values[name], key=slugify) for name in FILTERS}
    return {name: terms for name, terms in kept.items() if terms}


def canonical_terms(filters_per_case: Iterable[dict[str, list[str]]]) -> dict[tuple[str, str], str]:
    """(filter, slug) -> the one spelling shown for free-text terms merged by identity.

    "Crise" and "crise" are one theme: the most used spelling wins, ties go to the first in
    sorted order, so that the index is the same whatever order the cases are read in.
    """
    counts: Counter = Counter()
    for filters in filters_per_case:
        for name, values in filters.items():
            for value in values:
                counts[(name, slugify(value), value)] += 1
    best: dict[tuple[str, str], str] = {}
    for name, slug, value in sorted(counts, key=lambda key: (-counts[key], key)):
        best.setdefault((name, slug), value)
    return best


def case_content(article, registry: Registry) -> str:
    """The indexed text: the case's own words, then its annotations with entity aliases.

    The title comes after the body: Pagefind ranks a word the same wherever it is, and an
    excerpt (or a filter-only result, which shows the start of the text) then shows the
    summary and the body rather than repeating the title above it.
    """
    parts = [getattr(article, "summary_text", ""), html_text(article.content), article.title]
    for mention in article.organizations:
        parts.extend(entity_names(registry, "organizations", mention))
    for mention in article.people:
        parts.extend(entity_names(registry, "people", mention))
    parts.extend(entity_names(registry, "campaigns", getattr(article, "campaign", None)))
    parts.extend(article.themes)
    parts.extend(article.sectors)
    for channel in article.channels:
        parts.extend(vocabulary_labels(CHANNELS, channel))
    parts.append(case_year(article) or "")
    if getattr(article, "lang", None):
        parts.extend(vocabulary_labels(LANGUAGES, article.lang))
    if getattr(article, "format", None):
        parts.extend(vocabulary_labels(FORMATS, article.format))
    return "\n".join(" ".join(str(part).split()) for part in parts if part and str(part).strip())


def case_record(article, registry: Registry, canonical: dict[tuple[str, str], str] | None = None,
                format_date: Callable | None = None, filters: dict[str, list[str]] | None = None) -> SearchRecord:
    """``filters``: the case's ``case_filters``, when the caller has them already."""
    filters = case_filters(article, registry) if filters is None else filters
    if canonical:
        filters = {name: unique(canonical.get((name, slugify(v)), v) for v in values)
                   for name, values in filters.items()}
    organizations = [display_name(registry, "organizations", m) for m in article.organizations
                     if isinstance(m, dict)]
    meta = {
        "title": " ".join(article.title.split()),
        "date": date_text(article, format_date),
        "datetime": case_datetime(article),
        "organizations": ", ".join(unique(name for name in organizations if name)),
        "lang": getattr(article, "lang", None) or "",
    }
    sort = {"date": case_date(article) or UNDATED}
    return SearchRecord(url=f"/{article.url}", content=case_content(article, registry), meta=meta,
                        filters=filters, sort=sort)


def build_records(articles: Iterable, registry: Registry, format_date: Callable | None = None) -> list[SearchRecord]:
    """The records of every published case, sorted by URL; drafts and hidden cases are left out.
    ``format_date(date, precision)`` writes the dates results show (see ``date_text``)."""
    published = sorted((a for a in articles if is_published(a)), key=lambda a: a.url)
    filters = [case_filters(article, registry) for article in published]
    canonical = canonical_terms(filters)
    return [case_record(article, registry, canonical, format_date, case)
            for article, case in zip(published, filters, strict=True)]


def filter_labels(filters: Iterable[dict[str, list[str]]], ui_lang: str = "fr") -> dict[str, dict[str, str]]:
    """filter -> {value: label} for the vocabulary filters, for the search page to show, from
    each case's filters (``case_filters``, or a record's ``filters``)."""
    labels: dict[str, dict[str, str]] = {name: {} for name in VOCABULARY_FILTERS}
    for case in filters:
        for name, vocabulary in VOCABULARY_FILTERS.items():
            for value in case.get(name, []):
                labels[name][value] = label(vocabulary, value, ui_lang)
    return {name: dict(sorted(values.items())) for name, values in labels.items()}
