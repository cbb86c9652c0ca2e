"""Cross-links: related cases, campaign and translation links, previous/next case, mentions of
registry entities in the text, and the backlinks from each entity to the cases that mention it.

Glue only: the logic lives in related.py (scoring), links.py (campaigns, translations, order,
backlinks), mentions.py (the HTML pass) and reader.py (where that pass runs). What the theme
reads, set on each published case:

- ``article.related_cases``: ``[RelatedCase(case, why, score)]``, best first;
- ``article.campaign_cases``: the other cases of its campaign nearest in time, chronologically
  (at most ``CASEBOOK_CAMPAIGN_MAX``);
- ``article.campaign_size``: how many cases its campaign has (the case included);
- ``article.campaign_title``: the campaign's registry name (else the name the case gives);
- ``article.translation_cases``: ``[Translation(case, language)]``;
- ``article.previous_case``, ``article.next_case``: chronological neighbours (or None);
- ``article.mentions``: ``[{kind, id, context}]``, set by the reader;

and in every template's context, ``CASEBOOK_MENTIONS``: ``{kind: {id: [Backlink(case, context)]}}``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pelican import signals

from casebook.registry import load_registry
from casebook.schema import LANGUAGES, label
from casebook.settings import ui_lang as read_ui_lang

from . import links
from .reader import with_mentions
from .related import case_terms, relate
from .settings import read_settings

log = logging.getLogger(__name__)

READER_EXTENSIONS = ("md",)


@dataclass(frozen=True)
class RelatedCase:
    case: object
    why: str
    score: float


@dataclass(frozen=True)
class Translation:
    case: object
    language: str  # the language's name in the interface language (CASEBOOK_UI_LANG): "italien"


def check_settings(pelican) -> None:
    """Fails fast, before any content is read, on a bad CASEBOOK_RELATED_* value."""
    read_settings(pelican.settings)


def add_mentions_to_reader(readers) -> None:
    for extension in READER_EXTENSIONS:
        if extension in readers.reader_classes:
            readers.reader_classes[extension] = with_mentions(readers.reader_classes[extension])


# The last relations computed in this process, by call (published cases; with drafts): the
# scorer's whole input as the key, the result. Consulted only when CASEBOOK_RELATED_REUSE is on.
_last_relations: dict[str, tuple[tuple, dict]] = {}


def _relations(name: str, articles: list, settings, registry, ui_lang: str) -> dict:
    """``relate_articles``, or, with ``settings.reuse``, the last result of call ``name`` when
    the scorer's input (every case's slug, terms with their labels and exclusions, in order, and
    the settings) equals the last one's: a case's text is not part of it."""
    cases = [case_terms(article, registry, ui_lang) for article in articles]
    if not settings.reuse:
        _last_relations.pop(name, None)
        return relate(cases, settings)
    key = (settings, tuple((case.slug, tuple(case.terms.items()), case.exclude) for case in cases))
    last = _last_relations.get(name)
    if last is not None and last[0] == key:
        log.debug("crosslinks: %s relations reused", name)
        return dict(last[1])  # the caller adds to its copy
    related = relate(cases, settings)
    _last_relations[name] = (key, dict(related))
    return related


def link_cases(generator) -> None:
    settings = read_settings(generator.settings)
    registry = load_registry(generator.settings["PATH"])
    ui_lang = read_ui_lang(generator.settings)
    published = list(generator.articles)
    drafts = list(generator.drafts) if generator.settings.get("DRAFT_SAVE_AS") else []
    by_slug = {article.slug: article for article in published + drafts}
    draft_slugs = {draft.slug for draft in drafts}

    related = _relations("published", published, settings, registry, ui_lang)
    if drafts:  # drafts are related to published cases only, and never the other way round
        with_drafts = _relations("with drafts", published + drafts, settings, registry, ui_lang)
        for draft in drafts:
            related[draft.slug] = [r for r in with_drafts[draft.slug] if r.slug not in draft_slugs]
    mates = links.campaign_mates(published, settings.max_campaign)  # drafts never show on published pages
    if drafts:
        mates.update({slug: found for slug, found in
                      links.campaign_mates(published + drafts, settings.max_campaign).items() if slug in draft_slugs})
    sizes = links.campaign_sizes(published)
    draft_sizes = links.campaign_sizes(published + drafts)
    translations = links.translations(published + drafts)
    order = links.neighbours(published)

    for article in published + drafts:
        is_draft = article.slug in draft_slugs
        article.related_cases = [RelatedCase(by_slug[r.slug], r.why(settings.reasons), r.score)
                                 for r in related.get(article.slug, [])]
        campaign = registry.get("campaigns", links.campaign_id(article) or "")
        article.campaign_title = campaign.name if campaign else (article.campaign or {}).get("name", "")
        article.campaign_cases = mates[article.slug]
        article.campaign_size = (draft_sizes if is_draft else sizes).get(links.campaign_id(article) or "", 0)
        article.translation_cases = [Translation(t, label(LANGUAGES, str(t.lang), ui_lang))
                                     for t in translations[article.slug] if is_draft or t.slug not in draft_slugs]
        article.previous_case, article.next_case = order.get(article.slug, (None, None))
    generator.context["CASEBOOK_MENTIONS"] = links.backlinks(published)
    log.debug("crosslinks: related %d cases", len(published) + len(drafts))


def register() -> None:
    signals.initialized.connect(check_settings)
    signals.readers_init.connect(add_mentions_to_reader)
    signals.article_generator_finalized.connect(link_cases)
