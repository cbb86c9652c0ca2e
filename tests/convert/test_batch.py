"""The batch: re-runs keep curators' edits, --force keeps a backup, unchanged seeds give the
same bytes, one bad seed never stops the others, and the same title gives distinct slugs."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from casebook.check import check_content
from casebook.convert import run
from casebook.convert.write import BACKUP_DIR, MANIFEST_NAME

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases"


def _seeds(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(CASES / f"{name}.txt", folder / f"{name}.txt")
    return folder


def _content(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    for folder in ("cases", "entities/organizations", "entities/people", "entities/campaigns"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    return content


def _snapshot(content: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((content / "cases").glob("*.md"))}


def test_rerun_gives_identical_bytes_and_a_valid_archive(tmp_path):
    seeds = _seeds(tmp_path, "dateline_french", "interview_with_speaker_labels", "footnotes")
    content = _content(tmp_path)
    assert run(seeds, content) == 0
    first = _snapshot(content)
    assert len(first) == 3
    manifest = (content / MANIFEST_NAME).read_bytes()
    assert run(seeds, content) == 0
    assert _snapshot(content) == first
    assert (content / MANIFEST_NAME).read_bytes() == manifest
    assert check_content(content) == []
    assert all(b"status: draft" in data for data in first.values())


def test_curator_edits_are_kept_and_force_keeps_a_backup(tmp_path, caplog):
    seeds = _seeds(tmp_path, "dateline_french", "footnotes")
    content = _content(tmp_path)
    run(seeds, content)
    edited = next(p for p in (content / "cases").glob("*.md") if b"La Poste" in p.read_bytes())
    # A curator retitles the case and renames its file: the seed is still found by source.file.
    renamed = edited.with_name("la-poste-et-le-velo.md")
    text = edited.read_text(encoding="utf-8").replace("status: draft", "status: published")
    renamed.write_text(text, encoding="utf-8")
    edited.unlink()
    with caplog.at_level(logging.INFO):
        assert run(seeds, content) == 0
    assert renamed.read_text(encoding="utf-8") == text
    assert not edited.exists()
    assert "kept" in caplog.text and "la-poste-et-le-velo.md" in caplog.text
    assert run(seeds, content, force=True) == 0
    assert "status: draft" in renamed.read_text(encoding="utf-8")
    backups = list((content / BACKUP_DIR / "cases").glob("la-poste-et-le-velo.*.md"))
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8") == text


def test_a_case_without_a_manifest_record_counts_as_edited(tmp_path):
    seeds = _seeds(tmp_path, "footnotes")
    content = _content(tmp_path)
    run(seeds, content)
    case = next((content / "cases").glob("*.md"))
    original = case.read_bytes()
    (content / MANIFEST_NAME).unlink()
    case.write_bytes(original.replace(b"reading_time: 1", b"reading_time: 2"))
    run(seeds, content)
    assert b"reading_time: 2" in case.read_bytes()


def test_one_bad_seed_never_stops_the_batch(tmp_path, caplog):
    seeds = _seeds(tmp_path, "dateline_french", "footnotes")
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (seeds / "chrome.txt").write_text("Register Sign In\n\nRelated News :\n", encoding="utf-8")
    content = _content(tmp_path)
    with caplog.at_level(logging.ERROR):
        assert run(seeds, content) == 1
    assert len(_snapshot(content)) == 2
    for name in ("empty.txt", "binary.txt", "chrome.txt"):
        assert name in caplog.text
    assert not list((content / "cases").glob(".*.tmp"))


def test_same_title_gives_distinct_slugs(tmp_path):
    seeds = _seeds(tmp_path, "footnotes")
    shutil.copy(seeds / "footnotes.txt", seeds / "footnotes_copy.txt")
    content = _content(tmp_path)
    assert run(seeds, content) == 0
    names = sorted(_snapshot(content))
    base = "a-festival-that-pays-its-volunteers-in-training"
    assert names == [f"{base}-2.md", f"{base}.md"]


def test_report_lists_removed_lines_with_their_reason(tmp_path):
    seeds = _seeds(tmp_path, "boilerplate_chrome")
    content = _content(tmp_path)
    report = tmp_path / "report.txt"
    run(seeds, content, report=report)
    text = report.read_text(encoding="utf-8")
    assert "sign-in or registration banner" in text and "Log in Register" in text
    assert "membership prompt" in text


def test_parallel_workers_give_the_same_bytes_as_one_process(tmp_path):
    names = sorted(p.stem for p in CASES.glob("*.txt"))
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for copy in range(2):
        for name in names:
            shutil.copy(CASES / f"{name}.txt", seeds / f"{name}_{copy}.txt")
    one, two = _content(tmp_path / "one"), _content(tmp_path / "two")
    run(seeds, one, workers=1)
    run(seeds, two, workers=2)
    assert _snapshot(one) == _snapshot(two)


def test_sigterm_mid_run_leaves_no_partial_file(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    text = (CASES / "dateline_french.txt").read_text(encoding="utf-8")
    for index in range(120):
        (seeds / f"{index:04d}.txt").write_text(text.replace("La Poste", f"La Poste {index}"), encoding="utf-8")
    content = _content(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; from casebook.convert import run; "
         "sys.exit(run(sys.argv[1], sys.argv[2], workers=1, progress=False))", str(seeds), str(content)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 60
    while not list((content / "cases").glob("*.md")) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 130
    written = list((content / "cases").glob("*.md"))
    assert 0 < len(written) < 120
    assert not list((content / "cases").glob(".*"))
    assert check_content(content) == []
    # The next run completes, and counts the interrupted run's cases as its own (not edited).
    assert run(seeds, content, workers=1, progress=False) == 0
    assert len(list((content / "cases").glob("*.md"))) == 120


def test_curated_archive_is_kept_whole(tmp_path, caplog):
    """On a copy of the committed content, every curated case counts as edited: nothing changes."""
    from tests.conftest import copy_content

    content = copy_content(tmp_path / "content")
    before = {p: p.read_bytes() for p in sorted(content.rglob("*")) if p.is_file()}
    with caplog.at_level(logging.INFO):
        assert run(ROOT / "seeds", content) == 0
    after = {p: p.read_bytes() for p in sorted(content.rglob("*")) if p.is_file()}
    assert after == before
    assert caplog.text.count(": kept ") == len(list((ROOT / "seeds").glob("*.txt")))
