"""Broken content: `invoke check` and `invoke build` list every problem with file:line and the fix,
exit non-zero, and the previous output/ stays byte for byte as it was."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import copy_content, run_invoke

pytestmark = pytest.mark.slow

PROBLEM_LINE = re.compile(r"^(?P<path>\S+?):(?P<line>\d+): (?P<field>[^:]+): (?P<message>.+) \((?P<fix>[^()]+)\)$")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The committed content built once; each test breaks its own copy of the content."""
    base = tmp_path_factory.mktemp("errors")
    content = copy_content(base / "content")
    output = base / "output"
    run_invoke("build", "--content", str(content), "--output", str(output), check=True)
    return content, output


@pytest.fixture
def broken(site, tmp_path):
    """A fresh copy of the content to break, and a copy of the built site to protect."""
    content, output = site
    copy = tmp_path / "content"
    shutil.copytree(content, copy)
    site_copy = tmp_path / "output"
    shutil.copytree(output, site_copy)
    return copy, site_copy


def an_organization(content: Path) -> tuple[str, Path]:
    path = sorted((content / "entities" / "organizations").glob("*.md"))[0]
    return path.stem, path


CASE = "---\ntitle: {title}\nslug: {slug}\nstatus: published\n{extra}---\n\nTexte.\n"

BREAKAGES = {
    "yaml": ("yaml.md", CASE.format(title="[pas fermé", slug="yaml", extra=""),
             ["yaml.md:3: front matter: YAML error: expected ',' or ']'"]),
    "no-closing-fence": ("fence.md", "---\ntitle: Sans fin\n\nTexte.\n",
                         ["fence.md:1: front matter: the front matter has no closing '---' line"]),
    "no-front-matter": ("nofm.md", "Juste du texte.\n",
                        ["nofm.md:1: front matter: the file does not start with a '---' line"]),
    "duplicate-key": ("twice.md", CASE.format(title="Un", slug="twice", extra="title: Deux\n"),
                      ["twice.md:5: title: is given twice (lines 2 and 5)"]),
    "unknown-id": ("unknown.md", CASE.format(title="Inconnu", slug="unknown",
                                             extra="organizations:\n- id: n-existe-pas\n  name: Personne\n"),
                   ["unknown.md:6: organizations[0].id: unknown organization id 'n-existe-pas' "
                    "(create entities/organizations/n-existe-pas.md"]),
    "bad-value": ("value.md", CASE.format(title="Valeur", slug="value", extra="date: 24/04/13\nformat: podcast\n"),
                  ["value.md:5: date: '24/04/13' is not an ISO date", "value.md:6: format: unknown value 'podcast'"]),
}


def write_breakages(content: Path) -> list[str]:
    expected = []
    for name, text, messages in BREAKAGES.values():
        (content / "cases" / name).write_text(text, encoding="utf-8")
        expected += messages
    # two cases with one slug
    for name in ("dup-a.md", "dup-b.md"):
        (content / "cases" / name).write_text(CASE.format(title=name, slug="meme-slug", extra=""), encoding="utf-8")
    expected.append("dup-b.md:3: slug: 'meme-slug' is also the slug of")
    # a case saved in cp1252
    (content / "cases" / "latin.md").write_bytes(CASE.format(title="Réseau", slug="latin", extra="").encode("cp1252"))
    expected.append("latin.md:1: file: is not UTF-8 text (byte 12) (re-save the file as UTF-8)")
    # a registry file that a case needs, deleted
    organization, path = an_organization(content)
    users = [p for p in (content / "cases").glob("*.md") if f"id: {organization}\n" in p.read_text("utf-8", "replace")]
    path.unlink()
    expected += [f"{p.name}:" for p in users] + [f"unknown organization id '{organization}'"]
    return expected


def assert_reported(result, expected: list[str]) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    missing = [message for message in expected if message not in result.stderr]
    assert not missing, f"not reported: {missing}\n{result.stderr}"
    lines = [line for line in result.stderr.splitlines() if re.match(r"^\S+:\d+: ", line)]
    assert lines, result.stderr
    for line in lines:
        assert PROBLEM_LINE.match(line), f"not 'path:line: field: message (fix)': {line}"


def test_every_problem_at_once_from_check_and_from_build(broken):
    content, output = broken
    before = snapshot(output)
    expected = write_breakages(content)

    checked = run_invoke("check", "--content", str(content))
    assert_reported(checked, expected)
    built = run_invoke("build", "--content", str(content), "--output", str(output))
    assert_reported(built, expected)
    assert "nothing was published" in built.stderr and "is unchanged" in built.stderr
    problems = lambda result: sorted(line for line in result.stderr.splitlines() if PROBLEM_LINE.match(line))  # noqa: E731
    assert problems(checked) == problems(built)
    assert snapshot(output) == before


@pytest.mark.parametrize("missing", ["entities", "cases"])
def test_a_missing_folder_is_reported_and_the_site_kept(broken, missing):
    content, output = broken
    before = snapshot(output)
    shutil.rmtree(content / missing)
    expected = {
        "entities": ["entities:1: folder: the entity registry is missing", "unknown organization id"],
        "cases": ["cases:1: folder: is missing (run 'invoke convert' or create the folder)"],
    }[missing]
    assert_reported(run_invoke("check", "--content", str(content)), expected)
    assert_reported(run_invoke("build", "--content", str(content), "--output", str(output)), expected)
    assert snapshot(output) == before


def test_a_case_that_cannot_be_read_is_reported_not_a_crash(broken):
    content, output = broken
    before = snapshot(output)
    (content / "cases" / "dangling.md").symlink_to(content / "cases" / "gone.md")
    (content / "cases" / "folder.md").mkdir()
    result = run_invoke("check", "--content", str(content))
    assert_reported(result, ["dangling.md:1: file:", "folder.md:1: file:"])
    assert "Traceback" not in result.stderr
    assert_reported(run_invoke("build", "--content", str(content), "--output", str(output)), ["dangling.md:1: file:"])
    assert snapshot(output) == before
