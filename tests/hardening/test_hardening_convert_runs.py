"""Convert runs that go wrong: interrupted by a signal, or re-run over cases a curator edited;
and Hypothesis over the converter with hostile text."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from casebook.convert import ConvertError, convert_bytes, convert_text, run
from casebook.convert.decode import normalize_text
from casebook.convert.entities import build_matcher
from casebook.convert.write import BACKUP_DIR, MANIFEST_NAME, existing_cases
from casebook.frontmatter import FrontMatterError, parse
from casebook.registry import Registry
from casebook.render import render_markdown
from casebook.schema import validate_case
from tests.conftest import ROOT, copy_content
from tests.hardening.test_hardening_convert_inputs import as_read, squeeze, visible_text, without_list_markers
from tests.hardening.test_hardening_fuzz import live_markup

SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def empty_content(path: Path) -> Path:
    content = copy_content(path)
    shutil.rmtree(content / "cases")
    return content


def many_seeds(folder: Path, count: int) -> Path:
    """``count`` seeds made from the committed ones, each with its own title line."""
    folder.mkdir()
    texts = [seed.read_text(encoding="utf-8") for seed in SEEDS]
    for index in range(count):
        text = texts[index % len(texts)]
        (folder / f"seed-{index:03d}.txt").write_text(f"Article numéro {index} de la série\n\n{text}", encoding="utf-8")
    return folder


# ---------------------------------------------------------------------------
# Interrupted convert
# ---------------------------------------------------------------------------


SEED_COUNT = 40  # above the batch's PARALLEL_MIN: worker processes are running when the signal comes


def stray_files(content: Path) -> list[str]:
    return sorted(p.name for p in content.rglob("*") if p.is_file() and p.name.endswith(".tmp"))


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_convert_leaves_whole_cases_and_the_next_run_completes(tmp_path, signum):
    seeds = many_seeds(tmp_path / "seeds", SEED_COUNT)
    content = empty_content(tmp_path / "content")
    process = subprocess.Popen([sys.executable, "-m", "invoke", "convert", "--seeds", str(seeds), "--content",
                                str(content)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list((content / "cases").glob("*.md")):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no case was ever written"
        time.sleep(0.005)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)

    assert process.returncode == 130, stderr
    written = sorted((content / "cases").glob("*.md"))
    assert 0 < len(written) < SEED_COUNT, "the signal came too late to interrupt anything"
    assert stray_files(content) == []
    manifest = json.loads((content / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert sorted(manifest["cases"]) == sorted(f"cases/{p.name}" for p in written)
    before = {p.name: p.read_bytes() for p in written}
    for name, data in before.items():
        parse(data.decode("utf-8"), name)  # whole files only

    assert run(seeds, content, workers=1) == 0
    after = existing_cases(content)
    assert len(after) == SEED_COUNT and stray_files(content) == []
    assert {case.path.name: case.data for case in after.values() if case.path.name in before} == before
    assert not (content / BACKUP_DIR).exists()


# ---------------------------------------------------------------------------
# Hand edits
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The committed seeds converted once; each example edits a copy."""
    base = tmp_path_factory.mktemp("hand-edits")
    content = empty_content(base / "content")
    assert run(ROOT / "seeds", content, workers=1) == 0
    return content


def _append(text: bytes) -> bytes:
    return text + "\nUne phrase ajoutée par la curatrice.\n".encode()


def _retitle(text: bytes) -> bytes:
    return text.replace(b"\ntitle: ", b"\ntitle: 'Titre revu : par la curatrice' # ", 1)


def _break_front_matter(text: bytes) -> bytes:
    return text.replace(b"\n---\n", b"\n", 1)


def _drop_source(text: bytes) -> bytes:
    return text.replace(b"\n  file: ", b"\n  fichier: ", 1)


def _as_cp1252(text: bytes) -> bytes:
    return text.decode("utf-8").encode("cp1252", errors="replace") + "\nRésumé revu.\n".encode("cp1252")


def _empty(text: bytes) -> bytes:
    return b""


def _crlf(text: bytes) -> bytes:
    return text.replace(b"\n", b"\r\n")


EDITS = {"append": _append, "retitle": _retitle, "break": _break_front_matter, "drop-source": _drop_source,
         "cp1252": _as_cp1252, "empty": _empty, "crlf": _crlf}
EDIT_PLAN = st.lists(st.tuples(st.integers(0, len(SEEDS) - 1), st.sampled_from(sorted(EDITS)), st.booleans()),
                     min_size=1, max_size=4, unique_by=lambda edit: edit[0])


def all_bytes(content: Path) -> list[bytes]:
    return [p.read_bytes() for p in content.rglob("*.md")]


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(plan=EDIT_PLAN)
def test_no_hand_edit_is_ever_lost_and_force_keeps_a_backup(generated, tmp_path_factory, plan):
    content = tmp_path_factory.mktemp("edited") / "content"
    shutil.copytree(generated, content)
    cases = sorted((content / "cases").glob("*.md"))
    edited: dict[Path, bytes] = {}
    for index, edit, rename in plan:
        path = cases[index]
        data = EDITS[edit](path.read_bytes())
        if rename:  # the curator renamed the file too
            path.unlink()
            path = path.with_name(f"renomme-{path.name}")
        path.write_bytes(data)
        edited[path] = data

    run(ROOT / "seeds", content, workers=1)
    for path, data in edited.items():
        assert path.read_bytes() == data, f"{path.name}: the edit was overwritten without --force"

    run(ROOT / "seeds", content, force=True, workers=1)
    everything = all_bytes(content)
    for path, data in edited.items():
        assert data in everything, f"{path.name}: the edit is neither in place nor in {BACKUP_DIR}/"
    assert all(existing_cases(content).get(seed.name) for seed in SEEDS)


# ---------------------------------------------------------------------------
# Hypothesis over the converter
# ---------------------------------------------------------------------------

MATCHER = build_matcher(Registry())
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FRAGMENTS = st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<iframe src=//x>", "<style>*{}</style>",
    "[clic](javascript:alert(1))", "{{LNK|clic|javascript:alert(1)}}", "{{LNK|lien|https://example.org/a}}",
    "[lien](https://example.org/b)", "[x](data:text/html,<b>)", "<javascript:alert(1)>", "[r]: javascript:x",
    "{{ x }}", "{% y %}", "{filename}/a.md", "{static}/b.png", "{tag}c", "# ", "> ", "1. ", "* ", "- ", "| ",
    "```", "~~~", "---", "===", "    ", "&amp;", "&lt;b&gt;", "&#60;", "\\", "*", "_", "`", "[", "]", "<", ">",
    "Register Sign In", "Temps de lecture : 3 min", "Related News :", "Newsletter", "Partager", "Par Jean Dupont",
    "24 avril 2013", "no", "@x", "Titre : sous-titre", "« citation »", "Ã©", "😀", "مرحبا", "\u200f",
])
UNICODE = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=30)
LINE = st.lists(st.one_of(FRAGMENTS, UNICODE), max_size=5).map("".join)
ARTICLE = st.lists(LINE, min_size=1, max_size=12).map("\n".join)


FOOTNOTE_MARK = re.compile(r"\[\d{1,3}\]")


def _convert(text: str):
    try:
        return convert_text(normalize_text(text), "fuzz.txt", MATCHER)
    except ConvertError:
        return None


@FUZZ
@given(ARTICLE)
def test_converted_hostile_text_is_shown_whole_and_never_live(text):
    assume(not FOOTNOTE_MARK.search(text))  # "[1]" becomes a footnote: numbered by the browser
    result = _convert(text)
    if result is None:
        return
    html = render_markdown(result.body)
    assert live_markup(html) == []
    removed = {r.number for r in result.removed}
    kept = [line for number, line in enumerate(result.source.split("\n"), start=1) if number not in removed]
    rendered = without_list_markers(visible_text(result.body))
    assert squeeze(rendered) == squeeze(without_list_markers(as_read("\n".join(kept))))


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_a_valid_case_or_a_clear_error(data):
    try:
        result = convert_bytes(data, "fuzz.txt", MATCHER)
    except ConvertError as error:
        assert str(error).strip()
        return
    try:
        document = parse(result.document, "fuzz.md")
    except FrontMatterError as error:  # pragma: no cover - the assertion message is the point
        raise AssertionError(f"the converter wrote front matter it cannot read back: {error}") from None
    assert document.data == result.data
    assert validate_case(document.data, "fuzz.md", document.line_of) == []
    assert live_markup(render_markdown(document.body)) == []
    assert BeautifulSoup(render_markdown(document.body), "html.parser").get_text() is not None
