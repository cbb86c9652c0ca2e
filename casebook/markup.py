"""The HTML of a case body as a list of text nodes with their elements, read fast.

``mentions.annotate`` needs, for each text node of a rendered case body, its ancestors (is it
in a link, a heading, a quote's attribution?), the text of its nearest block, and a way to
replace it with new markup. BeautifulSoup gives all that but costs more than the rest of the
reading pass together. The body comes from ``casebook.render`` (Python-Markdown with raw HTML
escaped), so its markup is well-formed and ours: lowercase tags, double-quoted attributes,
``<``, ``>`` and ``&`` escaped in text and attributes.

``parse`` reads that markup with one compiled regex and returns a ``Document`` whose text
nodes, block texts and serialization are exactly those of BeautifulSoup's ``html.parser``
tree (``str(soup)``): entities decoded the way BeautifulSoup decodes them, whitespace-only
strings collapsed to one space or newline outside ``<pre>``, attributes sorted and re-quoted,
void elements written ``<br/>``, ``class`` values normalised. For anything outside that
subset (a comment, an unquoted or unknown-entity attribute, a stray ``<`` or ``&``, an
unclosed or misnested element, script or style) it returns None and the caller uses
BeautifulSoup: the output is the same either way. tests/test_markup.py compares both on
tricky inputs; on the bench copy's 1,000 cases both gave identical output. Used by the
cross-links reading pass (mentions) and by the search records (the text of a case).
"""

from __future__ import annotations

import re
from html import unescape

from bs4.builder import HTMLTreeBuilder
from bs4.dammit import EntitySubstitution, UnicodeDammit

# A tag is everything from "<" to the next ">": Markdown escapes ">" inside attribute values.
_SPLIT = re.compile(r"(<[^>]*>)")
_START_TAG = re.compile(r'<([a-z][a-z0-9]*)((?:[ \t\n]+[a-z][a-z0-9_:-]*="[^"<]*")*)[ \t\n]*(/?)>')
_ATTRIBUTE = re.compile(r'([a-z][a-z0-9_:-]*)="([^"]*)"')
_END_TAG = re.compile(r"</([a-z][a-z0-9]*)>")
# In text, only the references html.parser and BeautifulSoup resolve without a special case.
_REFERENCE = re.compile(r"&(?:#([0-9]+);|#[xX]([0-9a-fA-F]+);|([a-zA-Z][a-zA-Z0-9]*);)?")

VOID_TAGS = frozenset(HTMLTreeBuilder.DEFAULT_EMPTY_ELEMENT_TAGS)
# Whitespace-only strings are kept as written inside these (BeautifulSoup's rule).
_PRESERVE_WHITESPACE = frozenset(HTMLTreeBuilder.DEFAULT_PRESERVE_WHITESPACE_TAGS)
_ASCII_SPACES = "\x20\x0a\x09\x0c\x0d"
# Elements html.parser or BeautifulSoup treat specially (raw text, other string classes,
# charset rewriting): never in a rendered body; left to BeautifulSoup if they ever are.
_SPECIAL_TAGS = frozenset({"script", "style", "textarea", "title", "template", "rt", "rp", "meta", "xmp",
                           "iframe", "noembed", "noframes", "noscript", "plaintext"}) | _PRESERVE_WHITESPACE - {"pre"}
# Attributes whose value BeautifulSoup splits on whitespace and joins with one space.
_LIST_ATTRIBUTES = {tag: frozenset(names) for tag, names in HTMLTreeBuilder.DEFAULT_CDATA_LIST_ATTRIBUTES.items()}
_ANY_TAG_LIST_ATTRIBUTES = _LIST_ATTRIBUTES.get("*", frozenset())
_NON_WHITESPACE = re.compile(r"\S+")


class OutsideSubsetError(Exception):
    """The markup is outside the subset ``parse`` reads exactly."""


def escape_text(text: str) -> str:
    """Text as BeautifulSoup's "minimal" formatter writes it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attribute(name: str, value: str) -> str:
    """``name="value"`` as BeautifulSoup writes it (single quotes around a value with only ")."""
    value = escape_text(value)
    if '"' in value:
        if "'" in value:
            return f'{name}="{value.replace(chr(34), "&quot;")}"'
        return f"{name}='{value}'"
    return f'{name}="{value}"'


def _reference(found: re.Match) -> str:
    decimal, hexadecimal, name = found.groups()
    if decimal is not None:
        return UnicodeDammit.numeric_character_reference(int(decimal))[0]
    if hexadecimal is not None:
        return UnicodeDammit.numeric_character_reference(int(hexadecimal, 16))[0]
    character = EntitySubstitution.HTML_ENTITY_TO_CHARACTER.get(name) if name is not None else None
    if character is None:  # a bare "&" or an unknown name: html.parser's special cases
        raise OutsideSubsetError
    return character


class Element:
    __slots__ = ("name", "parent", "first", "last", "_text")

    def __init__(self, name: str, parent: Element | None, first: int):
        self.name = name
        self.parent = parent
        self.first = first  # index of its first text node
        self.last = first  # index after its last text node (set when it closes)
        self._text = None


class Document:
    """Text nodes (by index) and the elements around them; ``serialize`` writes it back."""

    def __init__(self, parts: list[str], texts: list[str], parents: list[Element], places: list[int]):
        self._parts = parts  # tags already in their serialized form; text parts as read
        self.texts = texts  # each text node, decoded as BeautifulSoup holds it
        self.parents = parents  # each text node's innermost element
        self._places = places  # each text node's index in parts

    def ancestors(self, node: int):
        element = self.parents[node]
        while element is not None:
            yield element
            element = element.parent

    def text(self, element: Element) -> str:
        if element._text is None:
            element._text = "".join(self.texts[element.first:element.last])
        return element._text

    def offset(self, element: Element, node: int) -> int:
        """Where text node ``node`` starts in ``text(element)``."""
        return sum(map(len, self.texts[element.first:node]))

    def serialize(self, replaced: dict[int, str]) -> str:
        """The document as ``str(soup)`` writes it, with text node i replaced by the markup
        ``replaced[i]`` where given."""
        parts = list(self._parts)
        for node, place in enumerate(self._places):
            parts[place] = replaced[node] if node in replaced else escape_text(self.texts[node])
        return "".join(parts)


def parse(html: str) -> Document | None:
    """``html`` as a Document, or None when it is outside the subset read exactly."""
    try:
        return _parse(html)
    except OutsideSubsetError:
        return None


def _parse(html: str) -> Document:
    parts = _SPLIT.split(html)
    root = Element("[document]", None, 0)
    current = root
    preserve = 0
    texts: list[str] = []
    parents: list[Element] = []
    places: list[int] = []
    for index, part in enumerate(parts):
        if not index % 2:
            if not part:
                continue
            if "<" in part:
                raise OutsideSubsetError
            if "&" in part:
                part = _REFERENCE.sub(_reference, part)
            if not preserve and not part.strip(_ASCII_SPACES):
                part = "\n" if "\n" in part else " "
            texts.append(part)
            parents.append(current)
            places.append(index)
            continue
        if part.startswith("</"):
            found = _END_TAG.fullmatch(part)
            if found is None or found.group(1) != current.name:
                raise OutsideSubsetError
            current.last = len(texts)
            if current.name in _PRESERVE_WHITESPACE:
                preserve -= 1
            current = current.parent
            continue
        found = _START_TAG.fullmatch(part)
        if found is None:
            raise OutsideSubsetError
        name, raw_attributes, closing = found.groups()
        if name in _SPECIAL_TAGS or (closing and name not in VOID_TAGS):
            raise OutsideSubsetError
        attributes = {}
        for key, value in _ATTRIBUTE.findall(raw_attributes):
            value = unescape(value) if "&" in value else value  # what html.parser does
            if key in _ANY_TAG_LIST_ATTRIBUTES or key in _LIST_ATTRIBUTES.get(name, ()):
                value = " ".join(_NON_WHITESPACE.findall(value))
            attributes[key] = value  # a repeated attribute: the last wins, as in BeautifulSoup
        written = "".join(" " + attribute(key, attributes[key]) for key in sorted(attributes))
        if name in VOID_TAGS:
            parts[index] = f"<{name}{written}/>"
            continue
        parts[index] = f"<{name}{written}>"
        current = Element(name, current, len(texts))
        if name in _PRESERVE_WHITESPACE:
            preserve += 1
    if current is not root:
        raise OutsideSubsetError  # an unclosed element: BeautifulSoup would close it
    root.last = len(texts)
    return Document(parts, texts, parents, places)
