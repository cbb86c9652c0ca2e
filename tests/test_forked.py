"""casebook/forked.py's in_shares: shares of pure work in forked children, results in order,
every child reaped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from casebook import forked
from casebook.site import sigterm_as_interrupt
from tests.conftest import ROOT, reaped


def pids_and_items(share):
    return [(os.getpid(), item) for item in share]


def test_the_chunks_are_dealt_to_a_child_in_turn_and_the_results_come_in_order(forks):
    results = forked.in_shares(pids_and_items, list(range(40)), "test")
    assert len(results) == 2 * forked.CHUNKS_PER_PROCESS
    assert [item for result in results for _, item in result] == list(range(40))
    assert {pid for result in results[0::2] for pid, _ in result} == {os.getpid()}
    assert {pid for result in results[1::2] for pid, _ in result} == set(forks)
    assert len(forks) == 1 and reaped(forks[0])


def test_an_exception_in_the_childs_share_is_raised_here(forks):
    def work(share):
        if "d" in share:
            raise ValueError("no d")
        return list(share)

    with pytest.raises(ValueError, match="no d"):
        forked.in_shares(work, "abcd", "test")
    assert len(forks) == 1 and reaped(forks[0])


def test_a_child_that_ends_without_its_result_fails_the_work(forks):
    parent = os.getpid()

    def work(share):
        if os.getpid() != parent:
            os._exit(3)
        return list(share)

    with pytest.raises(forked.ForkedError, match="exited with status 3"):
        forked.in_shares(work, "abcd", "test")
    assert len(forks) == 1 and reaped(forks[0])


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_to_the_parent_stops_the_child_and_reaps_it(forks, signum):
    """The build turns SIGTERM into KeyboardInterrupt (casebook/site.py); a child still at work
    is killed and waited for before the interrupt goes on."""
    parent = os.getpid()

    def work(share):
        if os.getpid() == parent:
            os.kill(parent, signum)
        time.sleep(60)  # the signal interrupts the parent's; the child's is killed

    started = time.monotonic()
    with sigterm_as_interrupt(), pytest.raises(KeyboardInterrupt):
        forked.in_shares(work, "abcd", "test")
    assert time.monotonic() - started < 30
    assert len(forks) == 1 and reaped(forks[0])


def test_nothing_is_forked_while_another_thread_runs(forks):
    assert forked.processes() == 2
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert forked.processes() == 1
        assert forked.in_shares(pids_and_items, "abc", "test") == [[(os.getpid(), item) for item in "abc"]]
    finally:
        stop.set()
        thread.join()
    assert forks == []


def test_without_fork_the_work_is_one_share_here(forks):
    assert forked.in_shares(list, "abc", "test", fork=False) == [["a", "b", "c"]]
    assert forks == []


def test_a_child_dies_with_its_parent(tmp_path):
    """A parent killed outright (SIGKILL: no finally runs) takes its child along (Linux)."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import os, time\n"
        "from casebook import forked\n"
        "os.cpu_count = lambda: 2\n"
        "parent = os.getpid()\n"
        "def work(share):\n"
        "    if os.getpid() != parent:\n"
        "        print(os.getpid(), flush=True)\n"
        "    time.sleep(60)\n"
        "forked.in_shares(work, 'ab', 'test')\n", encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    child = int(process.stdout.readline())
    process.kill()
    process.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and alive(child):
        time.sleep(0.05)
    assert not alive(child)


def alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting for whoever adopted it)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
