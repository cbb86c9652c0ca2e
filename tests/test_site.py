"""The committed content, built with the publishing settings: pages exist and links resolve."""

import logging
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
from bs4 import BeautifulSoup

from casebook.check import case_files, load_case
from tests.conftest import ROOT


def published_slugs():
    slugs = []
    for path in case_files(ROOT / "content"):
        case, _ = load_case(path)
        if case.document.data.get("status") == "published":
            slugs.append(case.slug)
    return slugs


def test_each_published_case_has_its_page(built_site):
    slugs = published_slugs()
    assert slugs, "the committed content has no published case"
    for slug in slugs:
        page = built_site / "cases" / slug / "index.html"
        assert page.is_file(), slug
        assert "<h1" in page.read_text(encoding="utf-8")


def test_drafts_are_not_published(built_site, tmp_path):
    assert not (built_site / "drafts").exists()


def resolve(site: Path, page: Path, href: str) -> Path | None:
    """The file an internal link points to, or None for external links."""
    parsed = urlparse(href)
    if parsed.scheme or parsed.netloc or href.startswith(("mailto:", "#")) or not parsed.path:
        return None
    base = "/" + str(page.relative_to(site).as_posix())
    target = unquote(urljoin(base, parsed.path)).lstrip("/")
    path = site / target
    return path / "index.html" if target == "" or target.endswith("/") or path.is_dir() else path


def test_every_internal_link_resolves(built_site):
    broken = []
    pages = sorted(built_site.rglob("*.html"))
    assert pages
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
            for element in soup.find_all(tag):
                href = element.get(attr)
                if not href:
                    continue
                target = resolve(built_site, page, href)
                if target is not None and not target.exists():
                    broken.append(f"{page.relative_to(built_site)}: {href}")
    assert not broken, "\n".join(broken)


def test_links_are_relative_so_the_site_works_under_a_sub_path(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    hrefs = [a["href"] for a in soup.find_all(["a", "link"], href=True)]
    assert hrefs and not [h for h in hrefs if h.startswith("/")]


def test_invalid_content_is_refused_and_output_kept(tmp_path):
    from tests.conftest import copy_content, run_invoke

    content = copy_content(tmp_path / "content")
    output = tmp_path / "output"
    run_invoke("build", "--content", str(content), "--output", str(output), check=True)
    before = sorted(p.relative_to(output) for p in output.rglob("*"))
    first = next((content / "cases").glob("*.md"))
    first.write_text(first.read_text(encoding="utf-8").replace("title:", "titre:", 1), encoding="utf-8")
    result = run_invoke("build", "--content", str(content), "--output", str(output))
    assert result.returncode == 1
    assert f"{first.name}:" in result.stderr and "title: is missing" in result.stderr
    assert sorted(p.relative_to(output) for p in output.rglob("*")) == before


def test_the_heap_is_frozen_while_the_pages_are_written_and_thawed_after(tmp_path):
    """What is alive once every generator has its context is frozen for Python's collector while
    the pages are written; after the run, and after a failed one, nothing stays frozen (the
    preview builds again and again in one process: its old builds must be collectable)."""
    import gc

    from pelican import signals

    from casebook.site import BuildError, run_pelican

    seen = {}

    def note(name):
        return lambda *args, **kwargs: seen.setdefault(name, gc.get_freeze_count())

    receivers = {"article_generator_finalized": note("context"), "finalized": note("written")}
    for name, receiver in receivers.items():
        getattr(signals, name).connect(receiver)
    try:
        run_pelican(ROOT / "content", tmp_path / "out", ROOT / "publishconf.py",
                    {"CACHE_PATH": str(tmp_path / "cache"), "CASEBOOK_SEARCH_INDEX": False})
        assert seen["context"] == 0 and seen["written"] > 10_000 and gc.get_freeze_count() == 0

        def fail(*args, **kwargs):
            raise RuntimeError("a writer fails")

        signals.finalized.connect(fail)
        try:
            with pytest.raises((RuntimeError, BuildError)):
                run_pelican(ROOT / "content", tmp_path / "out2", ROOT / "publishconf.py",
                            {"CACHE_PATH": str(tmp_path / "cache"), "CASEBOOK_SEARCH_INDEX": False})
        finally:
            signals.finalized.disconnect(fail)
        assert gc.get_freeze_count() == 0
    finally:
        for name, receiver in receivers.items():
            getattr(signals, name).disconnect(receiver)


def test_a_warning_of_an_earlier_build_in_the_same_process_is_reported_again(tmp_path):
    """`invoke serve` builds again and again in one process: Pelican's loggers would drop a
    message they had already logged, so the second build's result would miss the warning."""
    from pelican import signals

    from casebook.site import run_pelican

    def warn(pelican):
        logging.getLogger("pelican.casebook_test").warning("the same warning in every build")

    signals.finalized.connect(warn)
    try:
        results = [run_pelican(ROOT / "content", tmp_path / f"out{n}", ROOT / "publishconf.py",
                               {"CACHE_PATH": str(tmp_path / "cache"), "CASEBOOK_SEARCH_INDEX": False})
                   for n in range(2)]
    finally:
        signals.finalized.disconnect(warn)
    assert [r.count("the same warning in every build") for r in results] == [1, 1]


@pytest.mark.slow
def test_builds_leave_no_process_and_no_folder_behind_even_when_refused(tmp_path, forks):
    """The checks fork a second process (casebook/forked.py): every one is waited for by the time
    build() returns or raises; the old site and a refused build's staging folder are gone."""
    from casebook.site import BuildError, build
    from tests.conftest import copy_content, reaped

    content = copy_content(tmp_path / "content")
    output = tmp_path / "site" / "output"
    build(content, output)
    result = build(content, output)  # removes the first build's site
    assert result.pages == sum(1 for _ in output.rglob("*.html")) > 0
    built = len(forks)
    assert built >= 4  # at least the content check and the search index, twice
    path = sorted((content / "cases").glob("*.md"))[0]
    path.write_text(path.read_text(encoding="utf-8") + "\nVoir [ce thème](/themes/nulle-part/).\n", encoding="utf-8")
    with pytest.raises(BuildError, match="1 broken internal link"):
        build(content, output)
    assert len(forks) >= built + 2
    assert [pid for pid in forks if not reaped(pid)] == []
    assert sorted(p.name for p in output.parent.iterdir()) == ["output"]


def test_a_folder_is_removed_whole_without_following_links(tmp_path):
    from casebook.site import remove_folder

    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "file.txt").write_text("keep", encoding="utf-8")
    folder = tmp_path / "old"
    for index in range(150):
        page = folder / "cases" / f"case-{index}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text("<p>", encoding="utf-8")
    (folder / "index.html").write_text("<p>", encoding="utf-8")
    (folder / "cases" / "link").symlink_to(kept, target_is_directory=True)
    remove_folder(folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept"]
    assert (kept / "file.txt").read_text(encoding="utf-8") == "keep"
    remove_folder(folder)  # gone already: nothing to do, no error
