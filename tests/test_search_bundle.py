"""The search bundle is written whole: an incomplete Pagefind write is retried, then refused."""

import json
import logging
from pathlib import Path

import pytest

from plugins.search import pagefind_index
from plugins.search.records import SearchRecord

RECORDS = [SearchRecord(url="/cases/a/", content="Renault et Voiture&Co", meta={"title": "A"})]


def fake_index(outcomes):
    """An _index_folder stand-in whose successive calls leave a complete or an empty bundle."""
    calls = []

    async def index_folder(folder, bundle, language):
        complete = outcomes[len(calls)]
        calls.append(complete)
        bundle.mkdir(parents=True, exist_ok=True)
        entry = {"languages": {"fr": {"hash": "fr_1", "wasm": "fr", "page_count": 1}}} if complete else {}
        (bundle / "pagefind-entry.json").write_text(json.dumps(entry) if complete else "", encoding="utf-8")
        if complete:
            (bundle / "pagefind.fr_1.pf_meta").write_bytes(b"meta")
            (bundle / "wasm.fr.pagefind").write_bytes(b"wasm")
        return 1

    return index_folder, calls


def test_an_empty_entry_file_is_written_again(tmp_path, monkeypatch, caplog):
    index_folder, calls = fake_index([False, True])
    monkeypatch.setattr(pagefind_index, "_index_folder", index_folder)
    files = pagefind_index.write_bundle(RECORDS, tmp_path / "pagefind", "fr")
    assert calls == [False, True]
    assert json.loads((tmp_path / "pagefind" / "pagefind-entry.json").read_text())["languages"]
    assert {f.name for f in files} == {"pagefind-entry.json", "pagefind.fr_1.pf_meta", "wasm.fr.pagefind"}
    assert "incomplete bundle" in caplog.text


def test_an_archive_with_no_published_case_gets_an_empty_index(tmp_path, monkeypatch):
    async def index_folder(folder, bundle, language):
        bundle.mkdir(parents=True, exist_ok=True)
        (bundle / "pagefind-entry.json").write_text('{"version": "1.5.2", "languages": {}}', encoding="utf-8")
        return 0

    monkeypatch.setattr(pagefind_index, "_index_folder", index_folder)
    files = pagefind_index.write_bundle([], tmp_path / "pagefind", "fr")
    assert [f.name for f in files] == ["pagefind-entry.json"]


def test_a_bundle_that_stays_incomplete_fails_the_build(tmp_path, monkeypatch):
    index_folder, calls = fake_index([False] * pagefind_index.WRITE_ATTEMPTS)
    monkeypatch.setattr(pagefind_index, "_index_folder", index_folder)
    with pytest.raises(RuntimeError, match="did not write a complete bundle"):
        pagefind_index.write_bundle(RECORDS, tmp_path / "pagefind", "fr")
    assert len(calls) == pagefind_index.WRITE_ATTEMPTS


# --- indexing while the pages are written: in a forked child, else in a thread -----------------

@pytest.fixture(params=["child", "thread"])
def where(request, monkeypatch):
    """Where an IndexJob runs: a forked child (no other thread), or a thread (the preview)."""
    monkeypatch.setattr(pagefind_index, "can_fork", lambda: request.param == "child")
    return request.param


def test_a_background_job_moves_its_bundle_into_the_site_and_leaves_no_scratch(tmp_path, monkeypatch, caplog, where):
    caplog.set_level(logging.INFO)
    index_folder, _ = fake_index([False, True])
    monkeypatch.setattr(pagefind_index, "_index_folder", index_folder)
    site = tmp_path / "site"
    (site / "pagefind").mkdir(parents=True)
    (site / "pagefind" / "stale.pf_fragment").write_bytes(b"old")
    job = pagefind_index.IndexJob(lambda: RECORDS, "fr")
    assert (job._child is not None) == (where == "child")
    scratch = job._scratch
    files = job.finish(site / "pagefind")
    # the retry on an incomplete bundle runs in the job too, and its warning reaches the build
    assert "incomplete bundle" in caplog.text and "attempt 1 of 3" in caplog.text
    assert sorted(f.name for f in files) == ["pagefind-entry.json", "pagefind.fr_1.pf_meta", "wasm.fr.pagefind"]
    assert sorted(f.name for f in (site / "pagefind").iterdir()) == sorted(f.name for f in files)
    assert not scratch.exists() and job not in pagefind_index._running
    assert "indexed 1 cases" in caplog.text


def test_a_background_job_that_fails_raises_its_error_when_finished(tmp_path, monkeypatch, where):
    index_folder, _ = fake_index([False] * pagefind_index.WRITE_ATTEMPTS)
    monkeypatch.setattr(pagefind_index, "_index_folder", index_folder)
    job = pagefind_index.IndexJob(lambda: RECORDS, "fr")
    with pytest.raises(RuntimeError, match="did not write a complete bundle"):
        job.finish(tmp_path / "site" / "pagefind")
    assert not (tmp_path / "site").exists() and not job._scratch.exists()


def test_records_that_fail_to_build_fail_the_index_with_their_error(tmp_path, where):
    def records():
        raise ValueError("search record URL 'x' must be a site path")

    if where == "thread":  # built where the job starts: the error comes at once
        with pytest.raises(ValueError, match="must be a site path"):
            pagefind_index.IndexJob(records, "fr")
        return
    job = pagefind_index.IndexJob(records, "fr")
    with pytest.raises(ValueError, match="must be a site path") as raised:
        job.finish(tmp_path / "site" / "pagefind")
    assert any("in the child process" in note for note in raised.value.__notes__)
    assert not (tmp_path / "site").exists() and not job._scratch.exists()


@pytest.fixture
def temporary(tmp_path, monkeypatch) -> Path:
    """The system's temporary folder, for this test only; the memory folder (``memory``) too."""
    import tempfile

    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    (tmp_path / "shm").mkdir()
    monkeypatch.setattr(pagefind_index, "MEMORY_SCRATCH_ROOT", tmp_path / "shm")
    monkeypatch.setattr(pagefind_index, "MEMORY_SCRATCH_MIN_FREE", 0)
    return folder


def memory(temporary: Path) -> Path:
    """The stand-in for /dev/shm that ``temporary`` set."""
    return temporary.parent / "shm"


def seeing_index(seen: Path):
    """A complete fake index that notes, in ``seen``, the folders it was given and the documents."""
    complete = fake_index([True])[0]

    async def index_folder(folder, bundle, language):
        documents = sorted(str(path.relative_to(folder)) for path in folder.rglob("*.html"))
        seen.write_text(json.dumps({"folder": str(folder), "bundle": str(bundle), "documents": documents}),
                        encoding="utf-8")
        return await complete(folder, bundle, language)

    return index_folder


def test_the_documents_go_to_memory_and_the_bundle_to_disk(tmp_path, monkeypatch, where, temporary):
    """The documents Pagefind reads are written, read once and removed: in memory (tmpfs); the
    bundle, which the site keeps, on disk, and moved into the site."""
    seen = tmp_path / "seen.json"
    monkeypatch.setattr(pagefind_index, "_index_folder", seeing_index(seen))
    job = pagefind_index.IndexJob(lambda: RECORDS, "fr")
    job.finish(tmp_path / "site" / "pagefind")
    noted = json.loads(seen.read_text(encoding="utf-8"))
    assert Path(noted["folder"]).is_relative_to(memory(temporary)) and noted["documents"] == ["cases/a/index.html"]
    assert Path(noted["bundle"]).is_relative_to(temporary)
    assert (tmp_path / "site" / "pagefind" / "pagefind-entry.json").is_file()
    assert list(temporary.iterdir()) == [] and list(memory(temporary).iterdir()) == []


@pytest.mark.parametrize("memory_root", ["missing", "full"])
def test_without_room_in_memory_the_documents_go_to_disk(tmp_path, monkeypatch, temporary, memory_root):
    if memory_root == "missing":
        monkeypatch.setattr(pagefind_index, "MEMORY_SCRATCH_ROOT", tmp_path / "no-such-folder")
    else:
        monkeypatch.setattr(pagefind_index, "MEMORY_SCRATCH_MIN_FREE", 1024 ** 6)  # more than any disk has
    assert pagefind_index.memory_scratch_root() is None
    seen = tmp_path / "seen.json"
    monkeypatch.setattr(pagefind_index, "_index_folder", seeing_index(seen))
    monkeypatch.setattr(pagefind_index, "can_fork", lambda: False)
    job = pagefind_index.IndexJob(lambda: RECORDS, "fr")
    job.finish(tmp_path / "site" / "pagefind")
    noted = json.loads(seen.read_text(encoding="utf-8"))
    assert Path(noted["folder"]).is_relative_to(temporary) and noted["documents"] == ["cases/a/index.html"]
    assert list(temporary.iterdir()) == [] and list(memory(temporary).iterdir()) == []


def test_a_child_that_dies_fails_the_index_with_a_clear_error_and_leaves_no_scratch(tmp_path, monkeypatch,
                                                                                      temporary):
    import os
    import signal

    async def index_folder(folder, bundle, language):
        assert any(folder.parent.iterdir())  # the documents to index are written
        os.kill(os.getpid(), signal.SIGKILL)  # out of memory, or killed by hand

    monkeypatch.setattr(pagefind_index, "can_fork", lambda: True)
    monkeypatch.setattr(pagefind_index, "_index_folder", index_folder)
    job = pagefind_index.IndexJob(lambda: RECORDS, "fr")
    with pytest.raises(RuntimeError, match="indexing the search records was killed by signal 9"):
        job.finish(tmp_path / "site" / "pagefind")
    assert not job._scratch.exists() and job not in pagefind_index._running
    assert list(temporary.iterdir()) == [] and list(memory(temporary).iterdir()) == []


@pytest.mark.parametrize("memory_room", ["room", "short of room"])
def test_the_scratch_of_a_killed_build_is_removed_by_the_next_job(temporary, monkeypatch, memory_room):
    """In both places, also when the memory folder is too full for a new job's documents."""
    import subprocess
    import sys

    if memory_room == "short of room":
        monkeypatch.setattr(pagefind_index, "MEMORY_SCRATCH_MIN_FREE", 1024 ** 6)

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    left = temporary / f"{pagefind_index.SCRATCH_PREFIX}{dead.stdout.strip()}-abc"
    (left / "casebook-search-xyz" / "pages").mkdir(parents=True)
    running = temporary / f"{pagefind_index.SCRATCH_PREFIX}1-abc"  # pid 1 always runs
    running.mkdir()
    other = temporary / "someone-elses"
    other.mkdir()
    left_in_memory = memory(temporary) / f"{pagefind_index.SCRATCH_PREFIX}{dead.stdout.strip()}-def"
    (left_in_memory / "casebook-search-xyz" / "pages").mkdir(parents=True)
    running_in_memory = memory(temporary) / f"{pagefind_index.SCRATCH_PREFIX}1-def"
    running_in_memory.mkdir()
    monkeypatch.setattr(pagefind_index, "_index_folder", fake_index([True])[0])
    monkeypatch.setattr(pagefind_index, "can_fork", lambda: False)
    job = pagefind_index.IndexJob(lambda: RECORDS, "fr")
    job.discard()
    assert sorted(p.name for p in temporary.iterdir()) == sorted([running.name, other.name])
    assert [p.name for p in memory(temporary).iterdir()] == [running_in_memory.name]


def test_a_background_job_never_finished_is_discarded_at_exit(tmp_path, monkeypatch, where, temporary):
    import os

    slow = fake_index([True])[0]

    async def index_folder(folder, bundle, language):
        import asyncio
        await asyncio.sleep(0.5 if where == "thread" else 60)
        return await slow(folder, bundle, language)

    monkeypatch.setattr(pagefind_index, "_index_folder", index_folder)
    job = pagefind_index.IndexJob(lambda: RECORDS, "fr")  # the build stopped before the search page
    pid = job._child.pid if job._child else None
    assert job in pagefind_index._running
    pagefind_index._discard_unfinished_jobs()
    assert not job._scratch.exists() and job not in pagefind_index._running
    assert list(temporary.iterdir()) == [] and list(memory(temporary).iterdir()) == []
    if pid is not None:  # the child is killed and reaped, not waited for
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_without_an_index_nothing_starts_before_the_search_page(monkeypatch):
    """The preview's fast pass turns the index off and skips the search page: it must not pay for
    the records of every case on all_generators_finalized."""
    from plugins import search
    from plugins.search.generator import SearchGenerator
    from plugins.search.settings import search_settings

    started = []
    monkeypatch.setattr(pagefind_index, "can_fork", lambda: False)  # records built here: countable
    monkeypatch.setattr(SearchGenerator, "build_records", lambda self: started.append(self) or [])
    generator = SearchGenerator.__new__(SearchGenerator)
    generator.search = search_settings({"CASEBOOK_SEARCH_INDEX": False})
    search.start_index([object(), generator])
    assert started == [] and generator.index_job is None
    generator.search = search_settings({})
    monkeypatch.setattr(pagefind_index, "_index_folder", fake_index([True])[0])
    search.start_index([generator])
    assert started == [generator] and generator.index_job is not None
    generator.index_job.discard()


def test_a_signal_while_waiting_for_the_index_stops_at_once(tmp_path, monkeypatch, where, temporary):
    index_folder, _ = fake_index([True])
    monkeypatch.setattr(pagefind_index, "_index_folder", index_folder)
    job = pagefind_index.IndexJob(lambda: RECORDS, "fr")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    if where == "child":
        monkeypatch.setattr(job._child, "_receive", interrupted)
    else:
        monkeypatch.setattr(job._result, "result", interrupted)
    with pytest.raises(KeyboardInterrupt):
        job.finish(tmp_path / "site" / "pagefind")
    assert not (tmp_path / "site").exists()
    if where == "child":  # a child is killed at once
        assert not job._scratch.exists() and job not in pagefind_index._running
    else:  # a thread cannot be stopped: it is discarded at exit
        assert job in pagefind_index._running
    pagefind_index._discard_unfinished_jobs()
    assert not job._scratch.exists() and job not in pagefind_index._running
    assert list(temporary.iterdir()) == [] and list(memory(temporary).iterdir()) == []
