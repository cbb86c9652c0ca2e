"""The preview's fast rebuild (invoke serve): the edit shows at once, the whole site converges."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from casebook.preview import Preview, page_links
from casebook.site import DEVELOP_SETTINGS, BuildError, build
from tests.conftest import copy_content, file_tree


def tree(folder: Path, skip: str = "pagefind/") -> dict[str, bytes]:
    """Every file's bytes, except Pagefind's bundle: Pagefind writes its filter and metadata
    files in a different order from one run to the next on the same input (upstream, Pagefind
    issue 638), so the bundle is compared by the search tests, not byte for byte here."""
    return file_tree(folder, skip)


def wait_for_reconcile(preview: Preview, timeout: float = 120) -> bool:
    """Poll as ``invoke serve`` does until the background rebuild is done; True if it swapped
    a new site in."""
    deadline = time.monotonic() + timeout
    while preview.reconcile is not None or preview.reconcile_due is not None:
        assert time.monotonic() < deadline, "the background rebuild never finished"
        if preview.poll():
            return True
        time.sleep(0.1)
    return False


def a_case_with_themes(content: Path) -> Path:
    return next(p for p in sorted((content / "cases").glob("*.md")) if "\nthemes:" in p.read_text(encoding="utf-8"))


def test_page_links_resolve_relative_links_to_output_files():
    html = '<a href="../../themes/crise/">x</a><a href="https://e.org/">y</a><link href="../../theme/css/a.css">'
    assert page_links(html, "cases/x/index.html") == {"themes/crise/index.html", "theme/css/a.css"}
    assert page_links('<a href="./">home</a>', "index.html") == {"index.html"}


@pytest.mark.slow
def test_an_edit_is_previewed_fast_then_the_site_converges_to_the_full_build(tmp_path):
    content = copy_content(tmp_path / "content")
    preview = Preview(content, tmp_path / "output")
    try:
        assert preview.rebuild().kind == "full"
        case = a_case_with_themes(content)
        text = case.read_text(encoding="utf-8")
        text = text.replace("\nthemes:\n", "\nthemes:\n- Thème ajouté par le curateur\n", 1)
        case.write_text(text + "\nUne phrase ajoutée par le curateur.\n", encoding="utf-8")

        search_page = tmp_path / "output" / "search" / "index.html"
        search_written = search_page.stat().st_mtime_ns
        result = preview.rebuild([case])
        assert result.kind == "fast"
        # the search page depends on every case: the fast pass leaves it to the full build
        assert search_page.stat().st_mtime_ns == search_written
        # which starts a moment later (poll), not while the browser reloads the page
        assert preview.reconcile is None and preview.reconcile_due is not None
        total = sum(1 for _ in (tmp_path / "output").rglob("*.html"))
        assert 0 < result.pages < total
        pages = list((tmp_path / "output").rglob("index.html"))
        edited = [p for p in pages if "Une phrase ajoutée par le curateur" in p.read_text(encoding="utf-8")]
        assert len(edited) == 1 and edited[0].parent.parent.name in ("cases", "drafts")
        # a term page the edit created is there at once, and lists the case
        term = tmp_path / "output" / "themes" / "theme-ajoute-par-le-curateur" / "index.html"
        assert term.is_file() and edited[0].parent.name in term.read_text(encoding="utf-8")

        assert wait_for_reconcile(preview)
        reference = tmp_path / "reference"
        build(content, reference, DEVELOP_SETTINGS, {"CASEBOOK_LIVERELOAD": True,
                                                      "CACHE_PATH": str(tmp_path / "cache")})
        assert tree(tmp_path / "output") == tree(reference)
    finally:
        preview.close()


@pytest.mark.slow
def test_an_invalid_edit_is_refused_and_the_preview_kept(tmp_path):
    content = copy_content(tmp_path / "content")
    preview = Preview(content, tmp_path / "output")
    try:
        preview.rebuild()
        before = tree(tmp_path / "output")
        case = a_case_with_themes(content)
        case.write_text(case.read_text(encoding="utf-8").replace("title:", "titre:", 1), encoding="utf-8")
        with pytest.raises(BuildError) as refused:
            preview.rebuild([case])
        assert any("title: is missing" in str(p) for p in refused.value.problems)
        assert tree(tmp_path / "output") == before
    finally:
        preview.close()


@pytest.mark.slow
def test_a_new_case_or_a_registry_change_rebuilds_everything(tmp_path):
    content = copy_content(tmp_path / "content")
    preview = Preview(content, tmp_path / "output")
    try:
        preview.rebuild()
        new = content / "cases" / "un-nouveau-cas.md"
        new.write_text("---\ntitle: Un nouveau cas\nstatus: published\n---\n\nTexte.\n", encoding="utf-8")
        assert preview.rebuild([new]).kind == "full"
        assert (tmp_path / "output" / "cases" / "un-nouveau-cas" / "index.html").is_file()
        entity = next((content / "entities").rglob("*.md"))
        entity.write_text(entity.read_text(encoding="utf-8") + "\nUne ligne de plus.\n", encoding="utf-8")
        assert preview.rebuild([entity]).kind == "full"
    finally:
        preview.close()


@pytest.mark.slow
def test_builds_in_two_processes_are_byte_identical(tmp_path):
    """Undated cases share a date; their order must not follow Python's per-process hash seed."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    outputs = []
    for seed in ("1", "4"):  # two seeds known to read the files in different orders
        output = tmp_path / f"output-{seed}"
        subprocess.run([sys.executable, "-m", "invoke", "build", "--output", str(output)], cwd=ROOT, check=True,
                       capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed}, timeout=300)
        outputs.append(tree(output))
    assert outputs[0] == outputs[1]


def test_case_files_validate_a_file_again_only_when_it_changes(tmp_path, monkeypatch):
    import casebook.preview as preview_module

    calls = []
    real = preview_module.load_case
    monkeypatch.setattr(preview_module, "load_case", lambda path: calls.append(path) or real(path))
    case = tmp_path / "a.md"
    case.write_text("---\ntitle: Un cas\nstatus: published\n---\n\nTexte.\n", encoding="utf-8")
    files = preview_module.CaseFiles()
    first = files.load(case)
    assert files.load(case) is first and len(calls) == 1 and first[1] == []
    stat = case.stat()
    # the same size and modification time: the change time tells
    case.write_text("---\ntitle: Un cas\nstatus: publishe!\n---\n\nTexte.\n", encoding="utf-8")
    os.utime(case, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    loaded, problems = files.load(case)
    assert len(calls) == 2 and any("status" in str(p) for p in problems)
    assert files.load(case)[1] == problems and len(calls) == 2
    # a file the watcher reports is read again, whatever its status
    files.changed([case])
    assert files.load(case)[1] == problems and len(calls) == 3


@pytest.mark.slow
def test_a_case_left_invalid_is_still_refused_when_another_case_is_edited(tmp_path):
    content = copy_content(tmp_path / "content")
    preview = Preview(content, tmp_path / "output")
    try:
        preview.rebuild()
        bad, other = sorted((content / "cases").glob("*.md"))[:2]
        good_text = bad.read_text(encoding="utf-8")
        # an unknown entity id: checked against the registry, not a structural field
        bad.write_text(good_text.replace("- id: ", "- id: inconnu-", 1), encoding="utf-8")
        with pytest.raises(BuildError) as refused:
            preview.rebuild([bad])
        assert any("unknown" in str(p) and bad.name in str(p) for p in refused.value.problems)
        other.write_text(other.read_text(encoding="utf-8") + "\nUne phrase de plus.\n", encoding="utf-8")
        with pytest.raises(BuildError) as again:
            preview.rebuild([other])
        assert any(bad.name in str(p) for p in again.value.problems)
        bad.write_text(good_text, encoding="utf-8")
        assert preview.rebuild([bad]).kind == "fast"
    finally:
        preview.close()


def test_an_edit_of_the_text_alone_adds_only_the_entity_pages_it_links_to(tmp_path):
    from casebook.preview import Selection, _entity_page

    html = ('<a href="../../organizations/renault/">R</a><a href="../../organizations/">all</a>'
            '<a href="../../themes/crise/">crise</a><a href="../../people/yann/page/2/">p</a>')
    text_only = Selection(tmp_path, set(), {"cases/x/index.html"}, _entity_page)
    text_only.rendered_page("cases/x/index.html", html)
    assert text_only.pages == {"organizations/renault/index.html"}
    front_matter = Selection(tmp_path, set(), {"cases/x/index.html"})
    front_matter.rendered_page("cases/x/index.html", html)
    assert front_matter.pages == {"organizations/renault/index.html", "organizations/index.html",
                                  "themes/crise/index.html", "people/yann/page/2/index.html"}
