"""Facets of the archive: which terms each published case carries, and what they add up to.

One mechanism serves every facet. A facet is a row of ``FACETS``: its name (also its URL
segment), how to read raw values off an article, how to turn a raw value into a term
(slug, spelling, role, registry entity), and where its display label comes from. The
functions here take plain article-like objects (attributes as set by the casebook_reader
plugin) and a ``Registry``, so tests drive them without Pelican.

Identity rules (README "Taxonomies"):
- free-text terms merge by ``schema.slugify``: "Crise" and "crise" are one theme;
- entity terms merge by registry id; a proposal (no id) joins the registry entity whose
  name or alias it matches (``Registry.lookup``), otherwise its slug is ``slugify(name)``;
- vocabulary terms (channels, audiences, formats, languages) are their vocabulary id.
"""

from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from markupsafe import Markup

from casebook.registry import Entity, Registry, name_key
from casebook.render import render_markdown
from casebook.schema import (
    AUDIENCES,
    CHANNELS,
    ENTITY_TYPES,
    FORMATS,
    LANGUAGES,
    ORGANIZATION_ROLES,
    fold,
    label,
    slugify,
)

log = logging.getLogger(__name__)

CLOUD_LEVELS = 5  # size classes of the cloud view: cloud-1 (rarest) .. cloud-5 (most frequent)


@dataclass(frozen=True)
class Mention:
    """One raw value of an article, identified: the term's slug and what the article wrote."""

    slug: str
    spelling: str
    role: str | None = None
    entity: Entity | None = None


# ---------------------------------------------------------------------------
# How to read raw values off an article
# ---------------------------------------------------------------------------


def list_field(name: str) -> Callable[[Any], list]:
    def values(article: Any) -> list:
        found = getattr(article, name, None)
        return list(found) if isinstance(found, (list, tuple)) else []

    values.__name__ = f"list_field_{name}"
    return values


def one_field(name: str) -> Callable[[Any], list]:
    def values(article: Any) -> list:
        found = getattr(article, name, None)
        return [found] if found not in (None, "", {}) else []

    values.__name__ = f"one_field_{name}"
    return values


def year_of(article: Any) -> list:
    """The publication year, only when the text states the date."""
    if not getattr(article, "date_known", False) or getattr(article, "date", None) is None:
        return []
    return [str(article.date.year)]


# ---------------------------------------------------------------------------
# How to turn a raw value into a term
# ---------------------------------------------------------------------------


class Entities:
    """The registry, with each kind's name and alias index built once per run."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self._aliases: dict[str, dict[str, Entity]] = {}

    def get(self, kind: str, entity_id: str) -> Entity | None:
        return self.registry.get(kind, entity_id)

    def lookup(self, kind: str, name: str) -> Entity | None:
        if kind not in self._aliases:
            self._aliases[kind] = self.registry.alias_index(kind)
        return self._aliases[kind].get(name_key(name))


def text_term(facet: Facet, value: Any, registry: Entities) -> Mention | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return Mention(slugify(value), value.strip())


def vocabulary_term(facet: Facet, value: Any, registry: Entities) -> Mention | None:
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    return Mention(value if value in facet.vocabulary else slugify(value), value)


def entity_term(facet: Facet, value: Any, registry: Entities) -> Mention | None:
    """A registry entity by id; a proposal (no id) by the name or alias it matches, else its name."""
    if isinstance(value, str):
        value = {"name": value}
    if not isinstance(value, dict):
        return None
    name = value.get("name") if isinstance(value.get("name"), str) else ""
    role = value.get("role") if isinstance(value.get("role"), str) else None
    entity_id = value.get("id")
    if isinstance(entity_id, str) and entity_id:
        entity = registry.get(facet.registry_kind, entity_id)
        return Mention(entity_id, name.strip() or entity_id, role, entity)
    if not name.strip():
        return None
    entity = registry.lookup(facet.registry_kind, name)
    if entity is None:
        entity = registry.get(facet.registry_kind, slugify(name))
    return Mention(entity.id if entity else slugify(name), name.strip(), role, entity)


# ---------------------------------------------------------------------------
# The facets: one table
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Facet:
    name: str  # URL segment, setting value and context key
    titles: dict[str, str]  # display title per UI language
    values: Callable[[Any], list]  # raw values of one article
    term: Callable[[Facet, Any, Entities], Mention | None]  # raw value -> term
    registry_kind: str | None = None  # terms are registry entities of this kind
    vocabulary: dict | None = None  # terms are ids of this vocabulary (labels from schema)
    roles: dict | None = None  # vocabulary of the role each mention states, counted per term
    associates: bool = True  # its terms are listed as "souvent associé à"

    def title(self, ui_lang: str) -> str:
        return self.titles.get(ui_lang) or self.titles["en"]


FACETS: tuple[Facet, ...] = (
    Facet("themes", {"fr": "Thèmes", "en": "Themes"}, list_field("themes"), text_term),
    Facet("organizations", {"fr": "Organisations", "en": "Organizations"}, list_field("organizations"),
          entity_term, registry_kind="organizations", roles=ORGANIZATION_ROLES),
    Facet("people", {"fr": "Personnes", "en": "People"}, list_field("people"), entity_term,
          registry_kind="people"),
    Facet("campaigns", {"fr": "Campagnes", "en": "Campaigns"}, one_field("campaign"), entity_term,
          registry_kind="campaigns"),
    Facet("sectors", {"fr": "Secteurs", "en": "Sectors"}, list_field("sectors"), text_term),
    Facet("channels", {"fr": "Canaux", "en": "Channels"}, list_field("channels"), vocabulary_term,
          vocabulary=CHANNELS),
    Facet("audiences", {"fr": "Publics", "en": "Audiences"}, list_field("audiences"), vocabulary_term,
          vocabulary=AUDIENCES),
    Facet("years", {"fr": "Années", "en": "Years"}, year_of, text_term, associates=False),
    Facet("languages", {"fr": "Langues", "en": "Languages"}, one_field("lang"), vocabulary_term,
          vocabulary=LANGUAGES, associates=False),
    Facet("formats", {"fr": "Formats", "en": "Formats"}, one_field("format"), vocabulary_term,
          vocabulary=FORMATS, associates=False),
    Facet("places", {"fr": "Lieux", "en": "Places"}, list_field("places"), text_term),
)
FACET_NAMES = tuple(f.name for f in FACETS)
FACETS_BY_NAME = {f.name: f for f in FACETS}


# ---------------------------------------------------------------------------
# What the facets add up to
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleCount:
    id: str
    label: str
    count: int


@dataclass(frozen=True)
class Association:
    term: Term
    count: int  # cases that carry both terms


@dataclass(eq=False)
class Term:
    facet: str
    slug: str
    name: str
    articles: list  # newest first, unknown dates last
    entity: Entity | None = None
    type_label: str = ""  # the registry entity's type, in the UI language
    spellings: tuple[str, ...] = ()  # every spelling the cases use, sorted
    roles: tuple[RoleCount, ...] = ()
    associated: tuple[Association, ...] = ()
    has_page: bool = True
    weight: int = 1  # cloud size class, 1..CLOUD_LEVELS

    @property
    def count(self) -> int:
        return len(self.articles)

    @property
    def url(self) -> str:
        return f"{self.facet}/{self.slug}/"

    @property
    def save_as(self) -> str:
        return f"{self.facet}/{self.slug}/index.html"

    @cached_property  # each term page shows it; rendering is the costly part
    def description_html(self) -> Markup:
        """The registry description rendered with casebook.render (untrusted text stays text)."""
        if self.entity is None or not self.entity.description:
            return Markup("")
        return Markup(render_markdown(self.entity.description))  # noqa: S704 (sanitised by render)

    @property
    def other_spellings(self) -> tuple[str, ...]:
        return tuple(s for s in self.spellings if s != self.name)

    def __repr__(self) -> str:
        return f"<Term {self.facet}/{self.slug} ({self.count})>"


@dataclass(eq=False)
class FacetIndex:
    facet: Facet
    title: str
    terms: list[Term]  # by count (most first), then name
    cloud: bool = False  # large enough for the cloud view

    @property
    def name(self) -> str:
        return self.facet.name

    @property
    def url(self) -> str:
        return f"{self.facet.name}/"

    @property
    def save_as(self) -> str:
        return f"{self.facet.name}/index.html"

    @property
    def pages(self) -> list[Term]:
        return [t for t in self.terms if t.has_page]

    @property
    def alphabetical(self) -> list[Term]:
        """The terms that have a page, by name (accents and case ignored): the cloud's order."""
        return sorted(self.pages, key=lambda t: (fold(t.name), t.slug))


def is_published(article: Any) -> bool:
    return getattr(article, "status", "published") == "published"


def newest_first(articles: Iterable[Any]) -> list:
    """Newest first; cases whose date the text does not state last; ties by slug."""

    def key(article: Any) -> tuple:
        known = bool(getattr(article, "date_known", False)) and getattr(article, "date", None) is not None
        return (0, -article.date.toordinal(), article.slug) if known else (1, 0, article.slug)

    return sorted(articles, key=key)


def term_order(term: Term) -> tuple:
    return (-term.count, fold(term.name), term.slug)


def cloud_weight(count: int, low: int, high: int) -> int:
    """Size class on a log scale between the facet's rarest and most frequent term."""
    if high <= low:
        return (CLOUD_LEVELS + 1) // 2
    ratio = (math.log(count) - math.log(low)) / (math.log(high) - math.log(low))
    return 1 + round(ratio * (CLOUD_LEVELS - 1))


def _spelling(spellings: Counter) -> str:
    """The spelling the cases use most; ties go to the first in sorted order."""
    return min(spellings.items(), key=lambda item: (-item[1], item[0]))[0]


@dataclass
class _Found:
    """What the cases say about one term, before it becomes a ``Term``."""

    articles: dict = field(default_factory=dict)  # slug -> article
    spellings: Counter = field(default_factory=Counter)
    roles: dict = field(default_factory=lambda: defaultdict(set))  # role -> case slugs
    entity: Entity | None = None


def _collect(published: list, facets: Sequence[Facet], entities: Entities
             ) -> tuple[dict[tuple[str, str], _Found], list[list[tuple[str, str]]]]:
    """Each term's cases, spellings and roles; and each case's terms, in ``published`` order."""
    found: dict[tuple[str, str], _Found] = {}
    terms_of: list[list[tuple[str, str]]] = []
    mentions: dict[tuple, Mention | None] = {}  # the same raw value is identified once per run
    for article in published:
        keys: dict[tuple[str, str], None] = {}
        for facet in facets:
            for value in facet.values(article):
                memo = (facet.name, value) if isinstance(value, str) else None
                if memo is not None and memo in mentions:
                    mention = mentions[memo]
                else:
                    mention = facet.term(facet, value, entities)
                    if memo is not None:
                        mentions[memo] = mention
                if mention is None:
                    continue
                if not mention.slug:
                    log.warning("%s: %s: %r has no usable slug; it is left out of the taxonomy",
                                getattr(article, "source_path", article.slug), facet.name, mention.spelling)
                    continue
                key = (facet.name, mention.slug)
                entry = found.get(key) or found.setdefault(key, _Found())
                entry.articles[article.slug] = article
                entry.spellings[mention.spelling] += 1
                entry.entity = entry.entity or mention.entity
                if facet.roles is not None and mention.role:
                    entry.roles[mention.role].add(article.slug)
                keys[key] = None
        terms_of.append(list(keys))
    return found, terms_of


def _make_term(facet: Facet, slug: str, entry: _Found, ui_lang: str) -> Term:
    entity = entry.entity
    if entity is not None:
        name = entity.name
    elif facet.vocabulary is not None and slug in facet.vocabulary:
        name = label(facet.vocabulary, slug, ui_lang)
    else:
        name = _spelling(entry.spellings)
    roles: tuple[RoleCount, ...] = ()
    if facet.roles is not None:
        roles = tuple(sorted((RoleCount(role, label(facet.roles, role, ui_lang), len(slugs))
                              for role, slugs in entry.roles.items()),
                             key=lambda r: (-r.count, fold(r.label), r.id)))
    type_label = ""
    if entity is not None and entity.type:
        type_label = label(ENTITY_TYPES.get(entity.kind, {}), entity.type, ui_lang)
    return Term(facet=facet.name, slug=slug, name=name, articles=newest_first(entry.articles.values()),
                entity=entity, type_label=type_label, spellings=tuple(sorted(entry.spellings)), roles=roles)


def _associate(by_key: dict[tuple[str, str], Term], terms_of: list[list[tuple[str, str]]],
               facets: Sequence[Facet], associated_max: int) -> None:
    """Each term's most frequent companions: by cases shared, then facet order, then name."""
    associable = {f.name for f in facets if f.associates}
    order = {f.name: i for i, f in enumerate(facets)}
    rank = {key: (order[key[0]], fold(term.name), key[1]) for key, term in by_key.items()}
    together: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for keys in terms_of:
        offered = [k for k in keys if k[0] in associable and by_key[k].has_page]
        for key in keys:
            together[key].update(offered)
    for key, counts in together.items():
        counts.pop(key, None)
        if associated_max and len(counts) > associated_max:  # rank only the candidates for the top
            cutoff = sorted(counts.values(), reverse=True)[associated_max - 1]
            candidates = [item for item in counts.items() if item[1] >= cutoff]
        else:
            candidates = list(counts.items())
        best = sorted(candidates, key=lambda item: (-item[1], rank[item[0]]))[:associated_max]
        by_key[key].associated = tuple(Association(by_key[k], n) for k, n in best)


def build_taxonomies(
    articles: Iterable[Any],
    facets: Sequence[Facet] = FACETS,
    registry: Registry | None = None,
    ui_lang: str = "fr",
    min_count: int = 1,
    associated_max: int = 8,
    cloud_min_terms: int = 12,
) -> dict[str, FacetIndex]:
    """Every facet's terms over the published articles, in ``facets`` order.

    A term below ``min_count`` cases is listed on its facet's index but gets no page and is
    never offered as an associated term.
    """
    published = sorted((a for a in articles if is_published(a)), key=lambda a: a.slug)
    found, terms_of = _collect(published, facets, Entities(registry or Registry()))
    by_facet = {f.name: f for f in facets}
    by_key = {key: _make_term(by_facet[key[0]], key[1], entry, ui_lang) for key, entry in found.items()}
    for term in by_key.values():
        term.has_page = term.count >= min_count
    _associate(by_key, terms_of, facets, associated_max)

    grouped: dict[str, list[Term]] = {f.name: [] for f in facets}
    for (facet_name, _), term in by_key.items():
        grouped[facet_name].append(term)
    indexes: dict[str, FacetIndex] = {}
    for facet in facets:
        terms = sorted(grouped[facet.name], key=term_order)
        if terms:
            high, low = terms[0].count, terms[-1].count
            for term in terms:
                term.weight = cloud_weight(term.count, low, high)
        indexes[facet.name] = FacetIndex(facet, facet.title(ui_lang), terms, cloud=len(terms) >= cloud_min_terms)
    return indexes
