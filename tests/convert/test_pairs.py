"""Pair fixtures: tests/cases/<behaviour>.txt and what the converter must make of it.

- <behaviour>.md: the exact Markdown body;
- <behaviour>.yaml: ``fields`` (front matter values), ``absent`` (fields that must not be
  there), ``people`` ({name: role}), ``organizations`` / ``figures`` / ``channels`` (exact sets),
  ``removed_rules`` (rules that must have removed a line), ``body_contains`` / ``body_excludes``,
  ``transform`` (how to turn the .txt into the seed's bytes: mojibake, crlf, bom, cp1252).

The texts are written for these tests, never taken from seeds/: they check that each rule
holds on articles the converter has not seen.
"""

from __future__ import annotations

import pytest
import yaml

from casebook.convert import convert_bytes
from casebook.registry import name_key

from .conftest import CASES

PAIRS = sorted(p.stem for p in CASES.glob("*.txt"))


def seed_bytes(text: str, transforms: list[str]) -> bytes:
    for transform in transforms:
        if transform == "mojibake":
            text = text.encode("utf-8").decode("cp1252", errors="replace")
        elif transform == "crlf":
            text = text.replace("\n", "\r\n")
    data = text.encode("cp1252" if "cp1252" in transforms else "utf-8")
    return (b"\xef\xbb\xbf" + data) if "bom" in transforms else data


def assert_pair(name: str, matcher) -> None:
    """The one assertion helper: the converter's output for <name>.txt matches <name>.md/.yaml."""
    source = (CASES / f"{name}.txt").read_text(encoding="utf-8")
    spec_path = CASES / f"{name}.yaml"
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8")) if spec_path.exists() else {}
    result = convert_bytes(seed_bytes(source, spec.get("transform", [])), f"{name}.txt", matcher)
    data, body = result.data, result.body
    expected_md = CASES / f"{name}.md"
    if expected_md.exists():
        assert body == expected_md.read_text(encoding="utf-8"), f"{name}: body differs:\n{body}"
    for field, value in (spec.get("fields") or {}).items():
        assert data.get(field) == value, f"{name}: {field} is {data.get(field)!r}, expected {value!r}"
    for field in spec.get("absent") or []:
        assert field not in data, f"{name}: {field} should be absent, is {data[field]!r}"
    if "people" in spec:
        got = {name_key(p["name"]): p.get("role") for p in data.get("people", [])}
        want = {name_key(n): r for n, r in (spec["people"] or {}).items()}
        assert got == want, f"{name}: people {data.get('people')}"
    if "organizations" in spec:
        got = {name_key(o["name"]) for o in data.get("organizations", [])}
        assert got == {name_key(n) for n in spec["organizations"]}, f"{name}: organizations {got}"
    if "figures" in spec:
        got = {float(f["value"]) for f in data.get("figures", [])}
        assert got == {float(v) for v in spec["figures"]}, f"{name}: figures {data.get('figures')}"
    if "channels" in spec:
        assert set(data.get("channels", [])) == set(spec["channels"]), f"{name}: channels {data.get('channels')}"
    rules = {r.rule for r in result.removed}
    for rule in spec.get("removed_rules") or []:
        assert rule in rules, f"{name}: no line removed by {rule!r} (removed: {result.removed})"
    for text in spec.get("body_contains") or []:
        assert text in body, f"{name}: body lacks {text!r}"
    for text in spec.get("body_excludes") or []:
        assert text not in body, f"{name}: body still has {text!r}"


@pytest.mark.parametrize("name", PAIRS)
def test_pair(name, empty_matcher):
    assert_pair(name, empty_matcher)


def test_every_pair_checks_something():
    for name in PAIRS:
        assert (CASES / f"{name}.md").exists() or (CASES / f"{name}.yaml").exists(), f"{name}.txt has no expectation"


def test_hostile_lines_render_as_the_text_they_are(empty_matcher):
    """Each Markdown- or template-significant line shows, once rendered, exactly as written."""
    from bs4 import BeautifulSoup

    from casebook.render import render_markdown

    source = (CASES / "markdown_hostile_lines.txt").read_text(encoding="utf-8")
    body = convert_bytes(source.encode("utf-8"), "hostile.txt", empty_matcher).body
    soup = BeautifulSoup(render_markdown(body), "html.parser")
    assert not soup.find_all(["h1", "h2", "blockquote", "ol", "ul", "table", "code", "script", "em", "hr"])
    shown = [p.get_text() for p in soup.find_all("p")]
    assert shown == [line for line in source.strip().split("\n")[1:] if line]
