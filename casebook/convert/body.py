"""Stage 5a, the body: segmented blocks become Markdown that renders as the article's text.

Every character the source text holds is written so that Markdown shows it as itself: block
markers at a paragraph's start (#, >, -, +, 1., =), inline markup (* _ ` [ ] |), HTML (< and
entities) are escaped. The source's own markup is normalised: [text](url) and {{LNK|text|url}}
become Markdown links when the URL is http, https or mailto, and plain text otherwise;
*emphasis* and **strong** stay; 1^{ère} becomes 1ère; [1] markers become footnotes [^1].
French text gets a no-break space (U+00A0) before : ; ! ? and inside « ».
"""

from __future__ import annotations

import re
from urllib.parse import quote

from casebook.convert.segment import Article, Block

SAFE_LINK = re.compile(r"^(https?://[^\s]+|mailto:[^\s]+)$", re.IGNORECASE)
_INLINE = re.compile(
    r"(?P<wiki>\{\{LNK\|(?P<wtext>[^|{}\n]{1,300})\|(?P<wurl>[^|{}\n]{1,2000})\}\})"
    r"|(?P<link>\[(?P<ltext>[^\[\]\n]{1,300})\]\((?P<lurl>(?:[^()\s]|\([^()\s]{0,200}\)){0,2000})\))"
    r"|(?P<sup>\^\{(?P<stext>[^{}\n]{1,20})\})"
    r"|(?P<em>(?P<emark>\*\*|\*)(?=[^\s*])(?P<etext>[^*\n]{0,500}?[^\s*])(?P=emark))"
    r"|(?P<note>(?<=\S)\[(?P<nnum>\d{1,3})\])"
)
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]{1,32};)")
_INLINE_ESCAPES = re.compile(r"([\\`*_\[\]|#])")
_BLOCK_START = re.compile(r"^(\s*)([#>+=-]|\d{1,9}(?=[.)])|~~~|```)")
_FR_BEFORE = re.compile(r"[ \u00a0\u202f]*([;:!?»])")
_FR_AFTER = re.compile(r"«[ \u00a0\u202f]*")


def french_typography(text: str) -> str:
    """U+00A0 before ; : ! ? » (where the text puts a space, or always for »), and after «."""
    def before(match: re.Match) -> str:
        sign = match.group(1)
        spaced = match.group(0) != sign
        if sign == "»" or spaced:
            return "\u00a0" + sign
        return sign

    text = _FR_BEFORE.sub(before, text)
    return _FR_AFTER.sub("«\u00a0", text)


def escape_text(text: str) -> str:
    """Inline Markdown escaping: the rendered text equals ``text``."""
    text = _ENTITY.sub("&amp;", text)  # before "#" is escaped: "&#60;" must stay text, not "<"
    text = _INLINE_ESCAPES.sub(r"\\\1", text)
    return text.replace("<", "&lt;")


def escape_block_start(markdown: str) -> str:
    """Escape a marker that would make the line a heading, quote, list, rule or setext underline."""
    match = _BLOCK_START.match(markdown)
    if not match:
        return markdown
    lead, marker = match.groups()
    rest = markdown[match.end():]
    if marker == "=":
        return f"{lead}&#61;{rest}"
    if marker.isdigit():
        return f"{lead}{marker}\\{rest}"
    if marker in ("~~~", "```"):
        return f"{lead}\\{marker}{rest}" if marker == "```" else f"{lead}&#126;~~{rest}"
    return f"{lead}\\{marker}{rest}"


def safe_url(url: str) -> str | None:
    url = quote(url.strip(), safe="/:?&=#%@+,;~!$*'-._")
    return url if SAFE_LINK.match(url) else None


def inline(text: str, french: bool, notes: set[int]) -> str:
    """One block's text as inline Markdown."""
    out: list[str] = []
    position = 0

    def plain_part(part: str) -> str:
        if french:
            part = french_typography(part)
        return escape_text(part)

    for match in _INLINE.finditer(text):
        out.append(plain_part(text[position:match.start()]))
        position = match.end()
        if match.group("wiki") or match.group("link"):
            label = match.group("wtext") or match.group("ltext")
            url = safe_url(match.group("wurl") or match.group("lurl") or "")
            label_md = plain_part(label)
            out.append(f"[{label_md}]({url})" if url and label_md.strip() else label_md)
        elif match.group("sup"):
            out.append(plain_part(match.group("stext")))
        elif match.group("em"):
            mark = match.group("emark")
            out.append(f"{mark}{inline(match.group('etext'), french, notes)}{mark}")
        elif match.group("note"):
            number = int(match.group("nnum"))
            out.append(f"[^{number}]" if number in notes else plain_part(match.group(0)))
    out.append(plain_part(text[position:]))
    return "".join(out).strip()


def _block(block: Block, french: bool, notes: set[int]) -> str:
    if block.kind == "heading":
        return "## " + inline(block.text, french, notes)
    if block.kind == "list":
        lines = []
        for number, item in enumerate(block.items, start=1):
            marker = f"{number}." if block.ordered else "-"
            lines.append(f"{marker} {escape_block_start(inline(item, french, notes))}")
        return "\n".join(lines)
    if block.kind == "question":
        return f"**{inline(block.text, french, notes)}**"
    if block.kind == "quote":
        return "> " + escape_block_start(inline(block.text, french, notes))
    if block.kind == "note":
        return f"[^{block.number}]: {escape_block_start(inline(block.text, french, notes))}"
    text = escape_block_start(inline(block.text, french, notes))
    if block.speaker:
        colon = "\u00a0:" if french else ":"
        return f"**{escape_text(block.speaker)}{colon}** {text}"
    return text


def render_body(article: Article, lang: str | None) -> str:
    """The article's blocks as Markdown, blocks separated by one blank line."""
    french = lang == "fr"
    notes = {b.number for b in article.blocks if b.kind == "note"}
    parts = [_block(block, french, notes) for block in article.blocks]
    return "\n\n".join(p for p in parts if p.strip()) + "\n"
