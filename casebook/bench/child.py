"""The benchmark's measured stages, each run in a fresh process: ``python -m casebook.bench.child``.

A fresh process per stage means that each build pays its own imports and starts with an
empty heap, as ``invoke build`` does, and that its peak memory (``ru_maxrss``) is its own.
The stage writes its figures as JSON to the file named by ``--result``. The memory of the
stage's whole process tree is sampled from outside (``TreeMemory(pid)`` in the benchmark's own
process): a sampling thread inside the build would stop it from forking (``casebook.forked``).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import resource
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
STATUS_DRAFT = re.compile(r"^status:\s*draft\s*$", re.MULTILINE)
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _resident(pid: int | str) -> int:
    """Memory of one process (0 once it is gone): its proportional set size (PSS: each page
    it shares with other processes counted as its share), so that a forked child, which shares
    its parent's pages until either writes them, does not count them twice; its resident size
    where the kernel does not tell PSS."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return 0


def _children(pid: int | str) -> list[str]:
    """The child processes of every thread of ``pid`` (Pagefind is started from a thread)."""
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as children:
                found.extend(children.read().split())
        except OSError:
            continue
    return found


def tree_resident(pid: int | str = "self") -> int:
    """Memory of a process and all its descendants, now (``_resident``: shared pages once)."""
    total, stack = 0, [str(pid)]
    while stack:
        current = stack.pop()
        total += _resident(current)
        stack.extend(_children(current))
    return total


# Files in memory (tmpfs): they take RAM as a process's pages do, in no process's figure. The
# search index writes its documents there (plugins/search/pagefind_index.py,
# MEMORY_SCRATCH_ROOT; the bench does not import the plugins, which Pelican loads by path).
MEMORY_FILES = Path("/dev/shm")


def memory_files() -> int:
    """Bytes used in MEMORY_FILES (0 where there is none)."""
    try:
        stats = os.statvfs(MEMORY_FILES)
    except OSError:
        return 0
    return (stats.f_blocks - stats.f_bfree) * stats.f_frsize


class TreeMemory:
    """The largest memory of process ``pid`` and its descendants *together*, sampled every
    ``interval`` seconds in a thread of this process. ``ru_maxrss`` gives each process's own
    peak only, but Pagefind's binary indexes while Pelican still writes pages: the machine
    holds both."""

    def __init__(self, pid: int | str = "self", interval: float = 0.2):
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self._files_at_start = memory_files()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tree-memory", daemon=True)

    def sample(self) -> int:
        """The peak so far: the tree's memory and what was added to MEMORY_FILES since the start
        (the search index's documents live in /dev/shm while it indexes)."""
        added = max(0, memory_files() - self._files_at_start)
        self.peak = max(self.peak, tree_resident(self.pid) + added)
        return self.peak

    def _run(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> TreeMemory:
        if os.path.isdir("/proc/self/task"):  # Linux; elsewhere the figure is left out
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._thread.is_alive():
            self._stop.set()
            self._thread.join()
            self.sample()


def peak_rss_mb() -> dict[str, float]:
    """Peak resident memory of this process and of its largest child (the converter's workers,
    Pagefind's binary), in MB; the tree's, together, is added by the caller (``together``)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"self": round(own, 1), "largest_child": round(children, 1)}


def together_mb(tree: TreeMemory) -> dict[str, float]:
    """The ``together`` figure of ``peak_rss_mb``: the tree's sampled peak, in MB."""
    return {"together": round(tree.peak / 1024 / 1024, 1)} if tree.peak else {}


def publish_drafts(cases: Path) -> int:
    """Turn the converter's drafts into published cases (front matter only); returns how many."""
    changed = 0
    for path in sorted(cases.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        end = text.find("\n---", 3)
        head, rest = text[:end], text[end:]
        new_head, count = STATUS_DRAFT.subn("status: published", head)
        if count:
            path.write_text(new_head + rest, encoding="utf-8")
            changed += 1
    return changed


def stage_convert(seeds: Path, content: Path) -> dict:
    from casebook.convert import run as run_convert

    started = time.perf_counter()
    code = run_convert(seeds, content, force=True)
    seconds = time.perf_counter() - started
    seeds_count = sum(1 for _ in seeds.glob("*.txt"))
    cases = sum(1 for _ in (content / "cases").glob("*.md"))
    return {"seconds": seconds, "seeds": seeds_count, "cases": cases, "exit_code": code,
            "seeds_per_second": seeds_count / seconds if seconds else None,
            "published": publish_drafts(content / "cases")}


def stage_build(content: Path, output: Path, settings: Path, plugins: list[str] | None, cache: Path) -> dict:
    from casebook.bench.timing import install
    from casebook.site import build

    timings = install()
    overrides: dict = {"CACHE_PATH": str(cache)}
    if plugins is not None:
        overrides["PLUGINS"] = plugins
    started = time.perf_counter()
    result = build(content, output, settings, overrides)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "pages": result.pages, "warnings": len(result.warnings),
            "plugins_setting": plugins, **timings.as_dict()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m casebook.bench.child")
    parser.add_argument("stage", choices=("convert", "build"))
    parser.add_argument("--result", type=Path, required=True)
    parser.add_argument("--seeds", type=Path)
    parser.add_argument("--content", type=Path)
    parser.add_argument("--output", type=Path)
    parser.add_argument("--settings", type=Path, default=ROOT / "publishconf.py")
    parser.add_argument("--plugins", help="JSON list overriding PLUGINS (default: the settings' own)")
    parser.add_argument("--cache", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if args.stage == "convert":
        figures = stage_convert(args.seeds, args.content)
    else:
        plugins = json.loads(args.plugins) if args.plugins else None
        figures = stage_build(args.content, args.output, args.settings, plugins, args.cache)
    figures["peak_rss_mb"] = peak_rss_mb()
    args.result.write_text(json.dumps(figures, indent=1, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
