"""Mentions and key figures in a case's rendered body.

``annotate`` reads the body's HTML (``markup.parse``, or BeautifulSoup for markup outside the
subset that reads exactly) and, in its text only:

- links the first mention of each registry entity (by name or alias, accents, case and
  punctuation ignored, as ``casebook.registry.name_key`` compares names) to the entity's page,
  ``<a class="mention" href=...>``;
- wraps the first occurrence of each of the case's key figures in ``<span class="figure">``;
- records, for each entity mentioned, the sentence of its first mention (the backlinks on
  the entity's page show it).

Text inside a link, a heading, code, or a quote's attribution is never changed (a mention
there still counts for the backlinks). Text from the case is written escaped (``markup.escape_text``,
BeautifulSoup's own rule), so it stays text. A name split across elements ("<em>Opco</em> 2i") is not matched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from bs4 import BeautifulSoup, NavigableString, Tag

from casebook import markup
from casebook.registry import Entity, name_key
from casebook.schema import ENTITY_KINDS, fold

# Elements whose text is left as written: links (no link in a link), headings, code, and the
# places where Markdown and HTML put a quote's attribution. Guarded by tests/test_crosslinks.py.
UNTOUCHED_TAGS = frozenset({"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "kbd", "samp", "script",
                            "style", "cite", "figcaption", "button", "textarea"})
# "> — Claire Martin, Renault": in a blockquote, a paragraph (or footer) that opens with a dash
# is the quote's attribution (the Markdown convention for a signed quote).
ATTRIBUTION = re.compile(r"^\s*[—–―-]")
# Elements whose text is the context of a mention: the sentence is cut out of their text.
BLOCK_TAGS = frozenset({"p", "li", "td", "th", "dd", "dt", "blockquote", "figcaption", "h1", "h2", "h3", "h4",
                        "h5", "h6", "pre", "div", "body"})
# A sentence ends at . ! ? or … followed by a space (French, Italian and English punctuation).
SENTENCE_END = re.compile(r"[.!?…]+[»”\"’)]*\s+")
CONTEXT_MAX = 300

WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Mention:
    kind: str
    id: str
    context: str  # the sentence of the first mention, as plain text


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    entity: Entity | None = None
    figure: dict | None = None


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    return fold(char)


def fold_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """``fold(text)`` and, for each folded character, the index of the character it comes from
    (``None`` when every character folds to exactly one: the offsets are the same).

    Folding changes lengths ("œ" -> "oe", a lone combining accent -> ""), so matches found in
    the folded text are mapped back through these offsets.
    """
    if text.isascii():
        return text.lower(), None
    table = {ord(char): _fold_char(char) for char in set(text) if not char.isascii()}
    folded = text.translate(table).lower()
    uneven = "".join(chr(code) for code, piece in table.items() if len(piece) != 1)
    if not uneven:
        return folded, None
    # Every other character folds to one: the offsets run on by one, and jump only at these.
    origin: list[int] = []
    position = 0
    for found in re.finditer(f"[{re.escape(uneven)}]", text):
        index = found.start()
        origin.extend(range(position, index))
        origin.extend([index] * len(table[ord(text[index])]))
        position = index + 1
    origin.extend(range(position, len(text)))
    return folded, origin


class EntityMatcher:
    """Finds registry names and aliases in text, the longest name first at each position."""

    def __init__(self, entities: Iterable[Entity]):
        self.by_key: dict[str, list[Entity]] = {}
        rank = {kind: position for position, kind in enumerate(ENTITY_KINDS)}
        for entity in sorted(entities, key=lambda e: (rank.get(e.kind, len(rank)), e.id)):
            for name in entity.names:
                key = name_key(name)
                if key and entity not in self.by_key.setdefault(key, []):
                    self.by_key[key].append(entity)
        # First word of a name -> the most words a name starting with it has: most words of a
        # text start no name, and are passed over with one look-up.
        self.starts: dict[str, int] = {}
        for key in self.by_key:
            words = key.split(" ")
            self.starts[words[0]] = max(self.starts.get(words[0], 0), len(words))

    def find(self, text: str, preferred: frozenset[tuple[str, str]] = frozenset()) -> list[_Match]:
        """Non-overlapping matches in ``text`` (offsets in ``text`` itself, not in its folded form).

        When a name belongs to several entities, the one the case refers to wins.
        """
        if not self.by_key:
            return []
        folded, origin = fold_with_offsets(text)
        words = WORD.findall(folded)
        starts = self.starts
        if starts.keys().isdisjoint(words):  # most text nodes name no one
            return []
        # Most words start no name: only the ones that do are looked at.
        hits = [index for index, word in enumerate(words) if word in starts]
        if not hits:
            return []
        spans = None  # each word's offsets in the folded text, found once a name matches
        matches, position, count = [], 0, len(words)
        for index in hits:
            if index < position:  # inside the name matched before
                continue
            for length in range(min(starts[words[index]], count - index), 0, -1):
                candidates = self.by_key.get(" ".join(words[index:index + length]))
                if candidates:
                    entity = next((e for e in candidates if (e.kind, e.id) in preferred), candidates[0])
                    if spans is None:
                        spans = [found.span() for found in WORD.finditer(folded)]
                    start, end = spans[index][0], spans[index + length - 1][1]
                    if origin is not None:
                        start, end = origin[start], origin[end - 1] + 1
                    matches.append(_Match(start, end, entity=entity))
                    position = index + length
                    break
        return matches


# Scale words after a number, in the archive's languages.
SCALES = {
    "mille": 1e3, "mila": 1e3, "thousand": 1e3, "k": 1e3,
    "million": 1e6, "millions": 1e6, "milione": 1e6, "milioni": 1e6, "m": 1e6, "mio": 1e6,
    "milliard": 1e9, "milliards": 1e9, "miliardo": 1e9, "miliardi": 1e9, "billion": 1e9, "billions": 1e9,
    "md": 1e9, "mds": 1e9, "mrd": 1e9,
}
# Numbers as the press writes them ("15 000 000", "15.000.000", "15,000,000", "1,5", "83"),
# then a scale word and a unit: "15 millions d'euros", "83%", "2,5 M€".
NUMBER = re.compile(
    r"(?<![\w.,])(?P<number>\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?|\d{1,3}(?:\.\d{3})+(?:,\d+)?"
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)(?!\d)"
    r"(?:[ \u00a0\u202f]?(?P<scale>" + "|".join(sorted(SCALES, key=len, reverse=True)) + r")(?!\w))?"
    r"(?:[ \u00a0\u202f]?(?P<unit>%|€|\$|(?:d['’])?euros?(?!\w)|dollars?(?!\w)|(?:di )?euro(?!\w)))?",
    re.IGNORECASE,
)


def number_values(number: str) -> set[float]:
    """Every value a written number can mean: "1,500" is 1500 in English and 1.5 in French."""
    digits = re.sub(r"[ \u00a0\u202f]", "", number)
    if "." in digits and "," in digits:
        decimal = "." if digits.rfind(".") > digits.rfind(",") else ","
        grouping = "," if decimal == "." else "."
        return {float(digits.replace(grouping, "").replace(decimal, "."))}
    for separator in ".,":
        if separator in digits:
            parts = digits.split(separator)
            values = set()
            if all(len(part) == 3 for part in parts[1:]):
                values.add(float("".join(parts)))
            if len(parts) == 2:
                values.add(float(".".join(parts)))
            return values
    return {float(digits)}


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def find_figures(text: str, figures: list[dict]) -> list[_Match]:
    """Where the case's key figures are written in ``text``."""
    matches = []
    for found in NUMBER.finditer(text):
        scale = SCALES[found.group("scale").lower()] if found.group("scale") else 1
        values = {value * scale for value in number_values(found.group("number"))}
        for figure in figures:
            if any(_same(value, figure["value"]) for value in values):
                end = found.end() if found.group("unit") or found.group("scale") else found.end("number")
                matches.append(_Match(found.start(), end, figure=figure))
                break
    return matches


def sentence_at(text: str, offset: int) -> str:
    """The sentence of ``text`` that holds ``offset``, whitespace collapsed, at most CONTEXT_MAX long."""
    start = 0
    for end in SENTENCE_END.finditer(text):
        if end.end() > offset:
            break
        start = end.end()
    stop = SENTENCE_END.search(text, max(offset, start))
    sentence = text[start:stop.end() if stop else len(text)]
    sentence = " ".join(sentence.split())
    if len(sentence) > CONTEXT_MAX:
        sentence = sentence[:CONTEXT_MAX].rsplit(" ", 1)[0] + " …"
    return sentence


@dataclass
class Annotated:
    html: str
    mentions: list[Mention]


class _SoupDocument:
    """The body as a BeautifulSoup tree: the reference, and the fallback for markup that
    ``markup.parse`` does not read exactly. Text nodes are NavigableStrings."""

    def __init__(self, html: str):
        self.soup = BeautifulSoup(html, "html.parser")
        self.nodes = [node for node in self.soup.find_all(string=True) if type(node) is NavigableString]

    @staticmethod
    def node_text(node: NavigableString) -> str:
        return str(node)

    @staticmethod
    def untouched(node: NavigableString) -> bool:
        parents = [parent.name for parent in node.parents]
        if not UNTOUCHED_TAGS.isdisjoint(parents):
            return True
        if "blockquote" in parents:
            for parent in node.parents:
                if parent.name == "blockquote":
                    break
                if parent.name in ("p", "footer") and ATTRIBUTION.match(parent.get_text()):
                    return True
        return False

    @staticmethod
    def block(node: NavigableString) -> Tag:
        for parent in node.parents:
            if parent.name in BLOCK_TAGS:
                return parent
        return node.parent

    @staticmethod
    def block_text(block: Tag) -> str:
        return block.get_text()

    @staticmethod
    def offset(block: Tag, node: NavigableString) -> int:
        before = 0
        for string in block.strings:
            if string is node:
                break
            before += len(string)
        return before

    def serialize(self, edits: list[tuple[NavigableString, list[_Match]]], url_for) -> str:
        soup = self.soup
        for node, chosen in edits:
            pieces: list = []
            for kind, value, attributes in _pieces(str(node), chosen, url_for):
                if kind == "text":
                    pieces.append(NavigableString(value))
                else:
                    element = soup.new_tag(kind, attrs=dict(attributes))
                    element.string = value
                    pieces.append(element)
            node.replace_with(*pieces)
        return str(soup)


class _FastDocument:
    """The same questions answered on ``markup.Document`` (text nodes are indexes)."""

    def __init__(self, document: markup.Document):
        self.document = document
        self.nodes = range(len(document.texts))
        self.node_text = document.texts.__getitem__
        self.block_text = document.text
        self.offset = document.offset

    def untouched(self, node: int) -> bool:
        names = [element.name for element in self.document.ancestors(node)]
        if not UNTOUCHED_TAGS.isdisjoint(names):
            return True
        if "blockquote" in names:
            for element in self.document.ancestors(node):
                if element.name == "blockquote":
                    break
                if element.name in ("p", "footer") and ATTRIBUTION.match(self.document.text(element)):
                    return True
        return False

    def block(self, node: int) -> markup.Element:
        for element in self.document.ancestors(node):
            if element.name in BLOCK_TAGS:
                return element
        return self.document.parents[node]

    def serialize(self, edits: list[tuple[int, list[_Match]]], url_for) -> str:
        replaced = {}
        for node, chosen in edits:
            written = []
            for kind, value, attributes in _pieces(self.document.texts[node], chosen, url_for):
                if kind == "text":
                    written.append(markup.escape_text(value))
                else:
                    names = "".join(" " + markup.attribute(k, v) for k, v in sorted(attributes))
                    written.append(f"<{kind}{names}>{markup.escape_text(value)}</{kind}>")
            replaced[node] = "".join(written)
        return self.document.serialize(replaced)


def annotate(html: str, matcher: EntityMatcher, url_for: Callable[[Entity], str],
             figures: list[dict] | None = None, preferred: frozenset[tuple[str, str]] = frozenset(),
             linkable: Callable[[Entity], bool] | None = None, *, reference: bool = False) -> Annotated:
    """Link first mentions, wrap key figures, and collect each mention's sentence.

    ``preferred``: the (kind, id) pairs the case's front matter names, which win when a name
    belongs to several entities. ``linkable``: which entities get a link (default: all); the
    others are still recorded as mentions. A figure is wrapped where it first occurs in the
    sentence its ``quote`` gives, else where it first occurs. ``reference``: read the HTML
    with BeautifulSoup even when ``markup.parse`` can (the tests compare both).
    """
    figures = [f for f in figures or [] if isinstance(f, dict) and isinstance(f.get("value"), (int, float))
               and not isinstance(f.get("value"), bool)]
    quotes = [name_key(f["quote"]) if isinstance(f.get("quote"), str) else "" for f in figures]
    parsed = None if reference else markup.parse(html)
    doc = _SoupDocument(html) if parsed is None else _FastDocument(parsed)
    contexts: dict[tuple[str, str], str] = {}
    linked: set[tuple[str, str]] = set()
    edits: dict[int, tuple[object, list[_Match]]] = {}  # position of the node -> (node, matches)
    figure_at: dict[int, tuple[bool, int, object, _Match]] = {}  # figure -> (in its quote, position, node, match)
    block_keys: dict[int, str] = {}  # id(block) -> name_key of its text, for the figures' quotes

    for position, node in enumerate(doc.nodes):
        text = doc.node_text(node)
        if not text.strip():
            continue
        entity_matches = matcher.find(text, preferred)
        block = None
        for match in entity_matches:
            key = (match.entity.kind, match.entity.id)
            if key not in contexts:
                block = block or doc.block(node)
                contexts[key] = sentence_at(doc.block_text(block), doc.offset(block, node) + match.start)
        if doc.untouched(node):
            continue
        chosen = edits.setdefault(position, (node, []))[1]
        for match in entity_matches:
            key = (match.entity.kind, match.entity.id)
            if key not in linked and (linkable is None or linkable(match.entity)):
                linked.add(key)
                chosen.append(match)
        if not figures:
            continue
        for match in find_figures(text, figures):
            if any(m.start < match.end and match.start < m.end for m in entity_matches):
                continue
            number = next(i for i, f in enumerate(figures) if f is match.figure)
            if number in figure_at and figure_at[number][0]:
                continue
            block = block or doc.block(node)
            if quotes[number] and id(block) not in block_keys:
                block_keys[id(block)] = name_key(doc.block_text(block))
            in_quote = bool(quotes[number]) and quotes[number] in block_keys[id(block)]
            if number not in figure_at or in_quote:
                figure_at[number] = (in_quote, position, node, match)
    for _, position, node, match in figure_at.values():
        edits.setdefault(position, (node, []))[1].append(match)

    changed = [(node, chosen) for node, chosen in edits.values() if chosen]
    mentions = [Mention(kind, entity_id, context) for (kind, entity_id), context in contexts.items()]
    return Annotated(doc.serialize(changed, url_for) if changed else html, mentions)


def _pieces(text: str, chosen: list[_Match], url_for: Callable[[Entity], str]) -> list[tuple[str, str, list]]:
    """``text`` cut at the matches: ("text", text, []) and (tag, text, [(attribute, value)])."""
    pieces: list = []
    position = 0
    for match in sorted(chosen, key=lambda m: m.start):
        if match.start > position:
            pieces.append(("text", text[position:match.start], []))
        if match.entity is not None:
            pieces.append(("a", text[match.start:match.end], [("class", "mention"), ("href", url_for(match.entity))]))
        else:
            attributes = [("class", "figure")]
            if isinstance(match.figure.get("label"), str) and match.figure["label"].strip():
                attributes.append(("title", match.figure["label"].strip()))
            pieces.append(("span", text[match.start:match.end], attributes))
        position = match.end
    if position < len(text):
        pieces.append(("text", text[position:], []))
    return pieces
