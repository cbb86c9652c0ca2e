"""Property tests on arbitrary text: the converter never crashes, its YAML parses back to the
same values, no text is lost (body + removed = input, modulo whitespace and the markup it
normalises), and converting the same text twice gives the same bytes."""

from __future__ import annotations

import re
from collections import Counter

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from casebook.convert import ConvertError, convert_text
from casebook.convert.decode import normalize_text
from casebook.convert.entities import build_matcher
from casebook.convert.segment import plain
from casebook.frontmatter import parse
from casebook.registry import Registry
from casebook.render import render_markdown

MATCHER = build_matcher(Registry())
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

LINES = st.one_of(
    st.text(min_size=0, max_size=120),
    st.sampled_from([
        "Register Sign In", "Join Acme now to:", "  • Access the news", "Related News :",
        "Temps de lecture : 3 min", "24 avril 2013", "Par Jean Dupont - Le 3 mars 2021", "# titre",
        "> cité", "1. un", "2. deux", "* étoile", "- tiret", "| a | b |", "```", "---", "===",
        "<script>alert(1)</script>", "{{ jinja }} {% tag %} {filename}/x.md", "[lien](javascript:x)",
        "{{LNK|texte|http://example.org}}", "note[1]", "[1] la note", "Yann Drumare:", "Quels canaux ?",
        "«\u00a0citation\u00a0»", "**gras** et *italique*", "1^{ère} vague", "&copy; &amp;", "\\ back",
        "Emilie Le DOUARON : réponse", "مرحبا بالعالم", "😀 emoji", "no", "@handle", "Titre : sous-titre",
    ]),
)
ARTICLES = st.lists(LINES, min_size=1, max_size=14).map("\n".join)


def _convert(text: str):
    try:
        return convert_text(normalize_text(text), "seed.txt", MATCHER)
    except ConvertError:
        return None


_LINK_URLS = re.compile(r"\]\(([^)\s]*)\)|\{\{LNK\|[^|]*\|([^}]*)\}\}")


def _words(text: str) -> Counter:
    return Counter(re.findall(r"[^\W_]+", text))


def _rendered_words(body: str) -> Counter:
    soup = BeautifulSoup(render_markdown(body), "html.parser")
    for backlink in soup.select("a.footnote-backref"):
        backlink.decompose()
    hrefs = " ".join(a.get("href", "") for a in soup.find_all("a") if not a.get("href", "").startswith("#"))
    words = _words(soup.get_text(" ") + " " + hrefs)
    for marker in soup.select("sup"):  # footnote markers: the number is markup
        words -= _words(marker.get_text())
    for ordered in soup.find_all("ol"):  # the browser draws an ordered list's numbers
        start = int(ordered.get("start", 1))
        items = ordered.find_all("li", recursive=False)
        words += _words(" ".join(str(start + index) for index in range(len(items))))
    return words


@SETTINGS
@given(ARTICLES)
def test_never_crashes_and_yaml_parses_back(text):
    result = _convert(text)
    if result is None:
        return
    document = parse(result.document, "seed.md")
    assert document.data == result.data
    assert document.body.strip() == result.body.strip()


@SETTINGS
@given(ARTICLES)
@example("1. 0\n2. 0")  # list numbers are drawn by the browser, not written in the text
@example("F A0:\nF A0:\n?\n0")  # a speaker label that no answer follows stays in the text
def test_no_text_is_lost(text):
    result = _convert(text)
    if result is None:
        return
    source = _words(plain(result.source))
    kept = _rendered_words(result.body)
    removed = _words(" ".join(plain(r.text) for r in result.removed))
    dropped_links = _words(" ".join(url for pair in _LINK_URLS.findall(result.source) for url in pair))
    footnote_numbers = _words(" ".join(re.findall(r"\[(\d{1,3})\]", result.source)))
    lost = source - kept - removed - dropped_links - footnote_numbers - _words("LNK")
    assert not lost, f"lost {lost} from\n{result.source!r}\nbody:\n{result.body}"


@SETTINGS
@given(ARTICLES)
def test_idempotent(text):
    first, second = _convert(text), _convert(text)
    assert (first is None) == (second is None)
    if first is not None:
        assert first.document == second.document
