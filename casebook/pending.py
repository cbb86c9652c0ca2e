"""Work that a plugin leaves running when Pelican's run ends, finished by the build before it
publishes.

The search index is made in a child process while Pelican writes the pages, and Pelican's run
used to end by waiting for it. ``casebook.site.build`` checks the site's links next, which needs
the pages only: inside ``collected()`` a plugin hands its unfinished work to ``later`` instead of
waiting, the build checks the links while the work goes on, and ``Pending.finish`` waits for
it (and puts its files into the site) before the site is swapped in. At 10,000 cases the link
check took about 15 s and the wait for the index about 14 s, one after the other.

Outside ``collected()`` (a plain ``pelican`` run, the preview's own runs) ``later`` finishes the
work at once, as before. A build that fails or is stopped discards what it collected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class Pending:
    """The work collected in one build, finished in the order it was handed over."""

    work: list[tuple[Callable[[], object], Callable[[], object]]] = field(default_factory=list)

    def finish(self) -> None:
        """Wait for each piece of work (``finish``); the first error stops and is raised, the
        rest is discarded."""
        while self.work:
            finish, _ = self.work.pop(0)
            run(finish)

    def discard(self) -> None:
        """Stop and drop whatever was not finished."""
        while self.work:
            _, discard = self.work.pop(0)
            discard()


# The build collecting work in this thread (the preview builds in threads), if any.
_collecting: ContextVar[Pending | None] = ContextVar("casebook_pending", default=None)


def run(finish: Callable[[], object]) -> None:
    """Finish one piece of work (the benchmark's timing wraps this to charge it to its plugin)."""
    finish()


def later(finish: Callable[[], object], discard: Callable[[], object]) -> None:
    """Hand over work to finish before publishing: kept for the build that collects it, else
    finished now. ``discard`` stops it when the build fails or is stopped."""
    pending = _collecting.get()
    if pending is None:
        run(finish)
    else:
        pending.work.append((finish, discard))


@contextmanager
def collected() -> Iterator[Pending]:
    """Collect the work handed to ``later`` in this block; whatever the block leaves unfinished
    (an error, an interrupt) is discarded."""
    pending = Pending()
    token = _collecting.set(pending)
    try:
        yield pending
    finally:
        _collecting.reset(token)
        pending.discard()
