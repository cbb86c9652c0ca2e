"""Front matter that YAML accepts but that would lose or hang: refused with the line and the fix."""

import pytest

from casebook.frontmatter import FrontMatterError, parse, render

BILLION_LAUGHS = "---\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcde", "bcdef", strict=True)) + "---\n"


def test_a_key_given_twice_is_an_error_not_a_silent_overwrite():
    with pytest.raises(FrontMatterError) as raised:
        parse("---\ntitle: Premier\nlang: fr\ntitle: Second\n---\n", "cas.md")
    assert str(raised.value) == "cas.md:4: title: is given twice (lines 2 and 4) (keep only one of them)"


def test_a_nested_key_given_twice_is_named_by_its_path():
    with pytest.raises(FrontMatterError, match=r"cas.md:4: source.url: is given twice"):
        parse("---\nsource:\n  url: https://a.fr\n  url: https://b.fr\n---\n", "cas.md")


def test_aliases_are_refused_so_nested_ones_cannot_hang_the_check():
    with pytest.raises(FrontMatterError, match=r"cas.md:3: front matter: YAML error: the alias \*a"):
        parse(BILLION_LAUGHS, "cas.md")


@pytest.mark.parametrize("text", ["a\x85b", "a\u2028b", "a\u2029b", "a\rb", "a\r\nb", "fin\x85"])
def test_unusual_line_breaks_survive_a_round_trip(text):
    """Mojibake decoded as latin-1 brings U+0085; YAML would fold it into a space."""
    assert parse(render({"title": text, "summary": text}, "")).data == {"title": text, "summary": text}
