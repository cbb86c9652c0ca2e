"""Writing the taxonomy pages with two processes: Pelican writes on one core, the machine has two.

``write_all(jobs, write, writer, processes)`` calls ``write(job)`` for every job. With two
processes, a forked child writes every other page while this process writes the rest, then
this process waits for the child. Each page is rendered from the same context either way, so
the output is the same bytes.

The child is held on a short leash:
- its log records are sent to this process, which handles them as its own (the build's
  warning and error collectors see them);
- a child that fails, is killed or is interrupted fails the build with its traceback;
- if this process stops first (an error, SIGINT, SIGTERM), it kills the child and reaps it
  before the exception goes on, so no page is written after the build has given up;
- the files the child wrote are added to the writer's record of written files.

It falls back to writing everything here when fork is unavailable, when other threads run
(fork copies only the calling thread: the preview server builds in threads), or when the
writer is not Pelican's plain ``Writer`` (the preview's SelectiveWriter records the pages it
renders: that record must stay in this process).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import traceback
from collections.abc import Callable, Sequence
from logging.handlers import QueueHandler
from multiprocessing import Pipe
from typing import Any

from pelican.writers import Writer

log = logging.getLogger(__name__)


class TaxonomyWriterError(RuntimeError):
    """The child process writing part of the taxonomy pages failed."""


def why_not_parallel(writer: Any, processes: int) -> str | None:
    """Why the pages are written in this process only, or None when a child can help."""
    if processes < 2:
        return "one process asked for"
    if not hasattr(os, "fork"):
        return "no fork on this platform"
    if threading.active_count() > 1:
        return "other threads are running"
    if type(writer) is not Writer:
        return f"the writer is {type(writer).__name__}, not Pelican's Writer"
    return None


def write_all(jobs: Sequence, write: Callable[[Any], Any], writer: Any, processes: int = 2) -> None:
    reason = why_not_parallel(writer, processes) if len(jobs) > 1 else "one page"
    if reason:
        log.debug("Taxonomy pages written in one process: %s", reason)
        for job in jobs:
            write(job)
        return
    ours, theirs = list(jobs[0::2]), list(jobs[1::2])
    receiver, sender = Pipe(duplex=False)
    written_before = set(getattr(writer, "_written_files", ()))
    pid = os.fork()
    if pid == 0:  # the child: never returns
        receiver.close()
        os._exit(_child(sender, theirs, write, writer, written_before))
    sender.close()
    reaped = False
    try:
        for job in ours:
            write(job)
        outcome = _receive(receiver)
        reaped, status = True, os.waitpid(pid, 0)[1]
    finally:
        receiver.close()
        if not reaped:  # this process stopped first: the child stops too
            _stop(pid)
    _check(outcome, status, writer)


def _child(sender, jobs: list, write: Callable, writer: Any, written_before: set) -> int:
    code = 1
    try:
        _forward_logging(sender)
        for job in jobs:
            write(job)
        written = sorted(set(getattr(writer, "_written_files", ())) - written_before)
        sender.send(("done", written))
        code = 0
    except BaseException:  # noqa: BLE001 (everything, KeyboardInterrupt included, goes to the parent)
        try:
            sender.send(("error", traceback.format_exc()))
        except BaseException:  # noqa: BLE001, S110 (the parent sees the exit code)
            pass
    finally:
        try:
            sender.close()
        except BaseException:  # noqa: BLE001, S110
            pass
    return code


class _Sender:
    """A queue for QueueHandler: each record goes down the pipe."""

    def __init__(self, sender):
        self.sender = sender

    def put_nowait(self, record: logging.LogRecord) -> None:
        self.sender.send(("log", record))


def _forward_logging(sender) -> None:
    """In the child: every record goes to the parent (formatted, picklable), and only there."""
    for logger in logging.Logger.manager.loggerDict.values():
        if isinstance(logger, logging.Logger):
            logger.handlers = []
    logging.getLogger().handlers = [QueueHandler(_Sender(sender))]


def _receive(receiver) -> tuple:
    """Handle the child's log records until it reports; ("lost",) if it ends without a word."""
    while True:
        try:
            message = receiver.recv()
        except EOFError:
            return ("lost",)
        if message[0] == "log":
            record = message[1]
            logging.getLogger(record.name).handle(record)
        else:
            return message


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _check(outcome: tuple, status: int, writer: Any) -> None:
    if outcome[0] == "done" and os.waitstatus_to_exitcode(status) == 0:
        record = getattr(writer, "_written_files", None)
        if isinstance(record, set):
            record.update(outcome[1])
        return
    if outcome[0] == "error":
        raise TaxonomyWriterError(f"the process writing half of the taxonomy pages failed:\n{outcome[1]}")
    code = os.waitstatus_to_exitcode(status)
    how = f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"
    raise TaxonomyWriterError(f"the process writing half of the taxonomy pages {how} before it finished")
