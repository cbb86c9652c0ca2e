"""`invoke check`: every kind of bad front matter is reported with its file, line and field."""

import shutil
import threading
from pathlib import Path

import pytest

from casebook.check import check_content
from tests.conftest import run_invoke

ENTITY = "---\nname: Renault\naliases:\n- groupe Renault\ntype: company\n---\n\nConstructeur automobile.\n"
GOOD = """---
title: Un cas
slug: un-cas
status: published
organizations:
- id: renault
  name: Renault
---

Texte.
"""


def make_content(tmp_path: Path, cases: dict[str, str]) -> Path:
    content = tmp_path / "content"
    (content / "cases").mkdir(parents=True)
    for kind in ("organizations", "people", "campaigns"):
        (content / "entities" / kind).mkdir(parents=True)
    (content / "entities" / "organizations" / "renault.md").write_text(ENTITY, encoding="utf-8")
    for name, text in cases.items():
        (content / "cases" / name).write_text(text, encoding="utf-8")
    return content


def problems_for(tmp_path, text, name="bad.md"):
    content = make_content(tmp_path, {"good.md": GOOD, name: text})
    return [str(p) for p in check_content(content)]


def test_good_content_has_no_problem(tmp_path):
    assert check_content(make_content(tmp_path, {"good.md": GOOD})) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\ntitle: [unclosed\n---\n", "bad.md:2: front matter: YAML error"),
        ("---\nslug: sans-titre\n---\n", "bad.md:1: title: is missing"),
        ("---\ntitle: t\ndate: 24/04/13\n---\n", "bad.md:3: date: '24/04/13' is not an ISO date (write YYYY-MM-DD"),
        ("---\ntitle: t\ndate: 2013-02-30\n---\n", "bad.md:3: date:"),
        ("---\ntitle: t\nformat: podcast\n---\n", "bad.md:3: format: unknown value 'podcast' (must be one of"),
        ("---\ntitle: t\nchannels:\n- tv\n- fax\n---\n", "bad.md:5: channels[1]: unknown value 'fax'"),
        ("---\ntitle: t\norganizations:\n- id: renaud\n  name: Renaud\n---\n",
         "bad.md:4: organizations[0].id: unknown organization id 'renaud' (create entities/organizations/renaud.md"),
        ("---\ntitle: t\ncampaign:\n  id: nope\n  name: Nope\n---\n", "bad.md:4: campaign.id: unknown campaign id"),
        ("---\ntitle: t\nslug: un-cas\n---\n", "slug: 'un-cas' is also the slug of"),
        ("no front matter\n", "bad.md:1: front matter: the file does not start with a '---' line"),
        ("---\ntitle: t\norganizations:\n- id: renault\n  name: Régie Renault\n---\n",
         "bad.md:5: organizations[0].name: 'Régie Renault' is neither the name nor an alias of 'renault' (Renault) "
         "(add it to aliases in entities/organizations/renault.md"),
        ("---\ntitle: t\norganizations:\n- name: Opco\n- name: GROUPE  renault\n  role: advertiser\n---\n",
         "bad.md:5: organizations[1].name: 'GROUPE  renault' names the registry entity 'renault' (Renault) "
         "but has no id (set id: renault)"),
    ],
    ids=["yaml", "missing-title", "bad-date", "impossible-date", "vocabulary", "vocabulary-in-list",
         "unknown-entity", "unknown-campaign", "duplicate-slug", "no-front-matter", "unknown-name-variant",
         "known-name-without-id"],
)
def test_each_problem_names_file_line_and_field(tmp_path, text, expected):
    problems = problems_for(tmp_path, text)
    assert any(expected in p for p in problems), problems
    assert all("bad.md" in p or "good.md" in p for p in problems)


def test_known_names_differing_by_accents_or_case_are_accepted(tmp_path):
    text = ("---\ntitle: t\norganizations:\n- id: renault\n  name: GROUPE RÉNAULT\n- id: renault\n  name: renault\n"
            "- name: Renault Trucks\n---\n")
    assert check_content(make_content(tmp_path, {"ok.md": text})) == []


def test_all_problems_are_listed_at_once(tmp_path):
    problems = problems_for(tmp_path, "---\ndate: hier\nformat: podcast\n---\n")
    assert len(problems) == 3, problems  # missing title, bad date, unknown format


def test_not_utf8_case_is_reported(tmp_path):
    content = make_content(tmp_path, {})
    (content / "cases" / "latin.md").write_bytes("---\ntitle: Réseau\n---\n".encode("cp1252"))
    assert any("latin.md:1: file: is not UTF-8" in str(p) for p in check_content(content))


def test_missing_registry_is_reported(tmp_path):
    content = make_content(tmp_path, {"good.md": GOOD})
    (content / "entities" / "organizations" / "renault.md").unlink()
    for kind in ("organizations", "people", "campaigns"):
        (content / "entities" / kind).rmdir()
    (content / "entities").rmdir()
    problems = [str(p) for p in check_content(content)]
    assert any("entities:1: folder: the entity registry is missing" in p for p in problems)
    assert any("good.md:6: organizations[0].id: unknown organization id 'renault'" in p for p in problems)


def test_bad_entity_is_reported(tmp_path):
    content = make_content(tmp_path, {})
    (content / "entities" / "people" / "x.md").write_text("---\naliases: [a]\ntype: robot\n---\n")
    problems = [str(p) for p in check_content(content)]
    assert any("x.md:1: name: is missing" in p for p in problems), problems
    assert any("x.md:3: type: unknown value 'robot'" in p for p in problems), problems


def test_invoke_check_exits_1_and_prints_every_problem(tmp_path):
    content = make_content(tmp_path, {"bad.md": "---\ntitle: t\nformat: podcast\nlang: xx\n---\n"})
    result = run_invoke("check", "--content", str(content))
    assert result.returncode == 1
    assert "bad.md:3: format: unknown value 'podcast'" in result.stderr
    assert "bad.md:4: lang: unknown value 'xx'" in result.stderr


def test_committed_content_is_valid():
    result = run_invoke("check")
    assert result.returncode == 0, result.stderr


def test_the_link_check_resolves_a_link_from_each_folder_it_is_written_in(tmp_path):
    """Links that climb with "../" are resolved once per folder they climb to: from pages at
    different depths the same link leads to different files, and each page gets its own verdict."""
    from casebook.check import check_links

    site = tmp_path / "site"
    for folder in ("cases/a", "cases/b", "themes/t", "themes/t/page/2"):
        (site / folder).mkdir(parents=True, exist_ok=True)
    (site / "index.html").write_text('<p id="top"></p>', encoding="utf-8")
    (site / "cases" / "index.html").write_text("<p>cases</p>", encoding="utf-8")
    (site / "themes" / "t" / "index.html").write_text('<p id="x"></p>', encoding="utf-8")
    links = ['../../themes/t/#x', '../../cases/', '../cases/', '../../../../index.html#top', '../../?q=1',
             '../%2e%2e/index.html#top', '../http://example.org/', '../../a/../../themes/t/', '../../#nope']
    body = "".join(f'<a href="{link}">l</a>\n' for link in links)
    for page in ("cases/a/index.html", "cases/b/index.html", "themes/t/page/2/index.html"):
        (site / page).write_text(body, encoding="utf-8")
    problems = sorted((p.path, p.line) for p in check_links(site, shown_as="out"))
    expected_broken = {  # line of each broken link, per page
        "cases/a/index.html": [3, 7, 9], "cases/b/index.html": [3, 7, 9],
        "themes/t/page/2/index.html": [1, 2, 3, 6, 7, 8, 9]}
    assert problems == sorted((f"out/{page}", line) for page, lines in expected_broken.items() for line in lines)


def break_links(site: Path) -> list[str]:
    """Broken links and fragments written into a page near each end of ``site``'s sorted pages
    (the first chunk is checked in this process, the last in the child), some pointing to the
    other page; the problems expected."""
    from casebook.check import site_files

    pages = site_files(site).pages
    first, second = pages[1], pages[-2]
    links = {
        first: [f"{second}#ici", f"{second}#ailleurs", "nulle-part/", "#absent"],
        second: [f"{first}#ailleurs", f"{first}#la", "?q=1#absent", "cases/nulle-part/"],
    }
    anchor = {first: "la", second: "ici"}
    expected = []
    for page, targets in links.items():
        up = "../" * page.count("/")
        text = (site / page).read_text(encoding="utf-8").rstrip("\n")
        line = text.count("\n") + 2
        hrefs = [target if target.startswith(("#", "?")) else up + target for target in targets]
        (site / page).write_text(text + f'\n<p id="{anchor[page]}"></p>' + "".join(
            f'\n<a href="{href}">x</a>' for href in hrefs), encoding="utf-8")
        for number, href in enumerate(hrefs, start=line + 1):
            fragment = href.partition("#")[2]
            if href.endswith("/"):
                expected.append(f"out/{page}:{number}: link: {href!r} points to a page that does not exist "
                                "(fix the link, or the content or template that writes it)")
            elif fragment not in ("ici", "la"):
                expected.append(f"out/{page}:{number}: link: {href!r}: the page has no id {fragment!r} "
                                "(fix the fragment after '#')")
    return expected


def test_the_link_check_in_fresh_processes_gives_the_problems_of_one_in_the_same_order(
        built_site, tmp_path, monkeypatch, fresh_processes):
    """A large site's pages are checked in two fresh processes (casebook/fresh.py), also while
    another thread runs (the preview server); a small site's in this process."""
    from casebook import check

    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    expected = break_links(site)
    assert len(expected) == 6
    started = fresh_processes
    one = [str(p) for p in check.check_links(site, shown_as="out")]
    assert started == []
    monkeypatch.setattr(check, "FRESH_MIN_PAGES", 1)
    monkeypatch.setattr(check.os, "cpu_count", lambda: 2)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        two = [str(p) for p in check.check_links(site, shown_as="out")]
    finally:
        stop.set()
        thread.join()
    assert len(started) == 2 and all(process.returncode == 0 for process in started)
    assert two == one == expected


def test_a_link_without_a_path_is_checked_against_the_page_that_holds_it(tmp_path):
    """"?q=1#x" on two pages of the same folder leads to each page itself (it was once resolved
    for the folder, against whichever page came first)."""
    from casebook.check import check_links

    site = tmp_path / "site"
    (site / "cases").mkdir(parents=True)
    (site / "cases" / "a.html").write_text('<p id="x"></p>\n<a href="?q=1#x">x</a>', encoding="utf-8")
    (site / "cases" / "b.html").write_text('<p id="y"></p>\n<a href="?q=1#x">x</a>', encoding="utf-8")
    (site / "index.html").write_text('<a href="?q=1#x">x</a>', encoding="utf-8")
    problems = [(p.path, p.line) for p in check_links(site, shown_as="out")]
    assert problems == [("out/cases/b.html", 2), ("out/index.html", 1)]


def test_the_content_check_in_two_processes_gives_the_problems_of_one(tmp_path, forks, monkeypatch):
    """Cases are read in two shares: a slug taken in the first share and again in the second,
    and bad references in both, are reported as from one process."""
    from casebook import forked

    cases = {f"c{index:02d}.md": GOOD.replace("slug: un-cas", f"slug: cas-{index:02d}") for index in range(8)}
    cases["c07.md"] = GOOD.replace("slug: un-cas", "slug: cas-01")
    cases["c02.md"] = GOOD.replace("id: renault", "id: renaud")
    cases["c06.md"] = GOOD.replace("slug: un-cas", "slug: cas-06\ntranslation_of: nulle-part")
    content = make_content(tmp_path, cases)
    two = [str(p) for p in check_content(content)]
    assert len(forks) == 1
    monkeypatch.setattr(forked, "processes", lambda: 1)
    one = [str(p) for p in check_content(content)]
    assert two == one
    assert [p.split(": ", 1)[0].rsplit("/", 1)[1] for p in two] == ["c02.md:6", "c06.md:4", "c07.md:3"]
    assert "'cas-01' is also the slug of" in two[2]


def test_a_broken_link_is_reported_at_its_line_wherever_the_parsers_differ(tmp_path):
    """Pages are read with lexbor, and the line of a broken link found with lxml: a link inside
    <template> (left out by lexbor, kept by lxml) does not shift the lines of the links after it."""
    from casebook.check import check_links

    site = tmp_path / "site"
    (site / "cases").mkdir(parents=True)
    (site / "cases" / "index.html").write_text("<p>cas</p>", encoding="utf-8")
    (site / "index.html").write_text(
        '<template>\n<a href="nulle-part/">t</a>\n</template>\n<a href="cases/">ok</a>\n'
        '<a href="nulle-part/">x</a>\n<p id="ici"></p>\n<a href="#ailleurs">y</a>', encoding="utf-8")
    problems = [(p.path, p.line, p.message) for p in check_links(site, shown_as="out")]
    assert problems == [("out/index.html", 5, "'nulle-part/' points to a page that does not exist"),
                        ("out/index.html", 7, "'#ailleurs': the page has no id 'ailleurs'")]
