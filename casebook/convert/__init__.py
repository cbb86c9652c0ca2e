"""The converter: raw articles (seeds/*.txt) -> annotated Markdown case studies.

One module per stage::

    decode -> clean -> segment -> annotate (entities) -> body + write
    bytes     chrome    title,     front matter          Markdown, atomic files,
    to text   removed   blocks     fields                curators' edits kept

``convert_bytes`` runs the stages on one seed; ``run`` converts a folder in parallel workers
(batch.py) and is what ``invoke convert`` and ``invoke bench`` call.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from casebook.convert.annotate import annotate
from casebook.convert.body import render_body
from casebook.convert.clean import Removal, clean
from casebook.convert.decode import DecodeError, decode
from casebook.convert.entities import Matcher
from casebook.convert.segment import segment
from casebook.frontmatter import render
from casebook.schema import validate_case


class ConvertError(ValueError):
    """One seed cannot become a case; the message says why and what to do."""


@dataclass
class Conversion:
    filename: str
    document: str  # the case file's whole text
    data: dict  # its front matter
    body: str
    source: str  # the decoded seed text, the reference for "nothing lost"
    removed: list[Removal] = field(default_factory=list)
    proposals: list[tuple[str, str]] = field(default_factory=list)  # (kind, name) not in the registry


def convert_text(text: str, filename: str, matcher: Matcher) -> Conversion:
    """Convert decoded text. Raises ConvertError for text with no article in it."""
    if not text.strip():
        raise ConvertError("is empty (nothing to convert; remove the file or add the article's text)")
    cleaned = clean(text)
    article = segment(cleaned)
    if not article.blocks:
        reasons = sorted({r.reason for r in article.removed})
        raise ConvertError("has no article text: every line is site chrome or metadata ("
                           + "; ".join(reasons) + "); check the file holds the article")
    annotation = annotate(article, filename, matcher)
    data = annotation.data
    body = render_body(article, data.get("lang"))
    document = render(data, body)
    problems = validate_case(data, filename, lambda keys: 1)
    if problems:
        raise ConvertError("produced invalid front matter: " + "; ".join(str(p) for p in problems))
    proposals = [(f.kind, f.name) for f in (*annotation.entities.organizations, *annotation.entities.people)
                 if f.entity is None]
    return Conversion(filename, document, data, body, text, article.removed, proposals)


def convert_bytes(data: bytes, filename: str, matcher: Matcher) -> Conversion:
    """Convert one seed's bytes. Raises ConvertError (or DecodeError, a ValueError too)."""
    try:
        text = decode(data)
    except DecodeError as error:
        raise ConvertError(str(error)) from None
    return convert_text(text, filename, matcher)


def run(*args, **kwargs) -> int:
    """Convert a folder of seeds into content/cases/ (see batch.run)."""
    from casebook.convert.batch import run as run_batch

    return run_batch(*args, **kwargs)


__all__ = ["ConvertError", "Conversion", "convert_bytes", "convert_text", "run"]
