"""casebook/fresh.py: pure work in fresh interpreters, results in order, errors raised here,
every process reaped."""

from __future__ import annotations

import os
import signal
import time

import pytest

from casebook import fresh


def pids_and_items(chunk):
    return [(os.getpid(), item) for item in chunk]


def fail_on_d(chunk):
    if "d" in chunk:
        raise ValueError("no d")
    return list(chunk)


def killed(chunk):
    os.kill(os.getpid(), signal.SIGKILL)


def sleeping(chunk):
    time.sleep(60)


def test_the_chunks_are_dealt_to_new_processes_in_turn_and_the_results_come_in_order(fresh_processes):
    results = fresh.in_fresh_processes(pids_and_items, list(range(40)), "test", processes=2)
    assert len(results) == 2 * fresh.CHUNKS_PER_PROCESS
    assert [item for result in results for _, item in result] == list(range(40))
    pids = [{pid for pid, _ in result} for result in results]
    assert pids[0::2] == [{fresh_processes[0].pid}] * fresh.CHUNKS_PER_PROCESS
    assert pids[1::2] == [{fresh_processes[1].pid}] * fresh.CHUNKS_PER_PROCESS
    assert os.getpid() not in {fresh_processes[0].pid, fresh_processes[1].pid}
    assert [process.returncode for process in fresh_processes] == [0, 0]


def test_fewer_items_than_processes_start_fewer_processes(fresh_processes):
    assert fresh.in_fresh_processes(list, "a", "test", processes=2) == [["a"]]
    assert len(fresh_processes) == 1


def test_an_exception_in_a_process_is_raised_here_with_its_traceback(fresh_processes):
    with pytest.raises(ValueError, match="no d") as raised:
        fresh.in_fresh_processes(fail_on_d, "abcd", "test", processes=2)
    assert any("fresh process test" in note and "fail_on_d" in note for note in raised.value.__notes__)
    assert all(process.returncode is not None for process in fresh_processes)


def test_a_process_that_dies_fails_the_work_with_a_clear_error(fresh_processes):
    with pytest.raises(fresh.FreshError, match="the process test was killed by signal 9"):
        fresh.in_fresh_processes(killed, "ab", "test", processes=2)
    assert all(process.returncode is not None for process in fresh_processes)


def test_an_interrupt_here_kills_and_reaps_the_processes(fresh_processes):
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 1.0)
    begun = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            fresh.in_fresh_processes(sleeping, "ab", "test", processes=2)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - begun < 30
    assert len(fresh_processes) == 2 and [process.returncode for process in fresh_processes] == [-signal.SIGKILL] * 2
