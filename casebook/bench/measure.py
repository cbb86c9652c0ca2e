"""The benchmark's measurements: conversion, the two builds, sizes, search in Chromium, preview.

Each build and the conversion run in a fresh process (``casebook.bench.child``); search is
measured in headless Chromium against Casebook's own preview server; edit-to-preview runs
the real ``invoke serve`` and waits, in Chromium, for the edited text to appear on the page.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from casebook.bench.child import TreeMemory, together_mb

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = os.environ.get("CASEBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-gpu", "--no-first-run", "--disable-sync"]
# Pelican needs casebook_reader to read our files, and the theme's templates need casebook_theme
# (their gettext catalog and display filters); everything else is Casebook's features.
BASELINE_PLUGINS = ["casebook_reader", "casebook_theme"]
CHILD_TIMEOUT = 3 * 3600


class BenchError(RuntimeError):
    """A stage of the benchmark crashed (as opposed to missing a target)."""


def run_child(stage: str, work: Path, **options) -> dict:
    """Run one measured stage in a fresh Python process; its figures, or BenchError."""
    result = work / f"result-{stage}-{time.monotonic_ns()}.json"
    args = [sys.executable, "-m", "casebook.bench.child", stage, "--result", str(result)]
    for name, value in options.items():
        if value is not None:
            args += [f"--{name}", json.dumps(value) if isinstance(value, list) else str(value)]
    with subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process, \
            TreeMemory(process.pid) as tree:  # sampled from here: the stage's process stays single-threaded
        try:
            stdout, stderr = process.communicate(timeout=CHILD_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            limit = f"{CHILD_TIMEOUT / 3600:.0f} h" if CHILD_TIMEOUT >= 3600 else f"{CHILD_TIMEOUT} s"
            raise BenchError(f"the {stage} stage did not finish within {limit} (stopped)") from None
    if process.returncode != 0 or not result.exists():
        tail = "\n".join((stdout + stderr).strip().splitlines()[-30:])
        raise BenchError(f"the {stage} stage failed (exit {process.returncode}):\n{tail}")
    figures = json.loads(result.read_text(encoding="utf-8"))
    result.unlink()
    figures.setdefault("peak_rss_mb", {}).update(together_mb(tree))
    return figures


def converter_available() -> bool:
    return (ROOT / "casebook" / "convert").is_dir() or (ROOT / "casebook" / "convert.py").is_file()


def convert(work: Path, articles) -> dict:
    """Convert the synthetic seeds with the real converter and publish its drafts.

    Without a converter (early in the project) the cases are written from the generator's
    own annotations instead, and the figures say so: ``converter`` is then ``"absent"``.
    """
    content = work / "content"
    if converter_available():
        figures = run_child("convert", work, seeds=work / "seeds", content=content)
        figures["converter"] = "casebook.convert"
        if figures.get("exit_code"):
            log.warning("the converter exited with %s (some seeds failed); measuring what it wrote",
                        figures["exit_code"])
        return figures
    log.warning("casebook.convert is not there yet: writing the cases from the generator's annotations")
    for article in articles:
        (content / "cases" / f"{article.data['slug']}.md").write_text(article.case_document(), encoding="utf-8")
    return {"converter": "absent", "seconds": None, "seeds_per_second": None, "seeds": len(articles),
            "cases": len(articles), "exit_code": None, "published": len(articles)}


def warm_up(work: Path) -> None:
    """Warm the machine before the timed builds: compile every module and template path once
    (a build of the project's own content, all plugins on) and read the benchmark's content
    into the page cache. Cheap next to a full build, and the same for both builds."""
    for path in (work / "content").rglob("*.md"):
        path.read_bytes()
    with tempfile.TemporaryDirectory(prefix="warmup-", dir=work) as scratch:
        run_child("build", work, content=ROOT / "content", output=Path(scratch) / "output",
                  cache=Path(scratch) / "cache")


def build(work: Path, variant: str) -> dict:
    plugins = BASELINE_PLUGINS if variant == "baseline" else None
    output = work / f"output-{variant}"
    figures = run_child("build", work, content=work / "content", output=output, plugins=plugins,
                        cache=work / f"cache-{variant}")
    figures["output"] = str(output)
    figures["size"] = folder_size(output)
    return figures


def folder_size(folder: Path) -> dict:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return {"bytes": sum(p.stat().st_size for p in files), "files": len(files)}


# ---------------------------------------------------------------------------
# Chromium
# ---------------------------------------------------------------------------


def _counting_handler():
    from casebook.serve import PreviewHandler

    class CountingHandler(PreviewHandler):
        """Casebook's preview handler, noting the bytes of every file body it sends, as sent:
        gzip-compressed for text when the browser accepts it (``casebook.serve``)."""

        def __init__(self, *args, served: list, **kwargs):
            self.served = served
            super().__init__(*args, **kwargs)

        def copyfile(self, source, outputfile) -> None:
            data = source.read()
            outputfile.write(data)
            self.served.append((self.path, len(data)))

    return CountingHandler


@contextmanager
def local_server(output: Path, served: list | None = None):
    """Casebook's preview server on 127.0.0.1 (a free port), serving ``output``; with ``served``,
    each response's (path, body bytes) is appended to it."""
    from functools import partial

    from casebook.serve import BuildVersion, make_server, running

    server = make_server(output, 0)
    if served is not None:
        server.RequestHandlerClass = partial(_counting_handler(), directory=str(Path(output).resolve()),
                                             version=BuildVersion(), served=served)
    with running(server) as url:
        yield url


@contextmanager
def chromium():
    if not Path(CHROMIUM).exists():
        raise BenchError(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


BYTES_COUNTED = ("response bodies as sent by the server: text gzip-compressed (the browser accepts gzip), "
                 "Pagefind's index and WebAssembly as Pagefind compressed them")


class ByteCounter:
    """Bytes the server sent (file bodies as they went on the wire: HTML, CSS, JavaScript and
    JSON gzip-compressed as any static host sends them, Pagefind's index files and WebAssembly
    as Pagefind compressed them; headers left out), request by request. Counted at the server:
    Pagefind fetches its index from a Web Worker, whose requests a page's DevTools session
    does not see."""

    def __init__(self):
        self.served: list[tuple[str, int]] = []

    def take(self) -> dict:
        """The bytes and requests since the last call."""
        received, self.served[:] = list(self.served), []
        by_kind: dict[str, int] = {}
        for url, size in received:
            by_kind[file_kind(url)] = by_kind.get(file_kind(url), 0) + size
        return {"bytes": sum(size for _, size in received), "requests": len(received),
                "pagefind_bytes": sum(size for url, size in received if "/pagefind/" in url),
                "by_kind": dict(sorted(by_kind.items()))}


def file_kind(url: str) -> str:
    """What a downloaded file is, for the breakdown: Pagefind's runtime, metadata, filters,
    index chunks, result fragments, or the page and its assets."""
    name = url.split("?", 1)[0].rsplit("/", 1)[-1]
    if "/pagefind/" not in url:
        return "page"
    for suffix in ("pf_meta", "pf_filter", "pf_index", "pf_fragment"):
        if name.endswith(suffix):
            return suffix
    return "wasm" if "wasm" in name else "pagefind runtime"


ENGINE_QUERY = """async ({base, query, shown}) => {
  const started = performance.now();
  if (!window.__casebookBenchPagefind) {
    window.__casebookBenchPagefind = await import(base + "/pagefind/pagefind.js");
  }
  const pagefind = window.__casebookBenchPagefind;
  const search = await pagefind.search(query);
  const data = await Promise.all(search.results.slice(0, shown).map((result) => result.data()));
  return {ms: performance.now() - started, results: search.results.length, shown: data.length};
}"""


UI_SHOWN = """([previous]) => {
  const app = document.getElementById("search");
  const list = document.getElementById("search-results");
  return app && app.dataset.shown !== undefined && app.dataset.shown !== previous
    && list && !list.hasAttribute("aria-busy");
}"""


def search(output: Path, queries: list[str], shown: int = 10, browse: dict[str, str] | None = None) -> dict:
    """What a reader downloads and waits for, query after query, in a fresh browser (cold cache).

    On the site's /search/ page (``theme/static/js/search.js``): the page opens, then each
    query is typed into the box and timed until its results are on screen (the page marks
    them with ``data-shown``; its typing pause is included). The page fetches Pagefind's
    runtime, WebAssembly and index metadata as soon as it is idle: the first query's bytes
    count everything since the page was opened, those included, which is what a reader
    downloads to see a first result. Without that page, the same is measured through
    Pagefind's JavaScript API.

    ``browse`` (filter -> value) is a search by filters only, as a reader browsing by facet
    makes it: /search/?lang=fr opened in a fresh browser, its bytes counted from the page's
    opening, its time until the results are on screen.
    """
    if not (output / "pagefind" / "pagefind.js").exists():
        return {"available": False, "note": "no output/pagefind/pagefind.js: the search plugin is not built"}
    index = folder_size(output / "pagefind")
    figures: dict = {"available": True, "index_bytes": index["bytes"], "index_files": index["files"],
                     "bytes_counted": BYTES_COUNTED, "queries": []}
    ui = (output / "search" / "index.html").exists()
    figures["mode"] = "search page" if ui else "pagefind api"
    counter = ByteCounter()
    with local_server(output, counter.served) as base, chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        page.goto(base + ("/search/" if ui else "/"), wait_until="networkidle")
        if ui:
            page.wait_for_function(UI_SHOWN, arg=[None], timeout=60_000)
        figures["page_load"] = counter.take()
        for number, query in enumerate(queries):
            if ui:
                previous = page.evaluate("() => document.getElementById('search').dataset.shown")
                started = time.perf_counter()
                page.fill("#search-q", query)
                page.wait_for_function(UI_SHOWN, arg=[previous], timeout=60_000, polling="raf")
                ms = (time.perf_counter() - started) * 1000
                results = page.evaluate("() => document.querySelectorAll('#search-results > li').length")
            else:
                timing = page.evaluate(ENGINE_QUERY, {"base": base, "query": query, "shown": shown})
                ms, results = timing["ms"], timing["results"]
            page.wait_for_timeout(300)  # let the last loadingFinished events arrive
            downloaded = counter.take()
            if number == 0:
                for key in ("bytes", "requests", "pagefind_bytes"):
                    downloaded[key] += figures["page_load"][key]
                for kind, size in figures["page_load"]["by_kind"].items():
                    downloaded["by_kind"][kind] = downloaded["by_kind"].get(kind, 0) + size
                downloaded["includes_page_load"] = True
            figures["queries"].append({"query": query, "ms": round(ms, 1), "results": results, **downloaded})
        context.close()
        if ui and browse:
            figures["browse"] = _browse(browser, base, browse, counter)
    return figures


def _browse(browser, base: str, filters: dict[str, str], counter: ByteCounter) -> dict:
    context = browser.new_context()
    page = context.new_page()
    counter.take()
    query = urllib.parse.urlencode(filters)
    started = time.perf_counter()
    page.goto(f"{base}/search/?{query}")
    page.wait_for_function(UI_SHOWN, arg=[None], timeout=120_000, polling="raf")
    ms = (time.perf_counter() - started) * 1000
    status = page.evaluate("() => document.getElementById('search-status').textContent")
    page.wait_for_timeout(300)  # let the last loadingFinished events arrive
    context.close()
    return {"filters": filters, "ms": round(ms, 1), "status": status, **counter.take(), "includes_page_load": True}


# ---------------------------------------------------------------------------
# Edit-to-preview, through the real `invoke serve`
# ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, timeout: float, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"invoke serve exited with {process.returncode} before serving")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own loopback server)
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"invoke serve did not serve {url} within {timeout:.0f} s")


def _edit(path: Path, marker: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + f"\n\nNote du curateur {marker}.\n", encoding="utf-8")


def edit_to_preview(work: Path, edits: int = 5, timeout: float = 1800) -> dict:
    """Start ``invoke serve`` on the benchmark's content, open a case in Chromium, edit the case,
    and time each save until the reloaded page shows the new text. The first edit warms the
    caches; the figure is the median of the others (the upper one of an even count). Four
    timed saves, not two: a save that showed late one time in four went unseen or became the
    figure by chance with two."""
    content, output = work / "content", work / "output-preview"
    cases = sorted((content / "cases").glob("*.md"))
    if not cases:
        raise BenchError("no case to edit")
    from casebook.check import load_case

    target = cases[len(cases) // 2]
    loaded, _ = load_case(target)
    slug = loaded.slug
    port = _free_port()
    log_path = work / "serve.log"
    started = time.monotonic()
    with open(log_path, "w", encoding="utf-8") as serve_log:
        process = subprocess.Popen(
            [sys.executable, "-m", "invoke", "serve", "--port", str(port), "--content", str(content),
             "--output", str(output)],
            cwd=ROOT, stdout=serve_log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/cases/{slug}/", timeout, process)
        first_build = time.monotonic() - started
        times = []
        with chromium() as browser:
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"{base}/cases/{slug}/", wait_until="load")
            for number in range(edits):
                marker = f"bench-{number}-{time.monotonic_ns()}"
                saved = time.monotonic()
                _edit(target, marker)
                page.wait_for_function("(marker) => document.body && document.body.textContent.includes(marker)",
                                       arg=marker, timeout=timeout * 1000, polling=20)
                times.append(time.monotonic() - saved)
            context.close()
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    measured = sorted(times[1:]) or times
    rebuilds = [line for line in log_path.read_text(encoding="utf-8").splitlines() if line.startswith("rebuilt")]
    return {"seconds": measured[len(measured) // 2], "edits": [round(t, 3) for t in times],
            "first_build_seconds": round(first_build, 2), "case": slug, "server_log": rebuilds[-edits:]}
