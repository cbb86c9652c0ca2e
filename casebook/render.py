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

import html
import re
import xml.etree.ElementTree as etree  # noqa: N813 (Python-Markdown's own name)

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import ETX, STX

SAFE_URL = re.compile(r"^(https?://|mailto:|#|/|\./|\.\./|[\w\-.~%]+(/|$|#|\?))", re.IGNORECASE)
MARKDOWN_EXTENSIONS = ("footnotes", "sane_lists", "tables")
# Python-Markdown's placeholders in attribute values: "&" of encoded e-mail links, and
# backslash escapes (STX + code point + ETX) that its last tree processor turns back into text.
_AMP_PLACEHOLDER = f"{STX}amp{ETX}"
_ESCAPE_PLACEHOLDER = re.compile(f"{STX}(\\d+){ETX}")


def browser_url(url: str) -> str:
    """The URL a browser would follow: entities decoded, control characters and spaces dropped
    (browsers ignore tabs and newlines inside a scheme, so "java\\tscript:" is "javascript:")."""
    url = (url or "").replace(_AMP_PLACEHOLDER, "&")
    url = _ESCAPE_PLACEHOLDER.sub(lambda match: chr(int(match.group(1))), url)
    return re.sub(r"[\x00-\x20\x7f]+", "", html.unescape(url))


def is_safe_url(url: str) -> bool:
    """True for http(s), mailto, fragment and relative URLs; False for any other scheme."""
    url = browser_url(url)
    if not url:
        return False
    if url.startswith("#"):
        return True
    if ":" in url.split("/", 1)[0] and not re.match(r"^(https?|mailto):", url, re.IGNORECASE):
        return False
    return bool(SAFE_URL.match(url))


class _UnsafeLinkRemover(Treeprocessor):
    """Turns links and images with an unsafe URL into plain spans, in place (nested ones too)."""

    def run(self, root: etree.Element) -> None:
        for element in list(root.iter()):
            if element.tag == "a" and not is_safe_url(element.get("href", "")):
                element.tag = "span"
                element.attrib.clear()
            elif element.tag == "img" and not is_safe_url(element.get("src", "")):
                alt = element.get("alt", "")
                element.tag = "span"
                element.attrib.clear()
                element.text = alt


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
