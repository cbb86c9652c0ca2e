"""The taxonomy pages written by two processes (plugins/taxonomies/parallel.py): every page
once, the child's log records and files reported to the parent, a failing child fails the
build, and a parent that stops first never leaves its child running."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pytest
from pelican.writers import Writer

from plugins.taxonomies import parallel
from plugins.taxonomies.parallel import TaxonomyWriterError, write_all

WAIT = 60  # seconds a job waits for a file before giving up (never reached when all is well)


@pytest.fixture(autouse=True)
def one_thread(monkeypatch):
    """Test runners keep helper threads; the plugin forks only without them. Here the child
    runs plain Python and leaves with os._exit, so forking next to those threads is safe."""
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)


def writer_in(folder: Path) -> Writer:
    return Writer(str(folder), settings={})


def page_writer(folder: Path, writer: Writer, *, fail_on=None, before=None):
    """write(job): the job's page holds the pid that wrote it, as Pelican's writer records it."""

    def write(job: str) -> None:
        if before:
            before(job)
        if job == fail_on:
            raise ValueError(f"template error on {job}")
        logging.getLogger("pelican.tests").warning("writing %s", job)
        path = folder / job
        path.write_text(str(os.getpid()), encoding="utf-8")
        writer._written_files.add(str(path))

    return write


def wait_for(path: Path) -> None:
    deadline = time.monotonic() + WAIT
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_every_page_is_written_once_half_of_them_by_a_child(tmp_path, caplog):
    writer = writer_in(tmp_path)
    jobs = [f"page-{n}.html" for n in range(9)]
    with caplog.at_level(logging.WARNING):
        write_all(jobs, page_writer(tmp_path, writer), writer, processes=2)
    writers = {job: int((tmp_path / job).read_text(encoding="utf-8")) for job in jobs}
    assert {job for job, pid in writers.items() if pid == os.getpid()} == set(jobs[0::2])
    assert len({pid for job, pid in writers.items() if job in jobs[1::2]} - {os.getpid()}) == 1
    assert writer._written_files == {str(tmp_path / job) for job in jobs}  # the child's files too
    assert sorted(r.getMessage() for r in caplog.records if r.name == "pelican.tests") == sorted(
        f"writing {job}" for job in jobs)  # the child's warnings reach the parent's handlers


@pytest.mark.parametrize("reason, settings", [
    ("one process asked for", {"processes": 1}),
    ("not Pelican's Writer", {"writer": type("SelectiveWriter", (Writer,), {})}),
])
def test_one_process_when_asked_or_when_the_writer_records_pages(tmp_path, reason, settings):
    writer = settings.get("writer", Writer)(str(tmp_path), settings={})
    assert reason in parallel.why_not_parallel(writer, settings.get("processes", 2))
    jobs = [f"page-{n}.html" for n in range(4)]
    write_all(jobs, page_writer(tmp_path, writer), writer, processes=settings.get("processes", 2))
    assert {(tmp_path / job).read_text(encoding="utf-8") for job in jobs} == {str(os.getpid())}


def test_other_threads_mean_one_process(monkeypatch, tmp_path):
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 2)
    assert parallel.why_not_parallel(writer_in(tmp_path), 2) == "other threads are running"


def test_a_failing_child_fails_the_build_with_its_traceback(tmp_path):
    writer = writer_in(tmp_path)
    jobs = [f"page-{n}.html" for n in range(6)]
    with pytest.raises(TaxonomyWriterError, match="half of the taxonomy pages failed") as error:
        write_all(jobs, page_writer(tmp_path, writer, fail_on="page-3.html"), writer, processes=2)
    assert "ValueError: template error on page-3.html" in str(error.value)
    assert all((tmp_path / job).exists() for job in jobs[0::2])  # the parent finished its own half


def test_a_child_killed_by_a_signal_fails_the_build(tmp_path):
    writer = writer_in(tmp_path)

    def before(job):
        if job == "page-1.html":
            os.kill(os.getpid(), 9)

    with pytest.raises(TaxonomyWriterError, match="killed by signal 9"):
        write_all(["page-0.html", "page-1.html"], page_writer(tmp_path, writer, before=before), writer, processes=2)


@pytest.mark.parametrize("stop", [RuntimeError, KeyboardInterrupt])
def test_a_parent_that_stops_first_kills_and_reaps_its_child(tmp_path, stop):
    writer = writer_in(tmp_path)
    started, never = tmp_path / "child-started", tmp_path / "never"

    def before(job):
        if job == "page-0.html":  # the parent's first page: it stops once the child runs
            wait_for(started)
            raise stop("stopped")
        if job == "page-1.html":  # the child's first page: it would wait for a file that never comes
            started.write_text(str(os.getpid()), encoding="utf-8")
            wait_for(never)
            (tmp_path / "child-finished").write_text("", encoding="utf-8")

    with pytest.raises(stop):
        write_all(["page-0.html", "page-1.html"], page_writer(tmp_path, writer, before=before), writer, processes=2)
    child = int(started.read_text(encoding="utf-8"))
    with pytest.raises(ProcessLookupError):  # killed and reaped: no such process, not even a zombie
        os.kill(child, 0)
    assert not (tmp_path / "child-finished").exists()
