"""Every kind of seed the web can hand us, converted in one batch.

Each seed either becomes a case whose rendered text is the article's text (minus the lines the
converter reports as removed), or fails with a clear message naming that file alone. The batch
goes on past failures, and no file is half-written. The fixtures are generated here.
"""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from casebook.check import check_content
from casebook.convert import run
from casebook.convert.write import existing_cases
from casebook.frontmatter import parse
from casebook.render import render_markdown
from tests.conftest import copy_content, run_invoke
from tests.hardening.test_hardening_hostile_site import live_parts

pytestmark = pytest.mark.slow

LONG = ("La campagne nationale lancée par la fédération a mobilisé des milliers de bénévoles dans les régions, "
        "avec des affiches, des spots à la radio et une présence sur les réseaux sociaux pendant trois mois. ")
ENDING = "Les résultats de l'opération seront publiés au printemps prochain par les organisateurs."


def article(title: str, *lines: str) -> str:
    """A plausible article: a title, a long first paragraph, the lines under test, an ending."""
    return "\n\n".join([title, LONG * 2, *lines, ENDING]) + "\n"


MARKDOWN_LINES = ["# pas un titre", "## ni celui-ci", "> pas une citation", "1. pas une liste", "2. non plus",
                  "* pas une puce", "- ni un tiret", "+ ni un plus", "| a | b |", "|---|---|", "```", "~~~",
                  "=====", "---", "    quatre espaces en tête", "<!-- commentaire -->", "[x]: http://ref.example"]
TEMPLATE_LINES = ["{{ site.title }} et {{ 7*7 }}", "{% for x in y %}boucle{% endfor %}", "{# commentaire #}",
                  "{filename}/autre.md et {static}/image.png et {tag}mot et {attach}x.pdf et |filename|x.md",
                  "{{LNK|un lien wiki|https://example.org/page}} suivi de texte"]
HOSTILE_LINES = ["<script>alert('seed')</script> et <iframe src=x></iframe> et <style>p{}</style>",
                 "<img src=x onerror=alert(1)> et <a href=\"javascript:alert(2)\">clic-brut</a>",
                 "[clic-inline](javascript:alert(3)) et [clic-data](data:text/html,<script>alert(4)</script>)",
                 "{{LNK|clic-wiki|javascript:alert(5)}} et {{LNK|clic-wiki-data|data:text/html,x}}",
                 "<javascript:alert(6)> et javascript:alert(7) en clair",
                 "[clic-ref][mal]", "[mal]: javascript:alert(8)"]

CONTROL = "Texte\x00avec\x01des\x07caractères\x1bde\x7fcontrôle\x0bet\x0cla suite."
CONTROL_SHOWN = "Texteavecdescaractèresdecontrôle et la suite."
MOJIBAKE = "Le rÃ©seau de lâ€™entreprise a lancÃ© une opÃ©ration « Ã©tÃ© »."
MOJIBAKE_SHOWN = "Le réseau de l’entreprise a lancé une opération « été »."
ACCENTED = "Réseau, œuvre, coût 5 €, l’été « déjà » — fin."
ENTITIES = "Écrit tel quel : &#60;b&#62; &amp; &lt;i&gt; &copy; &#x263A; &nbsp;fin."
TITLE_600 = ("Une campagne " + "très " * 200)[:600].strip()

# name -> (bytes, expectation): "case" (with the text we must see) or "error" (with words of the message)
SEEDS: dict[str, tuple[bytes, str, str]] = {
    "empty.txt": (b"", "error", "is empty"),
    "whitespace.txt": (b"   \n\t\n\r\n  \n", "error", "is empty"),
    "binary.txt": (bytes.fromhex("89504e470d0a1a0a0000000d49484452") + bytes(range(256)) * 40, "error", "binary"),
    "boilerplate.txt": (b"Register Sign In\n\nNew to Acme Community?\n\nTemps de lecture : 3 min\n\nRelated News :\n\n"
                        b"Newsletter : inscrivez-vous\n\nPartager sur Facebook\n", "error",
                        "has no article text"),
    "control.txt": (article("Des caractères de contrôle", CONTROL).encode(), "case", CONTROL_SHOWN),
    "crlf-bom.txt": (b"\xef\xbb\xbf" + article("Fins de ligne Windows", ACCENTED).replace("\n", "\r\n").encode(),
                     "case", ACCENTED),
    "cp1252.txt": (article("Encodage Windows", ACCENTED).encode("cp1252"), "case", ACCENTED),
    "latin1.txt": (article("Encodage latin", "Réseau, œuvre réduite à oe, coût 5 francs, déjà.".replace("œ", "oe"))
                   .encode("latin-1"), "case", "Réseau, oeuvre réduite à oe, coût 5 francs, déjà."),
    "mojibake.txt": (article("Texte mal décodé", MOJIBAKE).encode(), "case", MOJIBAKE_SHOWN),
    "same-title-a.txt": (article("Le même titre pour deux articles", "Premier des deux.").encode(), "case",
                         "Premier des deux."),
    "same-title-b.txt": (article("Le même titre pour deux articles", "Second des deux.").encode(), "case",
                         "Second des deux."),
    "long-title.txt": (article(TITLE_600, "Un titre de six cents caractères.").encode(), "case",
                       "Un titre de six cents caractères."),
    "emoji-rtl.txt": (article("Émojis et écritures de droite à gauche", "Bravo 🎉👍🏽 👨‍👩‍👧 !",
                              "مرحبا بالعالم وهذه حملة", "שלום עולם", "mélange ‏RTL‎ et ‮inversé‬").encode(),
                      "case", "Bravo 🎉👍🏽 👨‍👩‍👧 ! مرحبا بالعالم وهذه حملة שלום עולם"),
    "title-no.txt": (article("no", "Un titre qui vaut faux en YAML.").encode(), "case", "Un titre qui vaut faux"),
    "title-colon.txt": (article("Titre : sous-titre", "Un titre avec deux-points.").encode(), "case",
                        "Un titre avec deux-points."),
    "title-at.txt": (article("@marque lance sa campagne", "Un titre qui commence par @.").encode(), "case",
                     "Un titre qui commence par @."),
    "title-fence.txt": (("---\n" + article("---", "---", "Des lignes de tirets partout.", "---")).encode(), "case",
                        "Des lignes de tirets partout."),
    "markdown-lines.txt": (article("Lignes Markdown", *MARKDOWN_LINES).encode(), "case", "\n".join(MARKDOWN_LINES)),
    "template-syntax.txt": (article("Syntaxe de gabarit", *TEMPLATE_LINES).encode(), "case",
                            "{{ site.title }} et {{ 7*7 }} {% for x in y %}boucle{% endfor %} {# commentaire #}"),
    "entities.txt": (article("Entités HTML", ENTITIES).encode(), "case", ENTITIES),
    "hostile-markup.txt": (article("Balises hostiles", *HOSTILE_LINES).encode(), "case",
                           "<script>alert('seed')</script> et <iframe src=x></iframe>"),
}
BIG = "big.txt"  # a 5 MB article, converted in its own test (it takes a while)


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


REMOVED = re.compile(r"^  removed line (?P<number>\d+) ")


def read_report(path: Path) -> dict[str, dict]:
    """seed name -> {"status", "path", "removed": {line numbers}} from the converter's report."""
    seeds: dict[str, dict] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        header = re.match(r"^(?P<name>\S+\.txt): (?P<status>[\w ]+?)(?: -> (?P<path>.+)|: (?P<error>.+))$", line)
        if header:
            current = seeds[header["name"]] = {"status": header["status"], "path": header["path"],
                                                "error": header["error"], "removed": set()}
        elif current is not None and (removed := REMOVED.match(line)):
            current["removed"].add(int(removed["number"]))
    return seeds


def squeeze(text: str) -> str:
    """Text without any white space (no-break spaces included): what must match, character for character."""
    return "".join(text.split())


BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "td", "th", "div", "hr")
LIST_MARKER = re.compile(r"^\s*(?:[•●▪◦·‣∙*+–—-]|\d{1,9}[.)])(?=\s|$)", re.MULTILINE)


def visible_text(markdown_body: str) -> str:
    """What a reader sees, one block a line (list bullets and numbers are drawn by the browser)."""
    soup = BeautifulSoup(render_markdown(markdown_body), "html.parser")
    for backlink in soup.select("a.footnote-backref"):
        backlink.decompose()
    for block in soup.find_all(BLOCKS):
        block.insert(0, "\n")
    return soup.get_text()


def without_list_markers(text: str) -> str:
    """A list's markers are markup (the converter writes "- " or "1. ", the browser draws its
    own): compared texts drop them at the start of a line, on both sides."""
    return LIST_MARKER.sub("", text)


# The source's own markup, which the converter keeps as formatting, as its documentation
# (casebook/convert/body.py) says: links and wiki links show their label, *emphasis* and
# **strong** their words, 1^{ère} its letters. Only that is not text.
SOURCE_MARKUP = re.compile(
    r"\{\{LNK\|(?P<wiki>[^|{}\n]+)\|[^|{}\n]+\}\}"
    r"|\[(?P<label>[^\[\]\n]+)\]\((?:[^()\s]|\([^()\s]*\))*\)"
    r"|\^\{(?P<sup>[^{}\n]{1,20})\}"
    r"|(?P<mark>\*\*|\*)(?=[^\s*])(?P<em>[^*\n]{0,500}?[^\s*])(?P=mark)")


def as_read(text: str) -> str:
    return SOURCE_MARKUP.sub(lambda m: m["wiki"] or m["label"] or m["sup"] or as_read(m["em"] or ""), text)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("convert-inputs")
    seeds = base / "seeds"
    seeds.mkdir()
    for name, (data, _, _) in SEEDS.items():
        (seeds / name).write_bytes(data)
    content = copy_content(base / "content")
    shutil.rmtree(content / "cases")
    collect = Collect()
    logging.getLogger("casebook").addHandler(collect)
    try:
        code = run(seeds, content, report=base / "report.txt", workers=1)
    finally:
        logging.getLogger("casebook").removeHandler(collect)
    return {"code": code, "content": content, "seeds": seeds, "log": collect.lines,
            "report": read_report(base / "report.txt"), "base": base}


def test_the_batch_goes_on_and_reports_failure(batch):
    assert batch["code"] == 1
    assert set(batch["report"]) == set(SEEDS)
    failed = {name for name, entry in batch["report"].items() if entry["status"] == "FAILED"}
    assert failed == {name for name, (_, expected, _) in SEEDS.items() if expected == "error"}


def test_nothing_is_half_written_and_every_case_passes_check(batch):
    content = batch["content"]
    stray = [p.name for p in content.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".") and p.is_file()
             and p.name != ".convert-manifest.json"]
    assert stray == []
    assert check_content(content) == []


@pytest.mark.parametrize("name", [n for n, (_, expected, _) in SEEDS.items() if expected == "error"])
def test_a_seed_that_cannot_be_converted_gets_a_clear_error_naming_it(batch, name):
    _, _, words = SEEDS[name]
    messages = [line for line in batch["log"] if line.startswith(f"{name}: ")]
    assert len(messages) == 1 and words in messages[0], batch["log"]
    assert "(" in messages[0] or "check" in messages[0]  # the message says what to do
    assert name not in existing_cases(batch["content"])


@pytest.mark.parametrize("name", [n for n, (_, expected, _) in SEEDS.items() if expected == "case"])
def test_a_converted_seed_shows_exactly_the_article_text(batch, name):
    data, _, shown = SEEDS[name]
    entry = batch["report"][name]
    case = existing_cases(batch["content"])[name]
    document = parse(case.data.decode("utf-8"), case.path.name)
    source = (batch["seeds"] / name).read_bytes()
    text = decoded(name, source)
    kept = [line for number, line in enumerate(text.split("\n"), start=1) if number not in entry["removed"]]
    rendered = visible_text(document.body)
    assert squeeze(without_list_markers(rendered)) == squeeze(without_list_markers(as_read("\n".join(kept)))), \
        f"{name}:\n{rendered}"
    assert squeeze(without_list_markers(shown)) in squeeze(without_list_markers(rendered))


def decoded(name: str, data: bytes) -> str:
    """The seed's text as the test wrote it (before encoding), with what the converter must repair."""
    encoding = {"cp1252.txt": "cp1252", "latin1.txt": "latin-1"}.get(name, "utf-8")
    text = data.decode(encoding).removeprefix("\ufeff").replace("\r\n", "\n")
    text = text.replace(CONTROL, CONTROL_SHOWN).replace(MOJIBAKE, MOJIBAKE_SHOWN)
    # directional marks are format characters, kept; the converter writes them as they are
    return text


def front_matter(batch, name: str) -> dict:
    case = existing_cases(batch["content"])[name]
    return parse(case.data.decode("utf-8")).data


def test_two_seeds_with_one_title_get_two_slugs(batch):
    cases = existing_cases(batch["content"])
    first, second = cases["same-title-a.txt"].path, cases["same-title-b.txt"].path
    assert first != second and first.stem.startswith("le-meme-titre") and second.stem.startswith("le-meme-titre")


def test_a_600_character_title_is_kept_whole_with_a_short_slug(batch):
    """Too long to be a title: the line stays in the body, whole, and the title is derived from it."""
    case = existing_cases(batch["content"])["long-title.txt"]
    data, body = front_matter(batch, "long-title.txt"), parse(case.data.decode("utf-8")).body
    assert len(case.path.stem) <= 80
    if data["title"] != TITLE_600:
        assert data["title_derived"] is True
        assert TITLE_600.startswith(data["title"].removesuffix("…"))
        assert squeeze(TITLE_600) in squeeze(visible_text(body))


@pytest.mark.parametrize(("name", "title"), [("title-no.txt", "no"), ("title-colon.txt", "Titre : sous-titre"),
                                             ("title-at.txt", "@marque lance sa campagne")])
def test_yaml_hostile_titles_stay_text(batch, name, title):
    data = front_matter(batch, name)
    assert isinstance(data["title"], str)
    assert data["title"].replace("\u00a0", " ") == title


@pytest.fixture(scope="module")
def converted_site(batch):
    """The converted cases (drafts) built with the development settings."""
    output = batch["base"] / "output"
    run_invoke("build", "--drafts", "--content", str(batch["content"]), "--output", str(output), check=True)
    return output


def case_page(batch, site: Path, name: str) -> Path:
    slug = front_matter(batch, name).get("slug") or existing_cases(batch["content"])[name].path.stem
    pages = [site / "drafts" / slug / "index.html", site / "cases" / slug / "index.html"]
    return next(page for page in pages if page.is_file())


def test_template_and_pelican_syntax_reach_the_page_as_text(batch, converted_site):
    text = squeeze(BeautifulSoup(case_page(batch, converted_site, "template-syntax.txt").read_text("utf-8"),
                                 "html.parser").get_text())
    for line in TEMPLATE_LINES[:-1]:
        assert squeeze(line) in text, line
    assert squeeze("un lien wiki suivi de texte") in text


def test_hostile_markup_in_a_seed_is_text_on_the_page(batch, converted_site):
    page = case_page(batch, converted_site, "hostile-markup.txt")
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert live_parts(soup) == []
    text = squeeze(soup.get_text())
    for words in ("<script>alert('seed')</script>", "clic-brut", "clic-inline", "clic-data", "clic-wiki",
                  "clic-wiki-data", "<javascript:alert(6)>", "clic-ref"):
        assert squeeze(words) in text, words


def test_a_5_mb_article_becomes_one_complete_case(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    paragraphs = [f"{index} {LONG}{LONG}" for index in range(5_000_000 // (2 * len(LONG)))]
    (seeds / BIG).write_text(article("Un article de cinq mégaoctets", *paragraphs), encoding="utf-8")
    content = tmp_path / "content"
    assert run(seeds, content, workers=1) == 0
    case = existing_cases(content)[BIG]
    body = parse(case.data.decode("utf-8")).body
    assert squeeze(body) == squeeze("\n".join([LONG * 2, *paragraphs, ENDING]))
    assert [p.name for p in (content / "cases").iterdir()] == [case.path.name]
