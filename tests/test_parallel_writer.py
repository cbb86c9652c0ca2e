"""Pages written by two processes (plugins/parallel_writer): the same bytes as one process, the
child's log records and files reported to the parent, a failing child fails the build, and a
parent that stops first never leaves its child running nor a file written after it."""

from __future__ import annotations

import functools
import logging
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from blinker import Signal
from jinja2 import Environment
from pelican.settings import read_settings
from pelican.writers import Writer

import plugins.parallel_writer as plugin
from casebook.forked import ForkedError
from casebook.settings import SettingsError
from casebook.site import PUBLISH_SETTINGS, BuildError, build
from plugins.parallel_writer.config import write_processes
from plugins.parallel_writer.writer import HoldingWriter
from tests.conftest import ROOT
from tests.hardening.test_hardening_interrupt import leftovers, snapshot

WAIT = 60  # seconds a page waits for a file before giving up (never reached when all is well)


@pytest.fixture
def one_thread(monkeypatch):
    """Test runners keep helper threads (execnet's, Playwright's); the writer forks only without
    them. Here the child renders tiny templates and leaves with os._exit, so forking next to
    those threads is safe; whole builds run in a fresh process instead (``BUILD``)."""
    monkeypatch.setattr(threading, "active_count", lambda: 1)


def wait_for(path: Path) -> None:
    deadline = time.monotonic() + WAIT
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.01)


def holding_writer(folder: Path) -> HoldingWriter:
    return HoldingWriter(str(folder), settings={})


def hold_pages(writer: Writer, count: int, before=None) -> list[str]:
    """``count`` pages, each holding the pid of the process that rendered it; ``before(name)``
    runs as each page is rendered."""
    env = Environment(autoescape=True)
    env.globals.update(pid=os.getpid, before=before or (lambda name: ""))
    env.globals["warn"] = lambda name: logging.getLogger("pelican.tests").warning("rendering %s", name) or ""
    template = env.from_string("{{ before(output_file) }}{{ warn(output_file) }}{{ pid() }}")
    names = [f"page-{n}.html" for n in range(count)]
    for name in names:
        writer.write_file(name, template, {"localsiteurl": ""})
    return names


def writers_of(folder: Path, names: list[str]) -> dict[str, int]:
    return {name: int((folder / name).read_text(encoding="utf-8")) for name in names}


def test_pages_are_held_then_written_half_of_them_by_a_child(tmp_path, caplog, one_thread):
    writer = holding_writer(tmp_path)
    names = hold_pages(writer, 9)
    assert not any(tmp_path.iterdir())  # held: nothing rendered yet
    with caplog.at_level(logging.WARNING):
        writer.write_held()
    pids = writers_of(tmp_path, names)
    ours = [name for name in names if pids[name] == os.getpid()]
    assert ours == names[1::2] + names[-1:]  # every other page, and the last one
    assert len({pid for name, pid in pids.items() if name not in ours}) == 1
    assert writer._written_files == {str(tmp_path / name) for name in names}  # the child's files too
    assert sorted(r.getMessage() for r in caplog.records if r.name == "pelican.tests") == sorted(
        f"rendering {name}" for name in names)  # the child's warnings reach the parent's handlers
    writer.write_file("after.html", Environment().from_string("{{ 1 + 1 }}"), {"localsiteurl": ""})
    assert (tmp_path / "after.html").read_text(encoding="utf-8") == "2"  # after write_held: at once


def test_a_paginated_list_counts_its_pages(tmp_path, one_thread):
    settings = read_settings(override={"PATH": str(tmp_path), "PAGINATED_TEMPLATES": {"index": None},
                                       "DEFAULT_PAGINATION": 1})
    writer = HoldingWriter(str(tmp_path), settings=settings)
    template = Environment().from_string("{{ pid() }}", globals={"pid": os.getpid})
    writer.write_file("index.html", template, {"localsiteurl": ""}, template_name="index", url="",
                      articles=list(range(6)))  # six pages: index.html, index2.html, ...
    names = hold_pages(writer, 6)
    writer.write_held()
    pages = ["index.html"] + [f"index{number}.html" for number in range(2, 7)]
    assert set(writers_of(tmp_path, names).values()) == {os.getpid()}
    assert len(set(writers_of(tmp_path, pages).values()) - {os.getpid()}) == 1  # six pages each


def test_one_process_when_other_threads_run(tmp_path, caplog):
    writer = holding_writer(tmp_path)
    names = hold_pages(writer, 4)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)  # e.g. the search plugin's indexing thread
    other.start()
    try:
        with caplog.at_level(logging.DEBUG, logger="plugins.parallel_writer"):
            writer.write_held()
    finally:
        stop.set()
        other.join()
    assert set(writers_of(tmp_path, names).values()) == {os.getpid()}
    assert any("other threads run" in record.getMessage() for record in caplog.records)


def test_a_failing_child_fails_with_its_traceback(tmp_path, one_thread):
    writer = holding_writer(tmp_path)

    def before(name):
        if name == "page-2.html":  # in the child's half
            raise ValueError(f"template error on {name}")
        return ""

    names = hold_pages(writer, 6, before)
    with pytest.raises(ValueError, match="template error on page-2.html") as error:
        writer.write_held()
    assert "in the child process (writing half of the pages)" in "".join(error.value.__notes__)
    assert "Traceback" in "".join(error.value.__notes__)
    assert all((tmp_path / name).exists() for name in names[1::2])  # the parent finished its own half


def test_a_child_killed_by_a_signal_fails(tmp_path, one_thread):
    writer = holding_writer(tmp_path)

    def before(name):
        if name == "page-0.html":
            os.kill(os.getpid(), signal.SIGKILL)
        return ""

    hold_pages(writer, 2, before)
    with pytest.raises(ForkedError, match="killed by signal 9"):
        writer.write_held()


@pytest.mark.parametrize("stop", [RuntimeError, KeyboardInterrupt])
def test_a_parent_that_stops_first_kills_and_reaps_its_child(tmp_path, stop, one_thread):
    writer = holding_writer(tmp_path)
    started, never = tmp_path / "child-started", tmp_path / "never"

    def before(name):
        if name == "page-1.html":  # the parent's page: it stops once the child runs
            wait_for(started)
            raise stop("stopped")
        if name == "page-0.html":  # the child's page: it waits for a file that never comes
            partial = tmp_path / "child-starting"
            partial.write_text(str(os.getpid()), encoding="utf-8")
            partial.rename(started)  # whole: the parent reads the pid as soon as the file exists
            wait_for(never)
            (tmp_path / "child-finished").write_text("", encoding="utf-8")
        return ""

    hold_pages(writer, 2, before)
    with pytest.raises(stop):
        writer.write_held()
    child = int(started.read_text(encoding="utf-8"))
    with pytest.raises(ProcessLookupError):  # killed and reaped: no such process, not even a zombie
        os.kill(child, 0)
    assert not (tmp_path / "child-finished").exists()


def test_a_page_written_by_both_processes_fails_as_in_one_process(tmp_path, one_thread):
    writer = holding_writer(tmp_path)
    template = Environment().from_string("{{ output_file }}")
    for name in ("a.html", "b.html", "twice.html", "twice.html"):  # one in each half
        writer.write_file(name, template, {"localsiteurl": ""})
    with pytest.raises(RuntimeError, match="twice.html.*both processes"):
        writer.write_held()


def test_the_setting_takes_one_or_two_by_default():
    assert write_processes({}) == 2
    assert [write_processes({"CASEBOOK_WRITE_PROCESSES": value}) for value in (1, 2)] == [1, 2]


@pytest.mark.parametrize("value", [0, 3, True, "2", 2.0])
def test_a_bad_setting_fails_fast(value):
    with pytest.raises(SettingsError, match=r"CASEBOOK_WRITE_PROCESSES: .* must be one of 1, 2"):
        write_processes({"CASEBOOK_WRITE_PROCESSES": value})


def test_a_build_refuses_a_bad_setting(tmp_path):
    with pytest.raises(BuildError) as error:
        build(ROOT / "content", tmp_path / "output", PUBLISH_SETTINGS, {"CASEBOOK_WRITE_PROCESSES": 3})
    assert error.value.problems == ["CASEBOOK_WRITE_PROCESSES: 3 must be one of 1, 2"]
    assert not (tmp_path / "output").exists()


class FakePelican:
    def __init__(self, processes: int = 2):
        self.settings = {"CASEBOOK_WRITE_PROCESSES": processes}


class WrappingSignal(Signal):
    """Hands out its receivers wrapped, as the bench's timing does (casebook/bench/timing.py)."""

    def receivers_for(self, sender):
        for receiver in super().receivers_for(sender):
            yield functools.wraps(receiver)(lambda *args, _receiver=receiver, **kwargs: _receiver(*args, **kwargs))


@pytest.mark.parametrize("signal_class", [Signal, WrappingSignal])
def test_another_plugins_writer_is_the_one_pelican_uses(monkeypatch, signal_class):
    """Pelican uses the first writer offered and warns: the holding writer is offered only
    when no other plugin offers one (the preview's fast pass offers its SelectiveWriter), and
    when two processes are asked for."""
    monkeypatch.setattr(plugin.signals, "get_writer", signal_class())
    plugin.signals.get_writer.connect(plugin.holding_writer)
    assert plugin.holding_writer(FakePelican()) is HoldingWriter
    assert plugin.holding_writer(FakePelican(processes=1)) is None  # Pelican's own writer

    def other_writer(pelican):
        return Writer

    plugin.signals.get_writer.connect(other_writer)
    assert plugin.holding_writer(FakePelican()) is None
    assert [writer for _, writer in plugin.signals.get_writer.send(FakePelican()) if writer] == [Writer]


# A build in its own process (no test runner's threads: the writer forks as in `invoke build`),
# without the search index (same bytes every time). Its term_slug filter, used on every case
# and term page, is Casebook's own, except in the child process writing half of the pages:
# "fail" raises there, "slow" sleeps 50 ms a link (so that a test can interrupt the parent
# while the child writes).
BUILD = textwrap.dedent("""
    import logging, os, sys, time
    from casebook.schema import slugify
    from casebook.site import PUBLISH_SETTINGS, BuildInterrupted, build

    content, output, processes, child = sys.argv[1:]
    PARENT = os.getpid()

    def term_slug(value):
        if os.getpid() != PARENT and child == "fail":
            raise ValueError(f"no slug for {value!r} in the child")
        if os.getpid() != PARENT and child == "slow":
            time.sleep(0.05)
        return slugify(value)

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("parallel_writer").setLevel(logging.DEBUG)
    try:
        build(content, output, PUBLISH_SETTINGS, {"CASEBOOK_SEARCH_INDEX": False, "CASEBOOK_WRITE_PROCESSES":
                                                  int(processes), "JINJA_FILTERS": {"term_slug": term_slug}})
    except BuildInterrupted:
        sys.exit(130)
""")


def start_build(output: Path, processes: int = 2, child: str = "plain") -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", BUILD, str(ROOT / "content"), str(output), str(processes), child],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_build(output: Path, processes: int = 2, child: str = "plain") -> subprocess.CompletedProcess:
    process = start_build(output, processes, child)
    stdout, stderr = process.communicate(timeout=600)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.fixture(scope="module")
def sequential_site(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("sequential") / "output"
    result = run_build(output, processes=1)
    assert result.returncode == 0, result.stderr
    return output


@pytest.mark.slow
def test_two_processes_write_the_same_bytes_as_one(sequential_site, tmp_path):
    result = run_build(tmp_path / "output")
    assert result.returncode == 0, result.stderr
    assert "made by two processes" in result.stderr
    assert snapshot(tmp_path / "output") == snapshot(sequential_site)


@pytest.mark.slow
def test_a_template_error_in_the_childs_half_publishes_nothing(sequential_site, tmp_path):
    output = tmp_path / "output"
    shutil.copytree(sequential_site, output)
    before = snapshot(output)
    result = run_build(output, child="fail")
    assert result.returncode == 1
    assert "ValueError: no slug for" in result.stderr
    assert "in the child process (writing half of the pages)" in result.stderr  # with its traceback
    assert snapshot(output) == before
    assert leftovers(output) == []


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


@pytest.mark.slow
@pytest.mark.skipif(not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(),
                    reason="needs Linux's /proc/<pid>/task/<pid>/children")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_build_interrupted_while_its_child_writes_changes_nothing(sequential_site, tmp_path, signum):
    output = tmp_path / "output"
    shutil.copytree(sequential_site, output)
    before = snapshot(output)
    process = start_build(output, child="slow")
    deadline = time.monotonic() + 120
    while not (children(process.pid) and any(output.parent.glob(f".{output.name}.build-*/cases/*/index.html"))):
        assert process.poll() is None and time.monotonic() < deadline, "the child never wrote"
        time.sleep(0.002)
    child = children(process.pid)[0]
    process.send_signal(signum)  # to the parent only
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    with pytest.raises(ProcessLookupError):  # killed and reaped by the parent
        os.kill(child, 0)
    assert snapshot(output) == before
    time.sleep(0.5)  # a child still writing would recreate the staging folder by now
    assert leftovers(output) == []
