"""Pelican's writer, holding every page back until they can be written by two processes.

Pelican renders and writes each page as its generator asks (``Writer.write_file``), one after
the other, on one core. ``HoldingWriter.write_file`` only notes the call; ``write_held`` then
makes every noted call: a forked child process (``casebook.forked.Forked``) makes half of them
while this process makes the others, and this process waits for the child. Each call renders
the same template with the same context and variables as it would have at once (nothing a
later generator does changes them), so the output is the same bytes.

The two shares hold about as many pages each (a call that writes a paginated list counts its
pages). This process makes the last call, so what writing leaves behind in Pelican's shared
context (``localsiteurl``, set by every page) is what a build in one process leaves. The files
the child wrote join this writer's record of written files; a file written by both processes
fails the build as Pelican fails a file written twice. Pelican's ``content_written`` signal for
the child's pages is sent in the child, and ``article_writer_finalized`` and
``page_writer_finalized`` come before the pages are written: no Casebook plugin listens to
them (the sitemap reads the written folder, on ``finalized``).

Every call is made in this process, in order, when fork is unavailable or other threads run
(``can_fork``: the preview server builds in threads), or when a page overrides another's output
(``override_output``: which one wins depends on the order). With CASEBOOK_WRITE_PROCESSES = 1,
Pelican's own writer is used.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from pelican.paginator import Paginator
from pelican.writers import FileOverwriteFailedError, Writer

from casebook.forked import Forked, can_fork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HeldCall:
    """The arguments of one ``Writer.write_file`` call."""

    name: str
    template: Any
    context: dict
    relative_urls: bool
    paginated: dict | None
    template_name: str | None
    override_output: bool
    url: str | None
    variables: dict


class HoldingWriter(Writer):
    """Notes every page until ``write_held``; writes at once after it."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings)
        self.held: list[HeldCall] | None = []  # None once written

    def write_file(self, name, template, context, relative_urls=False, paginated=None, template_name=None,
                   override_output=False, url=None, **kwargs):
        call = HeldCall(name, template, context, relative_urls, paginated, template_name, override_output, url,
                        kwargs)
        if self.held is None:
            return self.write(call)
        if name:  # Pelican writes nothing for an empty name
            self.held.append(call)
        return None

    def write(self, call: HeldCall) -> None:
        super().write_file(call.name, call.template, call.context, call.relative_urls, call.paginated,
                           call.template_name, call.override_output, call.url, **call.variables)

    def write_held(self) -> None:
        """Make every held call (with two processes when it can), then write at once."""
        calls, self.held = self.held or [], None
        started, cpu = time.perf_counter(), time.process_time()
        reason = self.why_one_process(calls)
        if reason:
            for call in calls:
                self.write(call)
            log.debug("%d calls made in one process in %.1f s (CPU %.1f s): %s", len(calls),
                      time.perf_counter() - started, time.process_time() - cpu, reason)
            return
        ours, theirs = self.shares(calls)
        child = Forked(lambda: self.write_share(theirs), "writing half of the pages")
        try:
            for call in ours:
                self.write(call)
            here = time.perf_counter() - started, time.process_time() - cpu
            written, there = child.result()
        finally:
            child.cancel()
        self.record(written)
        log.debug("%d calls made by two processes in %.1f s: %d in %.1f s (CPU %.1f s) here, %d in %.1f s "
                  "(CPU %.1f s) in the child", len(calls), time.perf_counter() - started, len(ours), *here,
                  len(theirs), *there)

    def why_one_process(self, calls: list[HeldCall]) -> str | None:
        """Why every held call is made in this process, or None when a child can help."""
        if len(calls) < 2:
            return "fewer than two calls"
        if not can_fork():
            return "no fork on this platform, or other threads run"
        if any(call.override_output for call in calls):
            return "a page overrides another's output"
        return None

    def pages(self, call: HeldCall) -> int:
        """How many pages ``call`` writes (Writer.write_file paginates the same way)."""
        paginated = call.paginated
        if paginated is None:
            paginated = {key: value for key, value in call.variables.items() if key in {"articles", "dates"}}
        templates = self.settings.get("PAGINATED_TEMPLATES", {})
        if not paginated or call.template_name not in templates:
            return 1
        per_page = templates[call.template_name] or self.settings["DEFAULT_PAGINATION"]
        return Paginator(call.name, call.url, next(iter(paginated.values())), self.settings, per_page).num_pages

    def shares(self, calls: list[HeldCall]) -> tuple[list[HeldCall], list[HeldCall]]:
        """This process's calls and the child's, each in their order, with about as many pages:
        each call goes to the share with fewer pages so far (every other one, when each writes
        one page; the index's pages count as many). The last call is this process's."""
        ours, theirs = [], []
        our_pages, their_pages = self.pages(calls[-1]), 0
        for call in calls[:-1]:
            if their_pages < our_pages:
                theirs.append(call)
                their_pages += self.pages(call)
            else:
                ours.append(call)
                our_pages += self.pages(call)
        return [*ours, calls[-1]], theirs

    def write_share(self, calls: list[HeldCall]) -> tuple[list[str], tuple[float, float]]:
        """In the child: make ``calls``; the files written, and how long it took (wall, CPU)."""
        started, cpu = time.perf_counter(), time.process_time()
        before = set(self._written_files)
        for call in calls:
            self.write(call)
        return sorted(self._written_files - before), (time.perf_counter() - started, time.process_time() - cpu)

    def record(self, written: list[str]) -> None:
        """The child's files join this writer's record; one written here too fails the build."""
        twice = sorted(self._written_files.intersection(written))
        if twice:
            raise FileOverwriteFailedError(f'Failed to overwrite "{twice[0]}": both processes writing the pages '
                                           "wrote it (a file written twice fails a build in one process too)")
        self._written_files.update(written)
