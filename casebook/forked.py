"""Work handed to a forked child process, so that the build uses the machine's second core.

``Forked(work)`` forks at once; the child runs ``work()`` while this process goes on, and
``result()`` waits for it and returns what ``work`` returned (or raises what it raised). The
child is held on a short leash:
- its log records are sent to this process, which handles them as its own (the build's
  warning and error collectors in ``casebook.site`` see them);
- an exception in the child is raised again here, with the child's traceback as a note; a
  child that dies without a word (killed, out of memory) raises ``ForkedError``;
- ``cancel()`` kills the child and reaps it (an error or a signal stopped this process first:
  nothing may be written after the build has given up), and the child dies with this process
  if this process is killed outright (Linux ``PR_SET_PDEATHSIG``).

Fork copies only the calling thread: ``can_fork()`` is False while other threads run (the
preview server builds in threads; a lock another thread holds would never be released in the
child), and callers then do the work in a thread or in this process instead.

``in_shares(work, items, name)`` deals pure work (the build's content and link checks) to
this process and a child, and puts the results back in order, as if done in one process.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import itertools
import logging
import os
import signal
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from logging.handlers import QueueHandler
from multiprocessing import Pipe
from typing import Any, TypeVar

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1

Item = TypeVar("Item")
Result = TypeVar("Result")


class ForkedError(RuntimeError):
    """The child process ended without handing back its result."""


def can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


def alive(pid: int) -> bool:
    """Whether a process ``pid`` exists (a process of another user counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def gone(pid: int) -> bool:
    """Whether the process ``pid``, named in a folder it left, has ended (not this process):
    the folder is stale."""
    return pid != os.getpid() and not alive(pid)


SIGNALS = {signal.SIGINT, signal.SIGTERM}


@contextmanager
def signals_blocked() -> Iterator[None]:
    """SIGINT and SIGTERM wait in the kernel until the block ends, then act as usual. A child
    forked in the block starts with them blocked too."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class Forked:
    """``work()`` running in a forked child process; ``name`` says what it does, in messages."""

    def __init__(self, work: Callable[[], Any], name: str):
        self.name = name
        receiver, sender = Pipe(duplex=False)
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            receiver.close()
            os._exit(_child(work, sender, parent))
        sender.close()
        self.pid: int | None = pid
        self._receiver = receiver

    def result(self) -> Any:
        """Wait for the child: what ``work`` returned, or its exception raised here."""
        try:
            outcome = self._receive()
            status = os.waitpid(self.pid, 0)[1]
            self.pid = None
        finally:
            self.cancel()
        if outcome[0] == "done":
            return outcome[1]
        if outcome[0] == "error":
            error, text = outcome[1], outcome[2]
            error.add_note(f"in the child process ({self.name}):\n{text}")
            raise error
        code = os.waitstatus_to_exitcode(status)
        how = f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"
        raise ForkedError(f"the process {self.name} {how} before it finished")

    def cancel(self) -> None:
        """Kill the child if it still runs, and reap it. Signals wait meanwhile: one that came
        between forgetting the pid and reaping it would leave a zombie."""
        with signals_blocked():
            self._receiver.close()
            if self.pid is None:
                return
            pid, self.pid = self.pid, None
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass

    def _receive(self) -> tuple:
        """Handle the child's log records until it reports; ("lost",) if it ends without a word."""
        while True:
            try:
                message = self._receiver.recv()
            except EOFError:
                return ("lost",)
            if message[0] == "log":
                record = message[1]
                logging.getLogger(record.name).handle(record)
            else:
                return message


def processes() -> int:
    """How many processes may share pure work (``in_shares``): two where forking is safe (the
    machine Casebook is tuned on has two cores), else one."""
    return min(2, os.cpu_count() or 1) if can_fork() else 1


# Chunks per process in ``in_shares``: each process gets some of every part of the items, so
# that the processes end together when the cost varies along them. A built site's sorted pages
# are case pages, long with few links, then taxonomy pages full of links: at 10,000 cases,
# halves would cost 45% and 55% of the link check (bytes and links counted), eight chunks
# each 49% and 51%.
CHUNKS_PER_PROCESS = 8


def in_shares(work: Callable[[Sequence[Item]], Result], items: Sequence[Item], name: str,
              fork: bool = True) -> list[Result]:
    """``work`` over ``items`` cut in consecutive chunks: the results per chunk, in the order of
    the items, as if ``work`` had done the chunks one after the other here. Where forking is
    safe and ``fork`` is True, the chunks are dealt in turn to this process and to ``Forked``
    children (``processes()`` in all), which hold what this process held (a site's file
    listing, the registry) shared, not copied. ``work`` must change nothing but its result;
    ``name`` says what it does, in messages."""
    count = processes() if fork else 1
    chunks = _cut(items, count * CHUNKS_PER_PROCESS) if count > 1 else [items]
    hands = [chunks[first::count] for first in range(count)]
    children: list[Forked] = []
    try:
        with signals_blocked():  # every child forked is listed, for the finally below to reap
            for hand in hands[1:]:
                children.append(Forked(functools.partial(_play, work, hand, unblock=True), name))
        played = [_play(work, hands[0])] + [child.result() for child in children]
    finally:
        for child in children:
            child.cancel()
    return [played[index % count][index // count] for index in range(len(chunks))]


def _cut(items: Sequence[Item], count: int) -> list[Sequence[Item]]:
    """``items`` in ``count`` consecutive chunks of near equal length (fewer if there are fewer items)."""
    count = min(count, len(items)) or 1
    bounds = [len(items) * index // count for index in range(count + 1)]
    return [items[start:end] for start, end in itertools.pairwise(bounds)]


def _play(work: Callable[[Sequence[Item]], Result], hand: list[Sequence[Item]], unblock: bool = False) -> list[Result]:
    """``work`` over each chunk of ``hand``; in a child forked by ``in_shares`` (``unblock``),
    signals act again first."""
    if unblock:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
    return [work(chunk) for chunk in hand]


def _child(work: Callable[[], Any], sender, parent: int) -> int:
    code = 1
    try:
        _die_with(parent)
        gc.freeze()  # the parent's objects stay shared: the child's collections never touch them
        _forward_logging(sender)
        result = work()
        sender.send(("done", result))
        code = 0
    except BaseException as error:  # noqa: BLE001 (everything, KeyboardInterrupt included, goes to the parent)
        try:
            sender.send(("error", _picklable(error), traceback.format_exc()))
        except BaseException:  # noqa: BLE001, S110 (the parent sees the exit code)
            pass
    finally:
        try:
            sender.close()
        except BaseException:  # noqa: BLE001, S110
            pass
    return code


def _picklable(error: BaseException) -> BaseException:
    import pickle

    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # noqa: BLE001 (any error that does not survive the pipe becomes its text)
        return ForkedError(f"{type(error).__name__}: {error}")
    return error


def _die_with(parent: int) -> None:
    """Linux: the kernel kills this child when the parent dies (even by SIGKILL)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl
        os._exit(1)


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
