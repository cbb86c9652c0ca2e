"""Markdown to HTML for case bodies and entity descriptions, with untrusted text kept as text.

Case bodies come from scraped web pages. Python-Markdown passes raw HTML through and
accepts any link scheme, so this module:

- removes the raw-HTML block and inline processors: ``<script>`` stays visible text;
- keeps only http, https, mailto, relative and fragment URLs in links; any other link
  (``javascript:``, ``data:``...) is replaced by its text;
- drops images whose source is not http(s) or relative, keeping their alt text.

Extensions that let the text set attributes (attr_list, md_in_html) are never enabled.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree  # noqa: N813 (Python-Markdown's own name)

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

SAFE_URL = re.compile(r"^(https?://|mailto:|#|/|\./|\.\./|[\w\-.~%]+(/|$|#|\?))", re.IGNORECASE)
MARKDOWN_EXTENSIONS = ("footnotes", "sane_lists", "tables")


def is_safe_url(url: str) -> bool:
    """True for http(s), mailto, fragment and relative URLs; False for any other scheme."""
    url = re.sub(r"[\x00-\x20\x7f]+", "", url or "")
    if not url:
        return False
    if url.startswith("#"):
        return True
    if ":" in url.split("/", 1)[0] and not re.match(r"^(https?|mailto):", url, re.IGNORECASE):
        return False
    return bool(SAFE_URL.match(url))


class _UnsafeLinkRemover(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for index, child in enumerate(list(parent)):
                if child.tag == "a" and not is_safe_url(child.get("href", "")):
                    self._unwrap(parent, index, child)
                elif child.tag == "img" and not is_safe_url(child.get("src", "")):
                    span = etree.Element("span")
                    span.text = child.get("alt", "")
                    span.tail = child.tail
                    parent.remove(child)
                    parent.insert(index, span)

    @staticmethod
    def _unwrap(parent: etree.Element, index: int, link: etree.Element) -> None:
        span = etree.Element("span")
        span.text, span.tail = link.text, link.tail
        for grandchild in list(link):
            span.append(grandchild)
        parent.remove(link)
        parent.insert(index, span)


class SafeTextExtension(Extension):
    """Raw HTML is escaped as text; unsafe links and images lose their URL."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_UnsafeLinkRemover(md), "casebook_safe_links", 1)


def markdown_renderer() -> markdown.Markdown:
    """A fresh renderer with the extensions every case body uses."""
    return markdown.Markdown(
        extensions=[*MARKDOWN_EXTENSIONS, SafeTextExtension()],
        extension_configs={"footnotes": {"BACKLINK_TITLE": "Retour à la note %d"}},
        output_format="html",
    )


def render_markdown(text: str) -> str:
    return markdown_renderer().convert(text)
