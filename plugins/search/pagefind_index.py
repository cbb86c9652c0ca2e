"""Writing records into a Pagefind bundle with Pagefind's Python API.

Every record goes into one index under one language setting: Pagefind splits its index by
language and a page only searches the index of its own language, so one index is what lets a
French query from a French page find an Italian case. Words are folded the same way for
every language (accents and case ignored); the stemmer is the one of ``language``.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .records import SearchRecord

log = logging.getLogger(__name__)

# Pagefind's prebuilt interfaces, which Casebook does not use (theme/static/js/search.js is
# its own interface): they set inline styles and innerHTML, which our CSP and rules forbid.
UNUSED_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


async def _write(records: list[SearchRecord], bundle: Path, language: str) -> None:
    from pagefind.index import PagefindIndex

    config = {"force_language": language, "output_path": str(bundle), "write_playground": False}
    async with PagefindIndex(config=config) as index:
        for record in records:
            await index.add_custom_record(url=record.url, content=record.content, language=language,
                                          meta=record.meta, filters=record.filters, sort=record.sort)


def run_coroutine(coroutine):
    """Run ``coroutine`` to its end, also when the caller already runs an event loop (a build
    started from async code, or next to Playwright's loop in the tests): then in a thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def write_bundle(records: Iterable[SearchRecord], bundle: str | Path, language: str) -> list[Path]:
    """Index ``records`` into the folder ``bundle`` (replaced); returns the files written."""
    bundle = Path(bundle)
    records = list(records)
    if bundle.exists():
        shutil.rmtree(bundle)
    run_coroutine(_write(records, bundle.resolve(), language))
    for name in UNUSED_FILES:
        (bundle / name).unlink(missing_ok=True)
    files = sorted(path for path in bundle.rglob("*") if path.is_file())
    size = sum(path.stat().st_size for path in files)
    log.info("search: indexed %d cases into %s (%d files, %d KB)", len(records), bundle, len(files), size // 1024)
    return files
