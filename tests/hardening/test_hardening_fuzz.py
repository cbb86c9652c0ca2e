"""Hypothesis over front matter and Markdown: no crash but FrontMatterError, nothing lost, nothing live."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casebook.frontmatter import FrontMatterError, parse, render
from casebook.render import browser_url, render_markdown
from casebook.schema import CASE_FIELD_NAMES

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text a YAML file can hold: no surrogates (not encodable) and no C0/C1 controls other than
# tab and newline (YAML 1.1 forbids them in a stream, the dumper escapes them in quotes).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
KEY = st.one_of(st.sampled_from(CASE_FIELD_NAMES), st.text(st.characters(blacklist_categories=("Cs",)), min_size=1,
                                                             max_size=12))
SCALAR = st.one_of(TEXT, st.integers(-10**12, 10**12), st.booleans(), st.none(),
                   st.floats(allow_nan=False, allow_infinity=False),
                   st.sampled_from(["no", "yes", "on", "off", "null", "~", "2013-04-24", "1e3", "0x1F", "@x", "*x",
                                    "&x", "!x", "Titre : sous-titre", "---", "- a", "# h", "{{ x }}", "{% y %}",
                                    "a: b", "'", '"', "|", ">", "%TAG", " lead", "trail ", "a\n---\nb", "\ufeffx"]))
VALUE = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(KEY, inner, max_size=4)), max_leaves=12)
FRONT_MATTER = st.dictionaries(KEY, VALUE, max_size=8)
BODY = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)


@FUZZ
@given(FRONT_MATTER, BODY)
def test_render_then_parse_gives_back_the_same_fields_and_body(data, body):
    document = parse(render(data, body))
    assert document.data == data
    assert document.body.strip() == body.strip()


@FUZZ
@given(st.text(max_size=300))
def test_parse_of_arbitrary_text_raises_only_front_matter_errors(text):
    try:
        document = parse(text, "fuzz.md")
    except FrontMatterError as error:
        problem = error.problem
        assert problem.path == "fuzz.md" and problem.line >= 1 and problem.fix
    else:
        assert isinstance(document.data, dict)


YAML_PIECES = st.sampled_from(["---\n", "title: ", "- ", "  ", ": ", "&a ", "*a", "[", "]", "{", "}", "'", '"', "\n",
                               "? ", "!!str ", "!!python/object:os.system ", "|\n", ">-\n", "#", "\t", "\x00", "\r\n",
                               "\ufeff", "é", "%YAML 1.1\n", "...\n"])


@FUZZ
@given(st.lists(st.one_of(YAML_PIECES, st.text(max_size=5)), max_size=30))
def test_parse_of_yaml_like_fragments_raises_only_front_matter_errors(pieces):
    text = "---\n" + "".join(pieces) + "\n---\nbody\n"
    try:
        parse(text, "fuzz.md")
    except FrontMatterError as error:
        assert error.problem.line >= 1


HOSTILE = st.sampled_from([
    "<script>alert(1)</script>", "<SCRIPT SRC=//x/x.js>", "<iframe src=//x>", "<style>*{}</style>",
    "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", "<a href='javascript:alert(1)'>x</a>",
    "javascript:alert(1)",
    "[x](javascript:alert(1))", "[x](data:text/html,<script>alert(1)</script>)", "![i](javascript:alert(1))",
    "[x][r]", "[r]: javascript:alert(1)\n", "[r]: data:text/html;base64,PHNjcmlwdD4=\n", "<javascript:alert(1)>",
    "<data:text/html,x>", r"[x](javascript\:alert(1))", "[x](java&#115;cript:alert(1))", "[x](javascript&#58;/**/1)",
    "[x](&#x6A;avascript:1)", "[x](\tjavascript:1)", "[x](java\nscript:1)", "<!--", "-->", "<![CDATA[", "&lt;", "&#60;",
    "\n\n", "\n    ", "\n> ", "\n- ", "\n1. ", "\n| a |\n|---|\n| b |\n", "\n```\n", "`", "*", "_", "[^1]", "\n[^1]: ",
    "<", ">", "\"", "'", "(", ")", "[", "]", "\\", "onmouseover=", "<a@b.c>", "<mailto:javascript:1>", "{{ x }}",
])
BODY_TEXT = st.lists(st.one_of(HOSTILE, st.text(max_size=8)), max_size=25).map("".join)
LIVE_URL = re.compile(r"^(javascript|data|vbscript):", re.IGNORECASE)


def live_markup(html: str) -> list[str]:
    """Every tag, attribute or URL in ``html`` that a browser would run or load from markup."""
    found = []
    for element in BeautifulSoup(html, "html.parser").find_all(True):
        if element.name in ("script", "iframe", "style", "object", "embed", "svg", "math", "form", "base",
                            "link", "meta"):
            found.append(f"<{element.name}>")
        for name, value in element.attrs.items():
            if name.lower().startswith("on") or name.lower() in ("style", "srcdoc", "formaction"):
                found.append(f"{name}=")
            if name in ("href", "src", "action") and LIVE_URL.match(browser_url(str(value))):
                found.append(f"{name}={value}")
    return found


@FUZZ
@given(BODY_TEXT)
def test_rendered_markdown_has_no_live_tag_attribute_or_url(text):
    assert live_markup(render_markdown(text)) == []
