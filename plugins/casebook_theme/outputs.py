"""The files that are not pages: the Atom feed, the sitemap and robots.txt.

Each is built with ElementTree (never by pasting strings) and is deterministic: the same
cases give the same bytes. A case whose date the text does not state carries no date at all
here (Pelican stores it as 1970-01-01; that placeholder must never reach a reader).
"""

from __future__ import annotations

import datetime as dt
import html
import os
import posixpath
import uuid
import xml.etree.ElementTree as ET  # noqa: N817 (the usual name)
from collections.abc import Iterable, Sequence
from pathlib import Path

from .facts import authors_of, known_date

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Written pages that are not worth a search engine's visit.
SITEMAP_EXCLUDED = ("404.html", "drafts/")


def is_absolute(site_url: str) -> bool:
    return site_url.startswith(("http://", "https://"))


def address(site_url: str, url: str, from_file: str) -> str:
    """``url`` (relative to the site root) as seen from ``from_file``: absolute when the site's
    address is known, else relative to the file, so that the site works under any sub-path."""
    if is_absolute(site_url):
        return f"{site_url.rstrip('/')}/{url}"
    base = posixpath.dirname(from_file) or "."
    relative = posixpath.relpath(url or ".", base)
    if url.endswith("/") or not url:
        relative = relative.rstrip("/") + "/"
    return relative


def _timestamp(date: dt.datetime | dt.date) -> str:
    if not isinstance(date, dt.datetime):
        date = dt.datetime(date.year, date.month, date.day)
    if date.tzinfo is None:
        date = date.replace(tzinfo=dt.UTC)
    return date.isoformat(timespec="seconds")


def newest_first(articles: Iterable) -> list:
    """Dated cases newest first, then the undated ones; ties by slug."""

    def key(article) -> tuple:
        date = known_date(article)
        return (0, -date.toordinal(), article.slug) if date else (1, 0, article.slug)

    return sorted(articles, key=key)


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: v for k, v in attributes.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def _serialise(root: ET.Element, namespace: str) -> bytes:
    ET.register_namespace("", namespace)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def atom_feed(articles: Sequence, *, path: str, site_url: str, title: str, subtitle: str, lang: str,
              limit: int) -> bytes:
    """An Atom feed of the published cases, newest first, summaries only.

    Summaries rather than bodies: a body's links are relative to its own page and would break
    in a feed reader. Undated cases have neither <published> nor <updated>: Atom asks for
    <updated>, but a false date would be worse than a missing one.
    """
    q = lambda tag: f"{{{ATOM}}}{tag}"  # noqa: E731
    cases = newest_first(a for a in articles if getattr(a, "status", "published") == "published")[:limit]
    feed = ET.Element(q("feed"), {XML_LANG: lang})
    _add(feed, q("title"), title)
    if subtitle:
        _add(feed, q("subtitle"), subtitle)
    home = address(site_url, "", path)
    _add(feed, q("id"), home if is_absolute(site_url) else f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, title)}")
    _add(feed, q("link"), rel="alternate", type="text/html", href=home)
    _add(feed, q("link"), rel="self", type="application/atom+xml", href=address(site_url, path, path))
    dates = [d for d in (known_date(a) for a in cases) if d]
    if dates:
        _add(feed, q("updated"), _timestamp(max(dates)))
    author = _add(feed, q("author"))
    _add(author, q("name"), title)
    for article in cases:
        entry = _add(feed, q("entry"), **{XML_LANG: getattr(article, "lang", None)})
        _add(entry, q("title"), article.title)
        link = address(site_url, article.url, path)
        _add(entry, q("link"), rel="alternate", type="text/html", href=link)
        _add(entry, q("id"), link if is_absolute(site_url)
             else f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'casebook:' + article.url)}")
        date = known_date(article)
        if date:
            _add(entry, q("published"), _timestamp(date))
            _add(entry, q("updated"), _timestamp(date))
        for name in authors_of(article):
            _add(_add(entry, q("author")), q("name"), name)
        summary = getattr(article, "summary_text", "")
        if summary:  # as escaped HTML: readers that render every summary as HTML still show text
            _add(entry, q("summary"), html.escape(summary, quote=False), type="html")
        for theme in getattr(article, "themes", None) or []:
            _add(entry, q("category"), term=str(theme))
    return _serialise(feed, ATOM)


def page_urls(output: Path) -> list[str]:
    """Every written HTML page as a site URL ("cases/x/" for cases/x/index.html), sorted
    folder by folder (as paths sort). Plain strings from os.walk: thousands of pages."""
    root = os.fspath(output)
    pages = []
    for folder, _, files in os.walk(root):
        prefix = os.path.relpath(folder, root).replace(os.sep, "/") + "/"
        prefix = "" if prefix == "./" else prefix
        pages += [prefix + name for name in files if name.endswith(".html")]
    urls = []
    for relative in sorted(pages, key=lambda page: page.split("/")):
        if relative.startswith(SITEMAP_EXCLUDED) or relative.startswith("theme/"):
            continue
        urls.append(relative[: -len("index.html")] if relative.endswith("index.html") else relative)
    return urls


def sitemap(urls: Iterable[str], *, site_url: str, path: str) -> bytes:
    """A sitemap of ``urls``. Search engines want absolute addresses: set the site's URL."""
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    for url in urls:
        _add(_add(root, f"{{{SITEMAP}}}url"), f"{{{SITEMAP}}}loc", address(site_url, url, path))
    return _serialise(root, SITEMAP)


def robots(*, site_url: str, sitemap_path: str) -> bytes:
    """Everything may be crawled; the sitemap is announced when its address is absolute."""
    lines = ["User-agent: *", "Disallow:"]
    if sitemap_path and is_absolute(site_url):
        lines += ["", f"Sitemap: {address(site_url, sitemap_path, 'robots.txt')}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def minify_stylesheets(folder: Path) -> list[Path]:
    """Minify every stylesheet under ``folder`` in place (the theme's CSS keeps its comments
    in the source; readers download it without them)."""
    import rcssmin

    sheets = sorted(folder.rglob("*.css")) if folder.is_dir() else []
    for sheet in sheets:
        sheet.write_text(rcssmin.cssmin(sheet.read_text(encoding="utf-8")) + "\n", encoding="utf-8")
    return sheets


def write(output: Path, path: str, data: bytes) -> Path:
    """Write ``data`` at ``path`` inside ``output``."""
    target = output / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target
