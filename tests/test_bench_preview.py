"""The preview's fast rebuild (invoke serve): the edit shows at once, the whole site converges."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from casebook.preview import Preview, page_links
from casebook.site import DEVELOP_SETTINGS, BuildError, build
from tests.conftest import copy_content


def tree(folder: Path, skip: str = "pagefind/") -> dict[str, bytes]:
    """Every file's bytes, except Pagefind's bundle: Pagefind writes its filter and metadata
    files in a different order from one run to the next on the same input (upstream, Pagefind
    issue 638), so the bundle is compared by the search tests, not byte for byte here."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.relative_to(folder).as_posix().startswith(skip)}


def wait_for_reconcile(preview: Preview, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while preview.reconcile is not None and preview.reconcile.poll() is None:
        assert time.monotonic() < deadline, "the background rebuild never finished"
        time.sleep(0.1)
    return preview.poll()


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

        result = preview.rebuild([case])
        assert result.kind == "fast"
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
