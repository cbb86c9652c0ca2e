"""The reader-side hook: mentions and figures are added to a case's HTML as it is read.

Pelican computes ``article.content`` from the HTML its reader returned; changing it later
would mean editing the article's private ``_content``. Instead, the plugin wraps the reader
registered for Casebook documents (``CasebookReader``) in a subclass whose ``read`` passes the
HTML through ``mentions.annotate`` and adds the mentions to the metadata (``article.mentions``:
a list of ``{kind, id, context}``). Pelican then builds the article from that HTML as usual,
so its intrasite links, summary and caching keep working.
"""

from __future__ import annotations

import os
import posixpath

from casebook.registry import Entity, load_registry

from .mentions import EntityMatcher, annotate

# The URL contract (README): an entity's page.
ENTITY_URL = "{kind}/{id}/"


def relative_url(from_url: str, to_url: str) -> str:
    """The link from the page at ``from_url`` to ``to_url`` (both relative to the site root),
    so that the site works under any sub-path."""
    from_dir = from_url if from_url.endswith("/") else posixpath.dirname(from_url) + "/"
    link = posixpath.relpath("/" + to_url, "/" + from_dir)
    return link + "/" if to_url.endswith("/") and not link.endswith("/") else link


def page_url(settings: dict, metadata: dict) -> str:
    """Where the case will be published (drafts under DRAFT_URL when drafts are written)."""
    pattern = settings.get("ARTICLE_URL") or "{slug}.html"
    if metadata.get("status") == "draft" and settings.get("DRAFT_URL"):
        pattern = settings["DRAFT_URL"]
    try:
        return pattern.format(**metadata)
    except (KeyError, IndexError, AttributeError, ValueError):
        return pattern.replace("{slug}", str(metadata.get("slug", "")))


def is_case(settings: dict, source_path: str) -> bool:
    """True for files under one of ARTICLE_PATHS (the case studies), not pages."""
    relative = os.path.relpath(os.path.abspath(source_path), os.path.abspath(settings["PATH"]))
    parts = relative.replace(os.sep, "/").split("/")
    return any(parts[:len(p.strip("/").split("/"))] == p.strip("/").split("/")
               for p in settings.get("ARTICLE_PATHS") or [""])


def referenced(metadata: dict) -> frozenset[tuple[str, str]]:
    """The (kind, id) pairs the case's front matter refers to."""
    refs = set()
    for kind in ("organizations", "people"):
        for item in metadata.get(kind) or []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                refs.add((kind, item["id"]))
    campaign = metadata.get("campaign")
    if isinstance(campaign, dict) and isinstance(campaign.get("id"), str):
        refs.add(("campaigns", campaign["id"]))
    return frozenset(refs)


class MentionsReaderMixin:
    """Mixed in front of the reader class registered for Casebook documents."""

    def read(self, source_path: str):
        content, metadata = super().read(source_path)
        if not is_case(self.settings, source_path):
            return content, metadata
        matcher = self.entity_matcher()
        url = page_url(self.settings, metadata)

        def url_for(entity: Entity) -> str:
            return relative_url(url, ENTITY_URL.format(kind=entity.kind, id=entity.id))

        named = referenced(metadata)

        def linkable(entity: Entity) -> bool:
            # An entity's page exists when a published case names it in its front matter (the
            # taxonomy's rule): a published case links the entities it names; a draft links none.
            return metadata.get("status") != "draft" and (entity.kind, entity.id) in named

        annotated = annotate(content, matcher, url_for, metadata.get("figures"), named, linkable)
        metadata["mentions"] = [{"kind": m.kind, "id": m.id, "context": m.context} for m in annotated.mentions]
        return annotated.html, metadata

    def entity_matcher(self) -> EntityMatcher:
        """Every registry entity, loaded once per reader (one reader per generator)."""
        if getattr(self, "crosslinks_matcher", None) is None:
            registry = load_registry(self.settings["PATH"])
            self.crosslinks_matcher = EntityMatcher(
                entity for kind in registry.entities for entity in registry.all(kind))
        return self.crosslinks_matcher


def with_mentions(reader_class: type) -> type:
    """``reader_class`` with mentions; the same class when it already has them."""
    if issubclass(reader_class, MentionsReaderMixin):
        return reader_class
    return type(f"{reader_class.__name__}WithMentions", (MentionsReaderMixin, reader_class), {})
