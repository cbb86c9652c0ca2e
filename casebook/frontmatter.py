"""Read and write Markdown documents with YAML front matter between ``---`` lines.

Parsing keeps the line of every key, so that problems can be reported as
``path:line: field: message``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from casebook.schema import CASE_FIELD_ORDER, Problem, field_name

FENCE = "---"


def display_path(path) -> str:
    """How a file is named in messages: relative to the working folder when it is inside it."""
    path = Path(os.path.abspath(path))  # not resolve(): a symbolic link is named, not its target
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class FrontMatterError(ValueError):
    """The document cannot be split or its YAML cannot be parsed."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class Document:
    path: str
    data: dict
    body: str
    body_line: int  # line number of the body's first line
    lines: dict[tuple, int] = field(default_factory=dict)

    def line_of(self, keys: tuple) -> int:
        """The line of the deepest key path we know, falling back to its parents, then line 1."""
        keys = tuple(keys)
        while keys:
            if keys in self.lines:
                return self.lines[keys]
            keys = keys[:-1]
        return 1


def _without_timestamps(cls):
    """A loader or dumper class for which ISO dates are plain strings: the schema checks them,
    so that an impossible date ("2013-02-30") is a reported problem, not a crash."""
    cls.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return cls


@_without_timestamps
class _Loader(yaml.SafeLoader):
    """Refuses aliases: Casebook never writes them, and a few nested ones ("billion laughs")
    would make indexing the lines of a shared node take forever."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"the alias *{event.anchor} repeats another value", event.start_mark)
        return super().compose_node(parent, index)


# libyaml reads front matter an order of magnitude faster than the pure-Python parser, and a
# build reads every case twice (check, then the reader). Same resolvers, so the same values; the
# Python loader stays the reference: anything libyaml rejects, or any alias, goes through it so
# that errors read the same.
_CSafeLoader = getattr(yaml, "CSafeLoader", None)
_FastLoader = _without_timestamps(type("_FastLoader", (_CSafeLoader,), {})) if _CSafeLoader else None


def _shares_nodes(root: yaml.Node) -> bool:
    """True when a node appears twice in the tree: libyaml resolved an alias."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += (key, value)
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
    return False


def _fast_load(yaml_text: str) -> tuple[yaml.Node | None, object] | None:
    """(node, data) through libyaml; None when the careful path must decide (error, alias)."""
    if _FastLoader is None:
        return None
    loader = _FastLoader(yaml_text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        if _shares_nodes(node):
            return None
        return node, loader.construct_document(node)
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()


def _index_lines(node: yaml.Node, keys: tuple, lines: dict[tuple, int], offset: int, path: str = "") -> None:
    """Records the line of every key; a key given twice in one mapping is an error (YAML
    would silently keep the last value and lose the other)."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + offset
            if keys + (key,) in lines:
                raise FrontMatterError(Problem(
                    path, line, field_name(keys + (key,)),
                    f"is given twice (lines {lines[keys + (key,)]} and {line})", "keep only one of them"))
            lines[keys + (key,)] = line
            _index_lines(value_node, keys + (key,), lines, offset, path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[keys + (index,)] = item.start_mark.line + offset
            _index_lines(item, keys + (index,), lines, offset, path)


def split(text: str, path: str) -> tuple[str, str, int]:
    """Split a document into (yaml text, body, line of the body). Raises FrontMatterError."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n").strip() != FENCE:
        raise FrontMatterError(
            Problem(path, 1, "front matter", "the file does not start with a '---' line",
                    "put the YAML fields between two '---' lines at the top")
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r\n").rstrip() == FENCE:
            return "".join(lines[1:index]), "".join(lines[index + 1:]), index + 2
    raise FrontMatterError(
        Problem(path, 1, "front matter", "the front matter has no closing '---' line",
                "add a '---' line after the last field")
    )


def parse(text: str, path: str = "<string>") -> Document:
    """Parse a document. Raises FrontMatterError naming the file, line and fix."""
    yaml_text, body, body_line = split(text, path)
    fast = _fast_load(yaml_text)
    try:
        if fast is not None:
            node, data = fast
        else:
            node = yaml.compose(yaml_text, Loader=_Loader)
            data = yaml.load(yaml_text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        if mark is None or mark.line >= yaml_text.count("\n"):  # at the end: where the construct opened
            mark = getattr(error, "context_mark", None) or mark
        line = mark.line + 2 if mark is not None else 1
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise FrontMatterError(
            Problem(path, line, "front matter", f"YAML error: {reason}",
                    "check indentation and quote values that contain ':' or start with '@', '*', '&'")
        ) from None
    if data is None:
        data = {}
    lines: dict[tuple, int] = {}
    if node is not None:
        _index_lines(node, (), lines, offset=2, path=path)
    if not isinstance(data, dict):
        raise FrontMatterError(
            Problem(path, 2, "front matter", "the front matter is not a mapping of fields",
                    "write one 'field: value' per line")
        )
    return Document(path=path, data=data, body=body, body_line=body_line, lines=lines)


def _ordered(data: dict, order: tuple[str, ...]) -> dict:
    ranked = {name: index for index, name in enumerate(order)}
    return dict(sorted(data.items(), key=lambda item: (ranked.get(item[0], len(ranked)), item[0])))


@_without_timestamps
class _Dumper(yaml.SafeDumper):
    """Block style, keeps dict order, never emits aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _date_representer(dumper: yaml.SafeDumper, value: date) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value.isoformat())


# Line breaks other than "\n" that PyYAML writes raw inside a quoted or block scalar and its
# reader then folds into a space or "\n": a double-quoted scalar escapes them (\N, \L, \P, \r).
_OTHER_LINE_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    if any(char in value for char in _OTHER_LINE_BREAKS):
        style = '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)
_Dumper.add_representer(date, _date_representer)


def dump_yaml(data: dict, order: tuple[str, ...] = CASE_FIELD_ORDER) -> str:
    """Deterministic YAML: fields in schema order, Unicode kept, quoted where YAML needs it."""
    return yaml.dump(
        _ordered(data, order), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
        default_flow_style=False, width=100,
    )


def render(data: dict, body: str, order: tuple[str, ...] = CASE_FIELD_ORDER) -> str:
    """A whole document: front matter then body, ending with one newline."""
    return f"{FENCE}\n{dump_yaml(data, order)}{FENCE}\n\n{body.strip()}\n"
