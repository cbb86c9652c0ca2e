"""Pelican reader for Casebook documents: YAML front matter, then a safe Markdown body.

The schema's structured fields (organizations, figures, source...) become attributes of the
article as plain Python values; the taxonomy, cross-link and search plugins read them there.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from pelican import signals
from pelican.readers import BaseReader

from casebook.frontmatter import parse
from casebook.render import render_markdown
from casebook.schema import parse_iso_date

# Pelican attributes that a schema field would clobber, and the name the field gets instead.
RENAMED = {"translations": "translation_slugs"}
LIST_FIELDS = ("organizations", "people", "channels", "audiences", "figures", "themes", "sectors",
               "places", "translation_slugs")


def to_metadata(reader: BaseReader, data: dict, source_path: str) -> dict:
    """Pelican metadata from a case's front matter."""
    metadata = {RENAMED.get(key, key): value for key, value in data.items()}
    metadata["slug"] = data.get("slug") or Path(source_path).stem
    date = parse_iso_date(data.get("date"))
    metadata["date_known"] = date is not None
    if date is not None:
        metadata["date"] = reader.process_metadata("date", date.isoformat())
    else:
        metadata.pop("date", None)
    if data.get("authors"):
        metadata["authors"] = reader.process_metadata("authors", ", ".join(data["authors"]))
    else:
        metadata.pop("authors", None)
    summary = data.get("summary")
    metadata["summary_text"] = summary if isinstance(summary, str) else ""
    if isinstance(summary, str) and summary:
        metadata["summary"] = f"<p>{escape(summary)}</p>"
    metadata.setdefault("status", "draft")
    # Pelican's draft writer reads article.category even when no category page is written.
    metadata["category"] = reader.process_metadata("category", "cases")
    for name in LIST_FIELDS:
        metadata[name] = metadata.get(name) or []
    metadata.setdefault("campaign", None)
    metadata.setdefault("source", {})
    return metadata


class CasebookReader(BaseReader):
    """Reads ``.md`` files written in Casebook's front-matter format."""

    enabled = True
    file_extensions = ["md"]

    def read(self, source_path: str) -> tuple[str, dict]:
        with open(source_path, encoding="utf-8") as handle:
            document = parse(handle.read(), source_path)
        return render_markdown(document.body), to_metadata(self, document.data, source_path)


def add_reader(readers) -> None:
    for extension in CasebookReader.file_extensions:
        readers.reader_classes[extension] = CasebookReader


def register() -> None:
    signals.readers_init.connect(add_reader)
