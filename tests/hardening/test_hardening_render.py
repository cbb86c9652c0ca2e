"""casebook.render judges a URL as the browser reads it, and keeps Markdown's own links."""

import pytest
from bs4 import BeautifulSoup

from casebook.render import is_safe_url, render_markdown


def links(html: str) -> list[str]:
    return [a["href"] for a in BeautifulSoup(html, "html.parser").find_all("a", href=True)]


def test_footnote_links_stay_links():
    html = render_markdown("Texte[^1].\n\n[^1]: La note.")
    assert links(html) == ["#fn:1", "#fnref:1"]


def test_email_autolinks_stay_links():
    assert len(links(render_markdown("Écrire à <contact@example.org>."))) == 1


@pytest.mark.parametrize("url", ["javascript&#58;alert(1)", "&#106;avascript:alert(1)", "java&Tab;script:alert(1)",
                                 "javascript&colon;alert(1)", " \x01javascript:alert(1)", "data&#x3a;text/html,x"])
def test_entity_encoded_schemes_are_unsafe(url):
    assert not is_safe_url(url)
    assert links(render_markdown(f"[mot]({url})")) == []


def test_a_link_inside_an_unsafe_link_is_checked_too():
    soup = BeautifulSoup(render_markdown("[![image](javascript:1)](javascript:2) fin"), "html.parser")
    assert not soup.find_all(["a", "img"]) and soup.get_text(" ").split() == ["image", "fin"]
