"""Writing records into a Pagefind bundle with Pagefind's Python API.

Every record goes into one index under one language setting: Pagefind splits its index by
language and a page only searches the index of its own language, so one index is what lets a
French query from a French page find an Italian case. Words are folded the same way for
every language (accents and case ignored); the stemmer is the one of ``language``.

The records reach Pagefind as one small HTML document each, written to a scratch folder and
indexed with one ``add_directory`` call. Pagefind's Python service answers one message per
tenth of a second, so a message per record (``add_custom_record``) would take 17 minutes at
10,000 cases; one folder is one message, and Pagefind's own indexer reads it in parallel.

Pagefind 1.5 holds about 250 KB per record while it indexes (2.5 GB at 10,000 cases), so more
records than ``shard_size`` are indexed in shards, one Pagefind run after another, whose bundles
``merge.merge_bundles`` joins into the bundle one run would have written.

``IndexJob`` builds the records and writes the bundle into a scratch folder in a forked child
process (a background thread when other threads run), so that the records, their documents
and Pagefind's indexing take the machine's other core while Pelican writes the pages; the
bundle is moved into the site when the job is finished (``IndexJob.finish``). A build stopped
before that leaves nothing in the site: the child is killed at once (a thread's job is
discarded when the process exits) and the scratch folder removed.
"""

from __future__ import annotations

import asyncio
import atexit
import gc
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import xml.etree.ElementTree as etree  # noqa: N813 (the usual name)
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path

from casebook.forked import Forked, can_fork, gone

from .merge import merge_bundles
from .records import SearchRecord
from .settings import DEFAULTS

log = logging.getLogger(__name__)

# Pagefind's prebuilt interfaces, which Casebook does not use (theme/static/js/search.js is
# its own interface): they set inline styles and innerHTML, which our CSP and rules forbid.
UNUSED_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


def record_html(record: SearchRecord, language: str) -> str:
    """The document Pagefind indexes for one record, built as a tree (every text escaped).

    Metadata, filters and the sort key sit in an element that Pagefind reads for them but
    leaves out of the searchable text (data-pagefind-ignore="index"); the text is the record's
    content, one paragraph per line.
    """
    html = etree.Element("html", lang=language)
    head = etree.SubElement(html, "head")
    etree.SubElement(head, "meta", charset="utf-8")
    etree.SubElement(head, "title").text = record.meta.get("title", "")
    body = etree.SubElement(etree.SubElement(html, "body"), "main", {"data-pagefind-body": ""})
    data = etree.SubElement(body, "div", {"data-pagefind-ignore": "index"})
    for key, value in record.meta.items():
        if value:
            etree.SubElement(data, "span", {"data-pagefind-meta": key}).text = value
    for name, values in record.filters.items():
        for value in values:
            etree.SubElement(data, "span", {"data-pagefind-filter": name}).text = value
    for key, value in record.sort.items():
        etree.SubElement(data, "span", {"data-pagefind-sort": key}).text = value
    for line in record.content.splitlines():
        etree.SubElement(body, "p").text = line
    return "<!doctype html>\n" + etree.tostring(html, encoding="unicode", method="html")


def record_path(record: SearchRecord) -> Path:
    """Where a record's document goes so that Pagefind gives it the record's URL."""
    parts = [part for part in record.url.split("/") if part]
    if not parts or any(part in (".", "..") for part in parts):
        raise ValueError(f"search record URL {record.url!r} must be a site path such as /cases/<slug>/")
    return Path(*parts, "index.html")


async def _index_folder(folder: Path, bundle: Path, language: str) -> int:
    from pagefind.index import PagefindIndex

    config = {"force_language": language, "output_path": str(bundle), "write_playground": False}
    async with PagefindIndex(config=config) as index:
        indexed = await index.add_directory(str(folder))
    return indexed["page_count"]


def run_coroutine(coroutine):
    """Run ``coroutine`` to its end, also when the caller already runs an event loop (a build
    started from async code, or next to Playwright's loop in the tests): then in a thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def remove_unused_wasm(bundle: Path) -> None:
    """Pagefind writes a WebAssembly runtime per stemmer it ships; a browser only fetches the
    ones that pagefind-entry.json names for the indexed languages."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    used = {f"wasm.{language['wasm']}.pagefind" for language in entry["languages"].values()}
    for path in bundle.glob("wasm.*.pagefind"):
        if path.name not in used:
            path.unlink()


WRITE_ATTEMPTS = 3


def _entry_is_complete(bundle: Path, records: int) -> bool:
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(entry, dict) or "languages" not in entry:
        return False
    return (records == 0 or bool(entry["languages"])) and all(
        (bundle / f"pagefind.{language['hash']}.pf_meta").is_file() for language in entry["languages"].values()
    )


def write_bundle(records: Iterable[SearchRecord], bundle: str | Path, language: str,
                 shard_size: int = DEFAULTS["CASEBOOK_SEARCH_SHARD_SIZE"]) -> list[Path]:
    """Index ``records`` into the folder ``bundle`` (replaced); returns the files written."""
    records = list(records)
    files = _write_bundle(records, Path(bundle), language, shard_size)
    _log_bundle(len(records), bundle, files)
    return files


def _log_bundle(count: int, bundle: Path, files: list[Path]) -> None:
    size = sum(path.stat().st_size for path in files)
    log.info("search: indexed %d cases into %s (%d files, %d KB)", count, bundle, len(files), size // 1024)


def shards(records: list[SearchRecord], size: int) -> list[list[SearchRecord]]:
    """``records`` in runs of at most ``size``; when there are several, in the order of their
    sort values, which is what lets merge_bundles put the shards' sort orders end to end."""
    if len(records) <= size:
        return [records]
    keys = {key for record in records for key in record.sort}
    if len(keys) > 1:
        raise ValueError(f"search: records sorted by {sorted(keys)}: an index built in shards keeps one sort")
    ordered = sorted(records, key=lambda record: list(record.sort.values()))
    return [ordered[start:start + size] for start in range(0, len(ordered), size)]


def _write_bundle(records: list[SearchRecord], bundle: Path, language: str, shard_size: int,
                  scratch_in: Path | None = None, documents_in: Path | None = None) -> list[Path]:
    """The bundle written; the shards' bundles go to a scratch folder in ``scratch_in`` (by
    default the system's temporary folder), the documents indexed to one in ``documents_in``
    (by default ``scratch_in``). The merge moves the shards' fragments into the bundle: the
    shards' bundles must be on the bundle's file system, the documents need not."""
    if bundle.exists():
        shutil.rmtree(bundle)
    with tempfile.TemporaryDirectory(prefix="casebook-search-", dir=scratch_in) as scratch, \
            tempfile.TemporaryDirectory(prefix="casebook-search-", dir=documents_in or scratch_in) as documents:
        parts = shards(records, shard_size)
        if len(parts) == 1:
            _index_records(records, Path(documents) / "pages", bundle, language)
        else:
            log.info("search: indexing %d cases in %d shards", len(records), len(parts))
            bundles = [_index_records(part, Path(documents) / f"pages-{number}",
                                      Path(scratch) / f"bundle-{number}", language)
                       for number, part in enumerate(parts)]
            merge_bundles(bundles, bundle.resolve())
    for name in UNUSED_FILES:
        (bundle / name).unlink(missing_ok=True)
    remove_unused_wasm(bundle)
    return sorted(path for path in bundle.rglob("*") if path.is_file())


def _index_records(records: list[SearchRecord], folder: Path, bundle: Path, language: str) -> Path:
    """Write ``records``' documents into ``folder`` and index them into ``bundle``, which it
    returns; the documents are removed once indexed."""
    folder.mkdir(parents=True)
    for record in records:
        path = folder / record_path(record)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(record_html(record, language), encoding="utf-8")
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        indexed = run_coroutine(_index_folder(folder, bundle.resolve(), language))
        if _entry_is_complete(bundle, len(records)):
            break
        # Pagefind's service can answer WriteFiles before its files are flushed, and closing
        # the index ends the service: on a loaded machine pagefind-entry.json is left empty.
        log.warning("search: Pagefind left an incomplete bundle in %s (attempt %d of %d)",
                    bundle, attempt, WRITE_ATTEMPTS)
        shutil.rmtree(bundle, ignore_errors=True)
    else:
        raise RuntimeError(f"search: Pagefind did not write a complete bundle into {bundle} "
                           f"after {WRITE_ATTEMPTS} attempts (is the machine out of disk space?)")
    if indexed != len(records):
        raise RuntimeError(f"search: Pagefind indexed {indexed} of {len(records)} cases into {bundle}")
    shutil.rmtree(folder)
    return bundle


SCRATCH_PREFIX = "casebook-search-job-"
STALE_SCRATCH = re.compile(rf"^{SCRATCH_PREFIX}(?P<pid>\d+)-")
# The documents Pagefind indexes are written, read once and removed: in memory (tmpfs) when
# the machine has one with room, they skip the disk. On this machine's disk, writing 10,000
# documents in their folders took 2.6 to 5.0 s and removing them 1.7 s; in /dev/shm 0.5 and
# 0.3 s. They take one shard's documents at a time (about 10 MB). The bundles stay on disk:
# the merge moves the shards' fragments into the site's bundle, which is moved into the site.
MEMORY_SCRATCH_ROOT = Path("/dev/shm")
MEMORY_SCRATCH_MIN_FREE = 1024 ** 3  # below 1 GB free, the disk's temporary folder is used


def memory_scratch_root() -> Path | None:
    """MEMORY_SCRATCH_ROOT when it is a writable folder with at least MEMORY_SCRATCH_MIN_FREE
    bytes free, else None (no tmpfs, a small one, or another system)."""
    root = MEMORY_SCRATCH_ROOT
    try:
        if not root.is_dir() or not os.access(root, os.W_OK | os.X_OK):
            return None
        stats = os.statvfs(root)
    except OSError:
        return None
    return root if stats.f_bavail * stats.f_frsize >= MEMORY_SCRATCH_MIN_FREE else None


def remove_stale_scratch() -> list[Path]:
    """Remove the scratch folders of jobs whose build died without cleaning up (SIGKILL, out of
    memory): their build's process, named in the folder, no longer runs. Returns them."""
    removed = []
    roots = [Path(tempfile.gettempdir()), MEMORY_SCRATCH_ROOT]  # the latter even when short of room
    for path in (path for root in roots if root.is_dir() for path in root.glob(f"{SCRATCH_PREFIX}*")):
        match = STALE_SCRATCH.match(path.name)
        if match and path.is_dir() and gone(int(match["pid"])):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
            log.info("search: removed %s, left by a build that was killed", path)
    return removed


class IndexJob:
    """The search bundle made while Pelican writes the pages; ``finish`` waits for it, raises
    its error if it failed, and moves the bundle into place.

    ``records`` is called where the bundle is made: the records are built there too. Where
    fork can be used (``casebook.forked.can_fork``: no other thread runs), everything happens
    in a forked child process, on the machine's other core, and nothing of it weighs on this
    process. Otherwise (the preview server builds in threads) the records are built here and
    indexed in a background thread: Pagefind's own process still runs on the other core.
    """

    def __init__(self, records: Callable[[], list[SearchRecord]], language: str,
                 shard_size: int = DEFAULTS["CASEBOOK_SEARCH_SHARD_SIZE"]):
        self.language = language
        self.shard_size = shard_size
        self.count: int | None = None
        remove_stale_scratch()
        # Everything the job writes goes in here (the bundles), or in _work (the documents
        # indexed: in memory when it can): a child killed mid-index (cancel) runs no cleanup of
        # its own, and discard removes both folders.
        self._scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-"))
        memory = memory_scratch_root()
        self._work = self._scratch if memory is None else Path(
            tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=memory))
        self._child: Forked | None = None
        self._thread: threading.Thread | None = None
        _running.add(self)
        if can_fork():
            self._child = Forked(partial(self._index, records), "indexing the search records")
        else:
            built = records()
            self._result: Future = Future()
            self._thread = threading.Thread(target=self._run, args=(built,), name="casebook-search-index",
                                            daemon=True)
            self._thread.start()

    def _index(self, records: Callable[[], list[SearchRecord]]) -> int:
        built = records()
        # The records live until the child ends: frozen, the collector stops scanning them at
        # each full collection while Pagefind runs and the shards merge (5.3 s at 10,000 cases).
        gc.freeze()
        self._write(built)
        return len(built)

    def _run(self, records: list[SearchRecord]) -> None:
        try:
            self._write(records)
            self._result.set_result(len(records))
        except BaseException as error:  # noqa: BLE001 (handed to the thread that calls finish)
            self._result.set_exception(error)

    def _write(self, records: list[SearchRecord]) -> None:
        """The bundle into the scratch folder, the documents into the work folder."""
        _write_bundle(records, self._scratch / "pagefind", self.language, self.shard_size, self._scratch, self._work)

    def finish(self, bundle: str | Path) -> list[Path]:
        """Wait for the index, then put it at ``bundle`` (replaced); returns the files there."""
        bundle = Path(bundle)
        try:
            self.count = self._child.result() if self._child is not None else self._result.result()
        except KeyboardInterrupt:  # SIGINT or SIGTERM: stop now; a thread is discarded at exit
            if self._child is not None:
                self.discard()
            raise
        except BaseException:
            self.discard()
            raise
        try:
            if bundle.exists():
                shutil.rmtree(bundle)
            bundle.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(self._scratch / "pagefind", bundle)
        finally:
            self.discard()
        files = sorted(path for path in bundle.rglob("*") if path.is_file())
        _log_bundle(self.count, bundle, files)
        return files

    def discard(self, timeout: float | None = None) -> None:
        """Stop the job (a child is killed at once; a thread is waited for, at most ``timeout``
        seconds), then remove the scratch folder."""
        if self._child is not None:
            self._child.cancel()
        if self._thread is not None:
            self._thread.join(timeout)
        shutil.rmtree(self._work, ignore_errors=True)
        shutil.rmtree(self._scratch, ignore_errors=True)
        _running.discard(self)


_running: set[IndexJob] = set()


@atexit.register
def _discard_unfinished_jobs() -> None:
    """A build stopped while Pagefind indexed (SIGINT, SIGTERM, an error) leaves no scratch folder."""
    for job in list(_running):
        job.discard(timeout=30)
