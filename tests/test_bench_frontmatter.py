"""The libyaml fast path of front-matter parsing reads exactly what the Python parser reads."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from casebook import frontmatter
from casebook.bench import generate as gen
from casebook.frontmatter import FrontMatterError, dump_yaml, parse, split

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(frontmatter._FastLoader is None, reason="PyYAML built without libyaml")


def careful(yaml_text: str):
    return yaml.compose(yaml_text, Loader=frontmatter._Loader), yaml.load(yaml_text, Loader=frontmatter._Loader)  # noqa: S506


def same_reading(text: str) -> None:
    yaml_text = split(text, "x.md")[0]
    fast = frontmatter._fast_load(yaml_text)
    assert fast is not None
    node, data = careful(yaml_text)
    assert fast[1] == data
    fast_lines: dict = {}
    careful_lines: dict = {}
    frontmatter._index_lines(fast[0], (), fast_lines, 2)
    frontmatter._index_lines(node, (), careful_lines, 2)
    assert fast_lines == careful_lines


def test_every_committed_document_reads_the_same():
    documents = sorted((ROOT / "content").rglob("*.md"))
    assert documents
    for path in documents:
        same_reading(path.read_text(encoding="utf-8"))


def test_generated_cases_and_entities_read_the_same(tmp_path):
    articles = gen.generate(60, tmp_path)
    for article in articles:
        same_reading(article.case_document())
    for path in (tmp_path / "content" / "entities").rglob("*.md"):
        same_reading(path.read_text(encoding="utf-8"))


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["title", "summary", "themes", "source"]),
                       st.one_of(st.text(), st.lists(st.text(), max_size=3),
                                 st.dictionaries(st.sampled_from(["file", "url"]), st.text(), max_size=2)),
                       min_size=1))
def test_written_front_matter_reads_the_same(data):
    same_reading(f"---\n{dump_yaml(data)}---\n\nbody\n")


@pytest.mark.parametrize("text, message", [
    ("---\ntitle: a\ntitle: b\n---\n", "title: is given twice"),
    ("---\nx: &a [1]\ny: *a\n---\n", "YAML error: the alias"),
    ("---\ntitle: [unclosed\n---\n", "YAML error"),
])
def test_errors_still_come_from_the_careful_parser(text, message):
    with pytest.raises(FrontMatterError, match=message):
        parse(text, "cas.md")
