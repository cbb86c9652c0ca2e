"""The curated entity registry: content/entities/<kind>/<id>.md.

Each file has front matter (name, aliases, type, url) and a Markdown description. Cases
refer to entities by id; the converter and the cross-links match names and aliases in
any language, ignoring accents and case (``schema.fold``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from casebook.frontmatter import FrontMatterError, display_path, parse
from casebook.schema import ENTITY_KINDS, Problem, fold, validate_entity

ENTITIES_DIR = "entities"


@dataclass(frozen=True)
class Entity:
    kind: str
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    type: str | None = None
    url: str | None = None
    description: str = ""
    path: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def names(self) -> tuple[str, ...]:
        """The canonical name first, then every alias."""
        return (self.name, *self.aliases)


def name_key(name: str) -> str:
    """How names compare: folded, punctuation and spacing collapsed ("OPCO 2i" == "Opco 2i")."""
    return re.sub(r"[\W_]+", " ", fold(name)).strip()


@dataclass
class Registry:
    entities: dict[str, dict[str, Entity]] = field(default_factory=lambda: {k: {} for k in ENTITY_KINDS})
    problems: list[Problem] = field(default_factory=list)

    def get(self, kind: str, entity_id: str) -> Entity | None:
        return self.entities.get(kind, {}).get(entity_id)

    def all(self, kind: str) -> list[Entity]:
        return [self.entities[kind][i] for i in sorted(self.entities.get(kind, {}))]

    def alias_index(self, kind: str) -> dict[str, Entity]:
        """name_key(name or alias) -> entity, for one kind."""
        index: dict[str, Entity] = {}
        for entity in self.all(kind):
            for name in entity.names:
                index.setdefault(name_key(name), entity)
        return index

    def lookup(self, kind: str, name: str) -> Entity | None:
        """The entity whose name or alias is ``name``, ignoring accents, case and punctuation."""
        return self.alias_index(kind).get(name_key(name))


def load_entity(path: Path, kind: str) -> tuple[Entity | None, list[Problem]]:
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [Problem(shown, 1, "file", "is not UTF-8 text", "re-save the file as UTF-8")]
    except OSError as error:  # a dangling link, a folder named *.md, no permission
        return None, [Problem(shown, 1, "file", f"cannot be read ({error.strerror or error})",
                              "replace it with a Markdown file or remove it")]
    try:
        document = parse(text, shown)
    except FrontMatterError as error:
        return None, [error.problem]
    problems = validate_entity(document.data, kind, shown, document.line_of)
    data = document.data
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        return None, problems
    aliases = data.get("aliases") or []
    entity = Entity(
        kind=kind,
        id=path.stem,
        name=name.strip(),
        aliases=tuple(a.strip() for a in aliases if isinstance(a, str) and a.strip()),
        type=data.get("type"),
        url=data.get("url"),
        description=document.body.strip(),
        path=shown,
        extra={k: v for k, v in data.items() if k not in ("name", "aliases", "type", "url")},
    )
    return entity, problems


def load_registry(content_dir: str | Path) -> Registry:
    """Every entity under content_dir/entities/, with the problems found on the way."""
    content_dir = Path(content_dir)
    registry = Registry()
    base = content_dir / ENTITIES_DIR
    for kind in ENTITY_KINDS:
        for path in sorted((base / kind).glob("*.md")):
            entity, problems = load_entity(path, kind)
            registry.problems.extend(problems)
            if entity is not None:
                registry.entities[kind][entity.id] = entity
    return registry
