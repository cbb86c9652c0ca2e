"""Stage 2, clean: site chrome and boilerplate leave the article, each removal with its reason.

Nothing is lost: every removed line is kept in ``Cleaned.removed`` with the rule that removed
it, so that the report can show it and the tests can check that body + removed = input.
Loose patterns (newsletter prompts, "go further" offers) only apply in the page's head (before
the first long paragraph) and tail (after the last one), where sites put their chrome; strict
ones (reading time, related-articles headers, share bars) apply anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from casebook import rules

# A paragraph this long is article text: chrome lines are short.
LONG_PARAGRAPH = 200
# Rules that only apply in the page's head and tail.
EDGE_ONLY = frozenset({"newsletter", "go-further", "join-prompt", "join-community", "new-to", "back-to-top",
                       "breadcrumb", "copyright", "comments"})
# After one of these in the tail, the short lines that follow are the site's footer.
FOOTER_STARTERS = frozenset({"related", "go-further", "newsletter", "join-prompt", "share", "comments"})
FOOTER_LINE_MAX = 100
_LIST_ITEM = re.compile(r"^\s*(?:[•●▪◦·‣∙*–—-]|\d{1,3}[.)])\s+\S")


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line number in the decoded text
    text: str


@dataclass(frozen=True)
class Removal:
    number: int
    text: str
    reason: str
    rule: str

    def __str__(self) -> str:
        return f"line {self.number}: {self.reason} [{self.rule}]: {self.text}"


@dataclass
class Cleaned:
    lines: list[Line]  # kept lines, blank ones included (they separate paragraphs)
    removed: list[Removal] = field(default_factory=list)
    publisher: str | None = None


def _match_rule(text: str) -> tuple[str, str, bool] | None:
    stripped = text.strip()
    if not stripped or len(stripped) > 300:
        return None
    for name, reason, pattern, block in rules.BOILERPLATE_RE:
        if pattern.search(stripped):
            return name, reason, block
    return None


def _publisher(text: str) -> str | None:
    for pattern in rules.PUBLISHER_PATTERNS:
        match = pattern.search(text.strip())
        if match:
            name = match.group("name").strip(" .-")
            if name and name.split()[0][:1].isupper():
                return name
    return None


def clean(text: str) -> Cleaned:
    """Split into lines and remove the chrome, recording each removal."""
    lines = [Line(i + 1, t) for i, t in enumerate(text.split("\n"))]
    long_indices = [i for i, line in enumerate(lines) if len(line.text.strip()) >= LONG_PARAGRAPH]
    first_long = long_indices[0] if long_indices else len(lines)
    last_long = long_indices[-1] if long_indices else -1
    removed: dict[int, Removal] = {}
    publisher = None
    in_block = False
    in_footer = False
    for index, line in enumerate(lines):
        stripped = line.text.strip()
        if not stripped:
            in_block = False
            continue
        edge = index < first_long or index > last_long
        tail = index > last_long
        if in_footer and len(stripped) <= FOOTER_LINE_MAX:
            removed[index] = Removal(line.number, stripped, "site footer after the article", "footer")
            publisher = publisher or _publisher(stripped)
            continue
        if in_block and (_LIST_ITEM.match(line.text) or line.text.startswith(("  ", "\u00a0"))):
            removed[index] = Removal(line.number, stripped, "part of the membership prompt above", "prompt-items")
            continue
        in_block = False
        found = _match_rule(stripped)
        if found is None:
            continue
        name, reason, block = found
        if name in EDGE_ONLY and not edge:
            continue
        removed[index] = Removal(line.number, stripped, reason, name)
        publisher = publisher or _publisher(stripped)
        in_block = block
        if tail and name in FOOTER_STARTERS:
            in_footer = True
    kept = [Line(line.number, "" if i in removed else line.text) for i, line in enumerate(lines)]
    return Cleaned(lines=kept, removed=sorted(removed.values(), key=lambda r: r.number), publisher=publisher)
