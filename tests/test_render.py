"""Case bodies are untrusted: raw HTML stays text, only safe links stay links."""

import pytest
from bs4 import BeautifulSoup

from casebook.render import is_safe_url, render_markdown


def test_markdown_structures_render():
    html = render_markdown("## Titre\n\n- un\n- deux\n\nTexte[^1].\n\n[^1]: La note.\n\n> Citation")
    assert "<h2>Titre</h2>" in html and "<li>un</li>" in html
    assert 'class="footnote"' in html and "<blockquote>" in html


@pytest.mark.parametrize("raw", ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">',
                                 "<iframe src='https://evil'></iframe>", "<style>body{}</style>"])
def test_raw_html_is_shown_as_text(raw):
    html = render_markdown(f"Avant {raw} après\n\n{raw}")
    assert "<script" not in html and "<iframe" not in html and "<style" not in html and "<img" not in html
    assert "&lt;" in html


@pytest.mark.parametrize("link", ["[clic](javascript:alert(1))", "[clic](JaVaScRiPt:alert(1))",
                                  "[clic](data:text/html;base64,PHNjcmlwdD4=)", "<javascript:alert(1)>",
                                  "[clic](java\tscript:alert(1))"])
def test_unsafe_links_lose_their_url_but_keep_their_text(link):
    soup = BeautifulSoup(render_markdown(f"Voir {link}."), "html.parser")
    assert not soup.find_all(href=True) and not soup.find_all(src=True)
    assert soup.get_text().startswith("Voir")


def test_safe_links_stay():
    html = render_markdown("[site](https://example.org/a?b=c) et [mail](mailto:a@b.fr) et [note](#x)")
    assert 'href="https://example.org/a?b=c"' in html and 'href="mailto:a@b.fr"' in html


def test_is_safe_url():
    assert is_safe_url("https://x.fr") and is_safe_url("../cases/x/") and is_safe_url("#fn1") and is_safe_url("#fn:1")
    assert not is_safe_url("javascript:alert(1)") and not is_safe_url("vbscript:x") and not is_safe_url("")
