"""schema.org JSON-LD for a case page, as a plain dict: the template serialises it with
``|tojson``, which escapes what could close the <script> element."""

from __future__ import annotations

from collections.abc import Callable

from .facts import authors_of
from .i18n import iso_date
from .outputs import is_absolute

# Organizations in these roles are what the case is about; the others are mentioned.
ABOUT_ROLES = ("advertiser", "subject")

TermUrl = Callable[[str, str | None], str | None]


def _entity(kind: str, facet: str, item: dict, site_url: str, term_url: TermUrl) -> dict:
    data = {"@type": kind, "name": item.get("name") or item.get("id")}
    url = term_url(facet, item["id"]) if item.get("id") else None
    if url and is_absolute(site_url):
        data["url"] = f"{site_url}/{url}"
    return data


def case_jsonld(article, site_url: str = "", term_url: TermUrl = lambda facet, slug: None) -> dict:
    """An Article: headline, author, datePublished (only when the text states the date),
    about (campaign, advertisers, subjects) and mentions (other organizations, people)."""
    data: dict = {"@context": "https://schema.org", "@type": "Article", "headline": article.title}
    if getattr(article, "summary_text", ""):
        data["description"] = article.summary_text
    if getattr(article, "lang", None):
        data["inLanguage"] = article.lang
    if getattr(article, "date_known", False):
        data["datePublished"] = iso_date(article.date, getattr(article, "date_precision", None) or "day")
    source = getattr(article, "source", None) or {}
    authors = [{"@type": "Person", "name": name} for name in authors_of(article)]
    if authors:
        data["author"] = authors
    elif source.get("publisher"):
        data["author"] = {"@type": "Organization", "name": source["publisher"]}
    if source.get("publisher"):
        data["publisher"] = {"@type": "Organization", "name": source["publisher"]}
    if source.get("url"):
        data["isBasedOn"] = source["url"]
    if is_absolute(site_url):
        data["url"] = data["mainEntityOfPage"] = f"{site_url}/{article.url}"

    about, mentions = [], []
    campaign = getattr(article, "campaign", None)
    if campaign and campaign.get("name"):
        about.append(_entity("CreativeWork", "campaigns", campaign, site_url, term_url))
    for org in getattr(article, "organizations", None) or []:
        (about if org.get("role") in ABOUT_ROLES else mentions).append(
            _entity("Organization", "organizations", org, site_url, term_url))
    for person in getattr(article, "people", None) or []:
        entity = _entity("Person", "people", person, site_url, term_url)
        if person.get("role"):
            entity["jobTitle"] = person["role"]
        mentions.append(entity)
    if about:
        data["about"] = about
    if mentions:
        data["mentions"] = mentions
    themes = [str(t) for t in getattr(article, "themes", None) or []]
    if themes:
        data["keywords"] = themes
    return data
