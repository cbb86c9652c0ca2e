"""The benchmark's measured stages, each run in a fresh process: ``python -m casebook.bench.child``.

A fresh process per stage means that each build pays its own imports and starts with an
empty heap, as ``invoke build`` does, and that its peak memory (``ru_maxrss``) is its own.
The stage writes its figures as JSON to the file named by ``--result``.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
STATUS_DRAFT = re.compile(r"^status:\s*draft\s*$", re.MULTILINE)


def peak_rss_mb() -> dict[str, float]:
    """Peak resident memory of this process and of its largest child (the converter's workers,
    Pagefind's binary), in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"self": round(own, 1), "largest_child": round(children, 1)}


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
