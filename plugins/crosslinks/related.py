"""Related cases: which cases share the most telling terms with each case.

A case's terms are the registry entities it names (campaign, organizations, people), its
themes and sectors, its channels and audiences. Two cases score the sum, over the terms they
share, of ``weight(kind) * idf(term)``, where ``idf`` is normalized to (0, 1]:
``log(1 + N / df) / log(1 + N)`` (N cases, df the cases holding the term). A term that only
two cases share counts 0.7 to 0.92 times its kind's weight from 5 cases to 10,000, so the
minimum score means about the same thing whatever the size of the archive; a term that every
case holds counts little (``log 2 / log(1 + N)``).

Relating is near-linear: an inverted index maps each term to the cases that hold it, and a
case is only scored against the cases reached through its terms, never against every other
case. Terms held by more than ``max_postings`` cases are too common to find candidates
(walking their lists would make relating quadratic); they still add to the score of the
candidates found through rarer terms.

Everything is deterministic: cases are indexed in slug order, and ties are broken by slug.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from casebook import forked
from casebook.registry import Registry
from casebook.schema import AUDIENCES, CHANNELS, label, slugify

from .settings import TERM_KINDS, CrossLinksSettings

Term = tuple[str, str]  # (kind, key): ("organizations", "renault"), ("themes", "emploi")


@dataclass(frozen=True)
class CaseTerms:
    """What the scorer knows of one case: its slug, its terms with their display labels, and
    the slugs it must not be related to (its translations)."""

    slug: str
    terms: dict[Term, str]
    exclude: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Related:
    slug: str
    score: float
    reasons: tuple[str, ...]  # labels of the shared terms, strongest first

    def why(self, count: int = 3) -> str:
        """``"Renault · emploi"``: the strongest shared terms."""
        return " · ".join(self.reasons[:count])


@dataclass
class _Index:
    slugs: list[str]
    terms: list[dict[Term, str]]
    exclude: list[frozenset[str]]
    postings: dict[Term, list[int]] = field(default_factory=dict)


def _entity_label(kind: str, entity_id: str, fallback, registry: Registry | None) -> str:
    entity = registry.get(kind, entity_id) if registry is not None else None
    if entity is not None:
        return entity.name
    return fallback if isinstance(fallback, str) and fallback.strip() else entity_id


def case_terms(article, registry: Registry | None = None, ui_lang: str = "fr") -> CaseTerms:
    """The terms of an article-like object (a Pelican article, or any object with the reader's
    attributes: slug, campaign, organizations, people, themes, sectors, channels, audiences,
    translation_of, translation_slugs)."""
    terms: dict[Term, str] = {}
    campaign = getattr(article, "campaign", None)
    if isinstance(campaign, dict) and isinstance(campaign.get("id"), str):
        terms[("campaigns", campaign["id"])] = _entity_label("campaigns", campaign["id"], campaign.get("name"),
                                                             registry)
    for kind in ("organizations", "people"):
        for item in getattr(article, kind, None) or []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                terms.setdefault((kind, item["id"]), _entity_label(kind, item["id"], item.get("name"), registry))
    for kind in ("themes", "sectors"):
        for text in getattr(article, kind, None) or []:
            if isinstance(text, str) and slugify(text):
                terms.setdefault((kind, slugify(text)), text.strip())
    for kind, vocabulary in (("channels", CHANNELS), ("audiences", AUDIENCES)):
        for term in getattr(article, kind, None) or []:
            if isinstance(term, str):
                terms.setdefault((kind, term), label(vocabulary, term, ui_lang))
    exclude = {getattr(article, "translation_of", None), *(getattr(article, "translation_slugs", None) or [])}
    return CaseTerms(article.slug, terms, frozenset(s for s in exclude if isinstance(s, str)))


def _index(cases: Iterable[CaseTerms], weights: dict[str, float]) -> _Index:
    ordered = sorted(cases, key=lambda case: case.slug)
    # Translations are excluded both ways, whichever side declares them.
    excluded: dict[str, set[str]] = defaultdict(set)
    for case in ordered:
        for slug in case.exclude:
            excluded[case.slug].add(slug)
            excluded[slug].add(case.slug)
    index = _Index([c.slug for c in ordered], [], [frozenset(excluded.get(c.slug, ())) for c in ordered])
    for position, case in enumerate(ordered):
        kept = {term: text for term, text in case.terms.items() if weights.get(term[0], 0) > 0}
        index.terms.append(kept)
        for term in kept:
            index.postings.setdefault(term, []).append(position)
    return index


def relate(cases: Iterable[CaseTerms], settings: CrossLinksSettings | None = None) -> dict[str, list[Related]]:
    """Every case's related cases, best first: ``{slug: [Related, ...]}``.

    This is the whole cost of relating (the benchmark times it on synthetic cases).
    """
    settings = settings or CrossLinksSettings()
    weights = settings.weights
    index = _index(cases, weights)
    count = len(index.slugs)
    if count < 2 or settings.max_related == 0:
        return {slug: [] for slug in index.slugs}
    norm = math.log(1 + count)
    strength = {term: weights[term[0]] * math.log(1 + count / len(cases_with)) / norm
                for term, cases_with in index.postings.items()}
    # How shared terms are ordered in a "why": strongest first, then by kind and key.
    rank = {term: (-round(value, 9), TERM_KINDS.index(term[0]), term[1]) for term, value in strength.items()}
    threshold = settings.min_score - 1e-9
    rare = {term for term, cases_with in index.postings.items() if 1 < len(cases_with) <= settings.max_postings}
    position_of = {slug: position for position, slug in enumerate(index.slugs)}

    def best_of(positions: Sequence[int]) -> list[tuple[str, list[Related]]]:
        found = []
        for position in positions:
            own = index.terms[position]
            scores: dict[int, float] = defaultdict(float)
            for term in own:
                if term in rare:
                    value = strength[term]
                    for other in index.postings[term]:
                        scores[other] += value
            scores.pop(position, None)
            for slug in index.exclude[position]:
                scores.pop(position_of.get(slug, -1), None)
            common = [term for term in own if term not in rare and len(index.postings[term]) > 1]
            if common:
                scores = _add_common(scores, common, index.terms, strength, threshold, settings.max_related)
            kept = [(-round(score, 9), index.slugs[other], other) for other, score in scores.items()
                    if score >= threshold]
            best = heapq.nsmallest(settings.max_related, kept)
            found.append((index.slugs[position],
                          [_related(own, index, other, -negative, rank) for negative, _, other in best]))
        return found

    # Each case is scored on its own: the cases are shared between this process and a forked
    # one where that is safe (casebook/forked.py), which halves the wait at 10,000 cases.
    result: dict[str, list[Related]] = {}
    for found in forked.in_shares(best_of, range(count), "relating the cases"):
        result.update(found)
    return result


def _add_common(scores: dict[int, float], common: list[Term], terms: list[dict[Term, str]],
                strength: dict[Term, float], threshold: float, wanted: int) -> dict[int, float]:
    """The candidates' full scores, common terms added, for the candidates that can still make
    the best ``wanted``: the others are left out unscored (their best possible score, what
    the rarer terms gave plus every common term, is below the wanted-th full score)."""
    bound = sum(strength[term] for term in common)
    full: dict[int, float] = {}
    best: list[float] = []  # min-heap of the best ``wanted`` full scores
    for other, partial in sorted(scores.items(), key=lambda item: (-item[1], item[0])):
        floor = max(threshold, best[0] if len(best) == wanted else threshold)
        if partial + bound < floor - 1e-9:
            break
        theirs = terms[other]
        score = full[other] = partial + sum(strength[term] for term in common if term in theirs)
        if len(best) < wanted:
            heapq.heappush(best, score)
        elif score > best[0]:
            heapq.heapreplace(best, score)
    return full


def _related(own: dict[Term, str], index: _Index, other: int, score: float, rank: dict[Term, tuple]) -> Related:
    theirs = index.terms[other]
    shared = sorted((term for term in own if term in theirs), key=rank.__getitem__)
    return Related(index.slugs[other], round(score, 6), tuple(own[term] for term in shared))


def relate_articles(articles: Sequence, settings: CrossLinksSettings | None = None,
                    registry: Registry | None = None, ui_lang: str = "fr") -> dict[str, list[Related]]:
    """``relate`` over article-like objects (see ``case_terms``)."""
    return relate([case_terms(article, registry, ui_lang) for article in articles], settings)
