"""Stage 3, segment: the cleaned lines become an article's parts.

Title (or a derived one), dateline, byline and signature go to the front matter (recorded as
moved, so that no text is lost); the rest becomes blocks: headings, paragraphs, lists with
•, - and numbers, questions and speaker-labelled answers, block quotes and footnotes.
Scraped text has one paragraph per line, so each line is a block; blank lines only tell
headings (short lines standing alone) from paragraphs.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from casebook import rules
from casebook.convert.clean import Cleaned, Line, Removal

TITLE_MAX = 200
DERIVED_TITLE_MAX = 120
HEADING_MAX_CHARS = 120
HEADING_MAX_WORDS = 14
QUESTION_MAX_CHARS = 400
SUMMARY_MAX = 400
HEAD_LINES = 10  # datelines and bylines are looked for in the first lines...
TAIL_LINES = 4  # ...and the last ones, never in the body

_BULLET = re.compile(r"^\s*(?P<marker>[•●▪◦·‣∙*–—-])\s+(?P<text>\S.*)$")
_NUMBERED = re.compile(r"^\s*(?P<number>\d{1,3})[.)]\s+(?P<text>\S.*)$")
_FOOTNOTE_NOTE = re.compile(r"^\s*\[(?P<number>\d{1,3})\]\s*(?P<text>\S.*)$")
_FOOTNOTE_MARK = re.compile(r"(?<=\S)\[(\d{1,3})\]")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\s\u00a0]+(?=[«“\"'A-ZÀ-ÖØ-Þ0-9])")
_WORD = re.compile(r"[^\W_]+(?:[’'-][^\W_]+)*")
_LINK_MD = re.compile(r"\[([^\[\]\n]{1,300})\]\(((?:[^()\s]|\([^()\s]{0,200}\)){0,2000})\)")
_LINK_WIKI = re.compile(r"\{\{LNK\|([^|{}\n]{1,300})\|([^|{}\n]{1,2000})\}\}")
_SUPERSCRIPT = re.compile(r"\^\{([^{}\n]{1,20})\}")
_EMPHASIS = re.compile(r"(\*\*|\*)(?=[^\s*])([^*\n]{0,500}?[^\s*])\1")
_SPEAKER = re.compile(r"^(?P<label>[^\W\d_][^\n:]{0,60}?)[\s\u00a0]*:[\s\u00a0]*(?P<rest>.*)$")
_QUOTED = re.compile(r"^[«“\"][^«“»”\"]{10,}[»”\"][.]?$")
_NAME_TOKEN = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w’'-]*\.?$")


def plain(text: str) -> str:
    """The text a reader sees: links, wiki links, superscripts and emphasis reduced to their text."""
    text = _LINK_WIKI.sub(r"\1", text)
    text = _LINK_MD.sub(r"\1", text)
    text = _SUPERSCRIPT.sub(r"\1", text)
    return _EMPHASIS.sub(r"\2", text)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FoundDate:
    date: dt.date
    precision: str  # day | month | year


def _make(year: str, month: int, day: str | None) -> FoundDate | None:
    try:
        if day is None:
            return FoundDate(dt.date(int(year), month, 1), "month")
        return FoundDate(dt.date(int(year), month, int(day)), "day")
    except ValueError:
        return None


def find_date(text: str) -> tuple[FoundDate, re.Match] | None:
    """The first date written in ``text`` with its match, or None."""
    for pattern in (rules.DAY_MONTH_YEAR, rules.MONTH_DAY_YEAR):
        match = pattern.search(text)
        if match:
            month = rules.MONTHS[match.group("month").lower().rstrip(".")]
            found = _make(match.group("year"), month, match.group("day"))
            if found:
                return found, match
    for pattern in (rules.ISO_DATE, rules.NUMERIC_DATE):
        match = pattern.search(text)
        if match:
            month = int(match.group("month"))
            found = _make(match.group("year"), month, match.group("day")) if 1 <= month <= 12 else None
            if found:
                return found, match
    match = rules.MONTH_YEAR.search(text)
    if match:
        found = _make(match.group("year"), rules.MONTHS[match.group("month").lower().rstrip(".")], None)
        if found:
            return found, match
    return None


def dateline(text: str) -> FoundDate | None:
    """The date when the whole line is a dateline ("24 avril 2013", "Publié le 3 mars 2021 à 10h")."""
    stripped = plain(text).strip(" \u00a0●•·*-–—|")
    if len(stripped) > 80:
        return None
    found = find_date(stripped)
    if not found:
        return None
    date, match = found
    before = stripped[: match.start()]
    after = stripped[match.end():]
    if re.fullmatch(rules.DATE_LEAD, before.strip(" ,:").lower() + (" " if before.strip() else ""), re.I) is None:
        return None
    if not rules.DATELINE_REST.match(after):
        return None
    return date


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------


def looks_like_name(text: str, *, need_given: bool = False) -> bool:
    """A person's name: 2-5 capitalised tokens (particles allowed inside), no junk word first."""
    tokens = text.replace("\u00a0", " ").split()
    if not 2 <= len(tokens) <= 5:
        return False
    first = tokens[0].lower()
    if first in rules.NOT_NAME_WORDS or tokens[-1].lower() in rules.NAME_PARTICLES:
        return False
    for token in tokens:
        if token.lower() in rules.NAME_PARTICLES:
            continue
        if not _NAME_TOKEN.match(token) or token.lower() in rules.NOT_NAME_WORDS:
            return False
    if need_given:
        return first in rules.GIVEN_NAMES or first.split("-")[0] in rules.GIVEN_NAMES
    return True


def speaker_label(text: str) -> tuple[str, str] | None:
    """("Yann Drumare", rest) for "Yann Drumare: ..." or "Q : ..."; None otherwise."""
    match = _SPEAKER.match(plain(text).strip())
    if not match:
        return None
    label = match.group("label").strip()
    if label.lower() in rules.QA_LABELS or looks_like_name(label):
        return label, match.group("rest").strip()
    return None


# ---------------------------------------------------------------------------
# The article
# ---------------------------------------------------------------------------


@dataclass
class Block:
    kind: str  # heading | paragraph | list | question | quote | note
    text: str = ""
    items: list[str] = field(default_factory=list)
    ordered: bool = False
    speaker: str | None = None
    number: int = 0  # a footnote's number
    line: int = 0


@dataclass
class Article:
    title: str
    title_derived: bool
    blocks: list[Block]
    removed: list[Removal]
    date: FoundDate | None = None
    authors: list[str] = field(default_factory=list)
    summary: str = ""
    publisher: str | None = None
    interview: bool = False
    speakers: list[str] = field(default_factory=list)
    cards: list[tuple[str, str]] = field(default_factory=list)  # (name, role line) speaker cards
    lines: list[str] = field(default_factory=list)  # every kept line's plain text, for annotation
    format_hint: str | None = None  # from a label line such as "Communiqué de presse"


def _byline(text: str) -> tuple[list[str], FoundDate | None] | None:
    """Authors and date of a byline ("Par Estelle Durand - Le 17 février 2023")."""
    stripped = plain(text).strip()
    if len(stripped) > 160:
        return None
    match = rules.BYLINE.match(stripped)
    if not match:
        return None
    names_text = match.group("names").strip()
    found = find_date(names_text)
    date = None
    if found:
        date, date_match = found
        names_text = names_text[: date_match.start()]
        names_text = re.sub(rf"(?i)[\s,|–—-]*{rules.DATE_LEAD}$", "", names_text).strip()
    rest = match.group("rest") or ""
    if date is None and rest:
        date = dateline(rest) or (find_date(rest) or (None,))[0]
    names = [n.strip(" .") for n in rules.BYLINE_NAME_SEPARATORS.split(names_text) if n.strip(" .")]
    if not names or not all(looks_like_name(n) for n in names):
        return None
    return names, date


def _signed_date(text: str) -> tuple[list[str], FoundDate] | None:
    """A signature with its date and no "Par": "Florence Berthier - 24 avril 2013"."""
    stripped = plain(text).strip()
    match = re.match(r"^(?P<name>[^,|–—-]{4,60}?)\s*[,|–—-]\s*(?P<rest>.{4,60})$", stripped)
    if not match or not looks_like_name(match.group("name").strip()):
        return None
    found = dateline(match.group("rest"))
    return ([match.group("name").strip()], found) if found else None


def _is_title_like(text: str) -> bool:
    stripped = plain(text).strip()
    if not stripped or len(stripped) > TITLE_MAX or stripped.endswith((".", ",", ";", ":")) \
            and not stripped.endswith("..."):
        return False
    if _BULLET.match(stripped) or _NUMBERED.match(stripped):
        return False
    return len(words(stripped)) >= 1


def _is_category_line(text: str) -> bool:
    items = [i for i in rules.CATEGORY_SEPARATORS.split(text.strip()) if i]
    return 1 <= len(items) <= 4 and all(rules.CATEGORY_ITEM.match(i) for i in items) and (
        len(items) > 1 or len(items[0].split()) == 1)


def derive_title(text: str) -> str:
    """A title from the lead: its first sentence, cut at a word boundary."""
    first = sentences(plain(text))[0] if text.strip() else ""
    first = first.strip()
    if first.endswith(".") and not first.endswith(".."):
        first = first[:-1]
    if len(first) > DERIVED_TITLE_MAX:
        head = first[:DERIVED_TITLE_MAX]
        clause = max(head.rfind(", "), head.rfind(" – "), head.rfind(" — "), head.rfind(" ("))
        cut = head[:clause] if clause >= DERIVED_TITLE_MAX // 3 else head.rsplit(" ", 1)[0]
        first = (cut.rstrip(" ,;:–—-") or head) + "…"
    return first


def _summary(text: str) -> str:
    text = re.sub(r"\s+", " ", plain(text)).strip()
    if len(text) <= SUMMARY_MAX:
        return text
    kept = ""
    for sentence in sentences(text):
        if len(kept) + len(sentence) + 1 > SUMMARY_MAX:
            break
        kept = f"{kept} {sentence}".strip()
    return kept or text[:SUMMARY_MAX].rsplit(" ", 1)[0] + "…"


def _is_question(text: str) -> bool:
    stripped = plain(text).strip()
    if stripped.endswith(("»", "”", '"')):
        return False  # quoted speech that ends on a question is an answer, not a question
    return (stripped.endswith("?") and len(stripped) <= QUESTION_MAX_CHARS
            and len(sentences(stripped)) <= 2)


def segment(cleaned: Cleaned) -> Article:
    lines = cleaned.lines
    removed = list(cleaned.removed)
    nonblank = [i for i, line in enumerate(lines) if line.text.strip()]
    used: set[int] = set()

    def move(index: int, reason: str, rule: str) -> None:
        used.add(index)
        removed.append(Removal(lines[index].number, lines[index].text.strip(), reason, rule))

    head = nonblank[:HEAD_LINES]
    tail = nonblank[-TAIL_LINES:]
    date: FoundDate | None = None
    authors: list[str] = []

    # Datelines and bylines, in the head and the tail only.
    for index in head + [i for i in tail if i not in head]:
        text = lines[index].text
        found = dateline(text)
        if found is not None:
            if date is None:
                date = found
                move(index, "dateline, moved to the front matter (date)", "dateline")
            continue
        byline = _byline(text) or _signed_date(text)
        if byline is not None:
            names, found = byline
            authors = authors or names
            date = date or found
            move(index, "byline, moved to the front matter (authors, date)", "byline")

    # Format labels ("Communiqué de presse") and category labels, then the title.
    format_hint = None
    for index in [i for i in head if i not in used][:3]:
        text = plain(lines[index].text).strip()
        for kind, pattern in rules.FORMAT_LABEL_LINES.items():
            if pattern.match(text):
                format_hint = format_hint or kind
                move(index, f"label of the article's kind ({kind}), moved to the front matter (format)", "format-label")
                break
    remaining = [i for i in nonblank if i not in used]
    title, title_derived = "", False
    if len(remaining) >= 3 and _is_category_line(lines[remaining[0]].text) and _is_title_like(
            lines[remaining[1]].text) and (len(words(lines[remaining[1]].text)) >= 3
                                           or "," in lines[remaining[0]].text):
        move(remaining[0], "category labels above the title", "category")
        remaining = remaining[1:]
    if remaining and _is_title_like(lines[remaining[0]].text) and len(remaining) >= 2:
        title = re.sub(r"\s+", " ", plain(lines[remaining[0]].text)).strip()
        move(remaining[0], "title, moved to the front matter (title)", "title")
        remaining = remaining[1:]
    elif remaining:
        title, title_derived = derive_title(lines[remaining[0]].text), True

    # A press-release dateline opening one of the first paragraphs ("London, 14 January 2019 – ...").
    if date is None:
        for index in remaining[:3]:
            match = rules.PARAGRAPH_DATELINE.match(plain(lines[index].text).strip())
            found = dateline(match.group("date")) if match else None
            if found is not None:
                date = found
                break

    # A signature: the last line alone, a bare person's name.
    if remaining and not authors:
        last = plain(lines[remaining[-1]].text).strip()
        if looks_like_name(last, need_given=True) and len(remaining) >= 3:
            authors = [last]
            move(remaining[-1], "signature, moved to the front matter (authors)", "signature")
            remaining = remaining[:-1]

    blocks, speakers, cards, interview = _blocks(lines, remaining)
    summary = ""
    for block in blocks:
        if block.kind == "paragraph":
            summary = _summary(block.text)
            break
    return Article(
        title=title or "Sans titre", title_derived=title_derived or not title, blocks=blocks,
        removed=sorted(removed, key=lambda r: r.number), date=date, authors=authors, summary=summary,
        publisher=cleaned.publisher, interview=interview, speakers=speakers, cards=cards, format_hint=format_hint,
        lines=[plain(line.text).strip() for line in lines if line.text.strip()],
    )


def _blocks(lines: list[Line], indices: list[int]) -> tuple[list[Block], list[str], list[tuple[str, str]], bool]:
    texts = {i: lines[i].text.strip() for i in indices}
    position = {index: k for k, index in enumerate(indices)}

    def blank_before(index: int) -> bool:
        return index == 0 or not lines[index - 1].text.strip()

    def blank_after(index: int) -> bool:
        return index + 1 >= len(lines) or not lines[index + 1].text.strip()

    has_blank_lines = any(not line.text.strip() for line in lines[indices[0]:indices[-1]]) if indices else False

    # Footnotes: a "[n] note" line whose marker "[n]" appears in the text before it.
    notes: dict[int, int] = {}
    for index in indices:
        match = _FOOTNOTE_NOTE.match(texts[index])
        if match:
            number = int(match.group("number"))
            marker = f"[{number}]"
            if any(marker in texts[j] for j in indices if j < index and j not in notes.values()):
                notes[number] = index

    # Speaker labels and questions decide whether this is an interview.
    labels: dict[int, tuple[str, str]] = {}
    for index in indices:
        if index in notes.values():
            continue
        found = speaker_label(texts[index])
        if found:
            labels[index] = found
    label_counts: dict[str, int] = {}
    for label, _rest in labels.values():
        label_counts[label.casefold()] = label_counts.get(label.casefold(), 0) + 1
    labels = {i: (label, rest) for i, (label, rest) in labels.items()
              if label_counts[label.casefold()] >= 2 or looks_like_name(label, need_given=True)
              or label.lower() in rules.QA_LABELS}
    questions = set()
    for k, index in enumerate(indices[1:-1], start=1):
        if _is_question(texts[index]) and not _is_question(texts[indices[k + 1]]) and index not in labels:
            questions.add(index)
    interview = len(questions) >= 2 or (len(labels) >= 2 and len(questions) >= 1)
    if not interview:
        questions = set()
        labels = {i: v for i, v in labels.items() if v[0].lower() in rules.QA_LABELS and len(labels) >= 2}

    sections = _numbered_sections(indices, texts)

    blocks: list[Block] = []
    speakers: list[str] = []
    cards: list[tuple[str, str]] = []
    pending_speaker: str | None = None
    pending_line: tuple[str, int] | None = None  # the label line itself, kept if no answer follows

    def flush_label() -> None:
        # A label alone on its line that no paragraph answers stays in the text as written.
        nonlocal pending_speaker, pending_line
        if pending_line is not None:
            blocks.append(Block("paragraph", pending_line[0], line=pending_line[1]))
        pending_speaker = pending_line = None

    k = 0
    while k < len(indices):
        index = indices[k]
        text = texts[index]
        if pending_line is not None and index in {*notes.values(), *labels, *questions, *sections}:
            flush_label()
        if index in notes.values():
            number = next(n for n, i in notes.items() if i == index)
            blocks.append(Block("note", _FOOTNOTE_NOTE.match(text).group("text"), number=number,
                                line=lines[index].number))
            k += 1
            continue
        if index in labels:
            label, rest = labels[index]
            if label not in speakers and label.lower() not in rules.QA_LABELS:
                speakers.append(label)
            if not rest:
                pending_speaker, pending_line = label, (text, lines[index].number)
                k += 1
                continue
            blocks.append(Block("paragraph", _after_label(text), speaker=label, line=lines[index].number))
            k += 1
            continue
        if index in questions:
            blocks.append(Block("question", text, line=lines[index].number))
            k += 1
            continue
        if index in sections:
            blocks.append(Block("heading", text, line=lines[index].number))
            k += 1
            continue
        # Lists: two or more consecutive items of the same kind.
        run = _list_run(indices[k:], texts)
        if run:
            flush_label()
            ordered, items = run
            blocks.append(Block("list", items=items, ordered=ordered, line=lines[index].number))
            k += len(items)
            continue
        # A speaker card: a bare name line directly followed by a line with a role word.
        nxt = indices[k + 1] if k + 1 < len(indices) else None
        if nxt is not None and nxt == index + 1 and looks_like_name(plain(text)) and _has_role_word(texts[nxt]) \
                and len(texts[nxt]) <= 160:
            cards.append((plain(text).strip(), plain(texts[nxt]).strip()))
        if _is_heading(text, position[index], len(indices), blank_before(index), blank_after(index),
                       has_blank_lines, interview, texts.get(nxt, "")):
            flush_label()
            blocks.append(Block("heading", text, line=lines[index].number))
        elif _QUOTED.match(plain(text).strip()):
            flush_label()
            blocks.append(Block("quote", text, line=lines[index].number))
        else:
            blocks.append(Block("paragraph", text, speaker=pending_speaker, line=lines[index].number))
            pending_speaker = pending_line = None
        k += 1
    flush_label()
    if notes:
        for block in blocks:
            block.number = block.number if block.kind == "note" else 0
    return blocks, speakers, cards, interview


def _numbered_sections(indices: list[int], texts: dict[int, str]) -> set[int]:
    """A list article's items: short numbered lines (1, 2, 3...), each followed by its own text."""
    found: list[int] = []
    for k, index in enumerate(indices[:-1]):
        match = _NUMBERED.match(texts[index])
        following = texts[indices[k + 1]]
        if not match or _NUMBERED.match(following) or len(texts[index]) > HEADING_MAX_CHARS:
            continue
        if plain(texts[index]).rstrip().endswith((".", ",", ";", ":")):
            continue
        if int(match.group("number")) == len(found) + 1:
            found.append(index)
    return set(found) if len(found) >= 2 else set()


def _after_label(text: str) -> str:
    """The answer after its speaker label, markup kept."""
    return re.sub(r"^[^:\n]{1,80}?[\s\u00a0]*:[\s\u00a0]*", "", text, count=1)


def _has_role_word(text: str) -> bool:
    return any(w.lower() in rules.ROLE_WORDS for w in words(plain(text))[:6])


def _list_run(indices: list[int], texts: dict[int, str]) -> tuple[bool, list[str]] | None:
    first = texts[indices[0]]
    bullet = _BULLET.match(first)
    numbered = _NUMBERED.match(first)
    if not bullet and not numbered:
        return None
    items: list[str] = []
    for offset, index in enumerate(indices):
        text = texts[index]
        if bullet:
            match = _BULLET.match(text)
            if not match or match.group("marker") != bullet.group("marker"):
                break
        else:
            match = _NUMBERED.match(text)
            if not match or int(match.group("number")) != int(numbered.group("number")) + offset:
                break
        items.append(match.group("text"))
    if len(items) < 2:
        return None
    return bool(numbered), items


def _is_heading(text: str, position: int, count: int, blank_before: bool, blank_after: bool,
                has_blank_lines: bool, interview: bool, next_text: str) -> bool:
    stripped = plain(text).strip()
    if position == 0 or position == count - 1 or not next_text:
        return False
    if len(stripped) > HEADING_MAX_CHARS or len(words(stripped)) > HEADING_MAX_WORDS or not words(stripped):
        return False
    if stripped.endswith((".", ",", ";", ":", "…")) or (interview and stripped.endswith("?")):
        return False
    if not (stripped[0].isupper() or stripped[0] in "«“\"" or stripped[0].isdigit()):
        return False
    if _BULLET.match(stripped) or _NUMBERED.match(stripped) or speaker_label(stripped):
        return False
    if looks_like_name(stripped) or "@" in stripped or "://" in stripped:
        return False
    if has_blank_lines:
        return blank_before and blank_after and len(plain(next_text)) > len(stripped)
    return len(stripped) <= 80 and len(plain(next_text)) > 150
