"""Holding SIGINT and SIGTERM back while a short piece of work must finish whole."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def signals_deferred() -> Iterator[list[int]]:
    """SIGINT and SIGTERM received in the block are recorded in the yielded list instead of
    acting; the previous handlers are back when the block ends, and the caller decides what a
    recorded signal does then. (A Python handler, not a signal mask: with worker threads alive
    another thread may take the signal.) Outside the main thread, where Python runs every
    handler anyway, signals are left alone and the list stays empty."""
    received: list[int] = []
    previous = {}
    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda number, frame: received.append(number))
    except ValueError:  # not the main thread
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        yield received
        return
    try:
        yield received
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
