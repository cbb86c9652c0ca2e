"""The fast reading of a case body (casebook/markup.py) against BeautifulSoup.

``annotate`` reads rendered bodies with ``markup.parse`` and falls back to BeautifulSoup for
markup outside the subset that reads exactly; both must give the same HTML and mentions.
"""

from __future__ import annotations

import random

import pytest
from bs4 import BeautifulSoup

from casebook import markup
from casebook.registry import Entity
from casebook.render import render_markdown
from plugins.crosslinks.mentions import EntityMatcher, annotate
from plugins.search.records import html_text

ENTITIES = [Entity("organizations", "renault", "Renault", ("groupe Renault",)),
            Entity("organizations", "opco-2i", "Opco 2i", ("OPCO 2i",)),
            Entity("organizations", "cci", "CCI France", ("Chambres de commerce",)),
            Entity("people", "claire-martin", "Claire Martin"),
            Entity("campaigns", "avec-l-industrie", "Avec l'industrie", ("con l’industria",))]
MATCHER = EntityMatcher(ENTITIES)
FIGURES = [{"value": 15000000, "label": 'budget "total" d\'ici', "quote": "Dotée de 15 millions d'euros"},
           {"value": 32, "label": "branches <b>&amp;</b>"}, {"value": 83, "label": "déclin"}]


def url_for(entity):
    return f"../../{entity.kind}/{entity.id}/?a=1&b=<2>"


def both(html, figures=FIGURES):
    """(fast result, reference result) of annotating ``html``."""
    fast = annotate(html, MATCHER, url_for, figures)
    reference = annotate(html, MATCHER, url_for, figures, reference=True)
    return (fast.html, fast.mentions), (reference.html, reference.mentions)


# Markdown as the seeds write it, with everything the renderer turns into markup.
MARKDOWN = [
    "Le **groupe Renault** et *Opco 2i* : « Avec l’industrie » &amp; AT&T, 83 % &eacute;t&eacute;.",
    "Dotée de 15 millions d'euros, par 32 branches [chez Renault](https://example.org/?a=1&b=2 \"Le \"titre\"\").",
    "> Une citation de la CCI France, 32 fois.\n>\n> — Claire Martin, Renault",
    "> Citation.\n>\n> -- Opco 2i",
    "## Renault et Opco 2i\n\nTexte `Renault <code>` et\n\n    bloc de code Renault & <b>\n",
    "Note de Renault[^1].\n\n[^1]: La note cite Opco 2i et 15 millions d'euros.",
    "![Logo de Renault](img/logo.png \"Renault's \\\"logo\\\"\") et ![](javascript:alert(1)) Opco 2i.",
    "| Acteur | Budget |\n|:--|--:|\n| Renault | 15 millions d'euros |\n| Opco 2i | 32 |",
    "<script>alert('Renault')</script> <b>Opco 2i</b> <!-- CCI France --> &lt;i&gt;",
    "Écrire à <contact@renault.fr> ou <https://renault.fr/?x=1&y=2>, &#8217;&#x2019;&#128;&nbsp;Renault&copy;",
    "Ligne avec deux espaces  \nà la fin, Chambres de commerce\n\n---\n\n* une\n* liste Renault\n\n1. un\n2. Opco 2i",
    "Entités inconnues &foo; &#0; &#xD800; &#99999999; &amp et Renault.",
    "Œuvre ÉTÉ ß Renault, ﬁn, e\u0301te\u0301, OPCO\u00a02i.",
]


@pytest.mark.parametrize("text", MARKDOWN)
def test_rendered_bodies_give_the_same_html_and_mentions(text):
    html = render_markdown(text)
    fast, reference = both(html)
    assert fast == reference


@pytest.mark.parametrize("html", [
    '<p>Renault <em>et <strong>Opco 2i</strong></em> &amp; &lt;b&gt; &quot;x&quot; &#39;y&#39;</p>',
    '<p class="  a   b ">Renault</p><p class="">Opco 2i</p>\n\n\n<p>\t</p> <div>  </div>',
    '<p><a href="/x" title="&quot;Renault&quot; l&#39;a">Renault</a> Renault</p>',
    '<p><img alt="Renault &amp; co" src="a.png"> <br /> <hr> Renault</p>',
    '<pre><code>  Renault\n\n  </code></pre>\n<p>  Opco 2i  </p>',
    '<blockquote>\n<p>Texte Renault.</p>\n<footer>– Claire Martin</footer>\n</blockquote>',
    '<figure><img alt="" src="x.png"><figcaption>Renault 32</figcaption></figure><p>32 Renault</p>',
    '<p data-x="1" id="a" data-x="2">Opco 2i</p>',
    'Texte hors de tout bloc, Renault.<p>Opco 2i</p>',
    '<p>Renault &foo; a</p>',  # an unknown entity: BeautifulSoup drops the ";"
    '<p>Renault & Opco 2i</p>',  # a bare "&"
    '<p>Renault <!-- Opco 2i --> x</p>',  # a comment
    "<p title='Renault'>Opco 2i</p>",  # single quotes
    '<p>Renault<em>Opco 2i</p>',  # misnested
    '<p>Renault <span>Opco 2i',  # unclosed
    '<P>Renault</P><p hidden>Opco 2i</p><br></br>',  # uppercase, a boolean attribute, </br>
    '<p>Renault</p><script>var a = "<p>Opco 2i</p>";</script>',
    '<p>1 < 2 Renault</p>',  # a stray "<"
])
def test_hand_written_markup_gives_the_same_html_and_mentions(html):
    fast, reference = both(html)
    assert fast == reference


@pytest.mark.parametrize(("html", "reads"), [
    ('<p>Renault <em>et</em> &amp; &eacute; &#8217; &#x2019;</p>\n<hr>', True),
    ('<p>Renault &foo; a</p>', False),
    ('<p>Renault & a</p>', False),
    ('<p>Renault <!-- x --></p>', False),
    ('<p>Renault <em>a</p></em>', False),
    ('<p>Renault', False),
    ('<p>Renault</p><script>x</script>', False),
    ("<p title='x'>Renault</p>", False),
])
def test_what_the_fast_reader_reads_itself(html, reads):
    assert (markup.parse(html) is not None) is reads


def test_the_fast_reader_writes_what_beautifulsoup_writes():
    html = ('<p class=" a  b" title="l&#39;&quot;x&quot;">Renault &amp; &lt;&gt; &nbsp;&#128;</p>\n\n'
            '<p><img src="a&amp;b.png" alt="&quot;"><br></p>')
    document = markup.parse(html)
    assert document is not None
    assert document.serialize({}) == str(BeautifulSoup(html, "html.parser"))
    assert document.texts == [str(s) for s in BeautifulSoup(html, "html.parser").find_all(string=True)]


def test_random_bodies_give_the_same_html_and_mentions():
    """Bodies recombined from the pieces above, as the bench recombines seeds."""
    pieces = [line for text in MARKDOWN for line in text.split("\n\n")]
    chooser = random.Random(7)
    for _ in range(60):
        html = render_markdown("\n\n".join(chooser.choice(pieces) for _ in range(chooser.randint(1, 6))))
        fast, reference = both(html)
        assert fast == reference, html


@pytest.mark.parametrize("text", MARKDOWN)
def test_the_search_text_of_a_body_is_beautifulsoup_s(text):
    for html in (render_markdown(text), annotate(render_markdown(text), MATCHER, url_for, FIGURES).html):
        expected = " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())
        assert html_text(html) == expected
