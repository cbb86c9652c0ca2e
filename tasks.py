"""Casebook's front door: ``invoke --list`` shows what each task does."""

from __future__ import annotations

import json
import logging
import os
import shlex
import shutil
import sys
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _logging(verbose: bool = False) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, format="%(message)s")
    logging.getLogger("pelican").setLevel(logging.WARNING)


def _print_problems(problems) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


@task(help={"content": "content folder (default: content)"})
def check(c, content="content"):
    """Validate every case and entity against the schema and the registry."""
    from casebook.check import check_content

    problems = check_content(ROOT / content if not Path(content).is_absolute() else content)
    _print_problems(problems)
    if problems:
        raise Exit(f"{len(problems)} problem(s) found", code=1)
    print("content OK")


@task(help={"content": "content folder (default: content)", "output": "output folder (default: output)",
            "drafts": "also build drafts for preview (development settings)"})
def build(c, content="content", output="output", drafts=False):
    """Validate, then build the site with Pelican into output/ (swapped in only on success)."""
    from casebook.site import DEVELOP_SETTINGS, PUBLISH_SETTINGS, BuildError
    from casebook.site import build as build_site

    _logging()
    settings = DEVELOP_SETTINGS if drafts else PUBLISH_SETTINGS
    try:
        result = build_site(ROOT / content, ROOT / output, settings)
    except BuildError as error:
        _print_problems(error.problems)
        raise Exit(f"build refused: {error}; {output}/ is unchanged", code=1) from None
    except KeyboardInterrupt as interrupt:
        state = "holds the new site" if getattr(interrupt, "published", False) else "is unchanged"
        raise Exit(f"build interrupted; {output}/ {state}", code=130) from None
    print(f"built {result.pages} pages into {output}/ in {result.seconds:.1f} s")


@task(help={"port": "port on 127.0.0.1 (default: 8000)", "content": "content folder", "output": "output folder"})
def serve(c, port=8000, content="content", output="output"):
    """Build with drafts, serve on 127.0.0.1, rebuild and reload the browser on every change."""
    from casebook.preview import Preview
    from casebook.serve import serve as serve_site
    from casebook.site import BuildError

    _logging()
    preview = Preview(ROOT / content, ROOT / output)

    def rebuild(changed=None) -> bool:
        try:
            result = preview.rebuild(changed)
        except BuildError as error:
            _print_problems(error.problems)
            print(f"build refused: {error}; still serving the previous site", file=sys.stderr)
            return False
        what = "rebuilt" if result.kind == "full" else "previewed the edit:"
        print(f"{what} {result.pages} pages in {result.seconds:.1f} s", flush=True)
        return True

    def poll() -> bool:
        if preview.poll():
            print("the whole site is up to date (background rebuild)", flush=True)
            return True
        return False

    try:
        rebuild()
        serve_site(ROOT / output, int(port), [ROOT / content, ROOT / "theme", ROOT / "plugins"], rebuild, poll)
    finally:
        preview.close()


@task(help={"seeds": "folder of raw articles, or one .txt file (default: seeds)",
            "content": "content folder (default: content)",
            "force": "regenerate cases that a curator edited (a backup is kept in content/.backups/)",
            "report": "also write what was removed from each seed, and why, to this file",
            "workers": "worker processes for batches (default: 2, or the number of cores if fewer)",
            "verbose": "print every removed line with its reason"})
def convert(c, seeds="seeds", content="content", force=False, report="", workers=0, verbose=False):
    """Convert every raw article in seeds/ into a case study in content/cases/."""
    from casebook.convert import run as run_convert

    _logging()
    code = run_convert(ROOT / seeds, ROOT / content, force=force, workers=int(workers) or None,
                       report=Path(report) if report else None, verbose=verbose)
    if code:
        raise Exit(code=code)


@task(help={"cases": "number of synthetic cases (default: 1000)",
            "compare": "also run this many cases and print how each figure grows",
            "browser": "measure search and edit-to-preview in Chromium (default: yes)",
            "work": "work folder (default: bench/work, git-ignored)",
            "preview": "measure edit-to-preview even above 2,000 cases (its target is set at 1,000)"})
def bench(c, cases=1000, compare=0, browser=True, work="", preview=False):
    """Generate N synthetic cases, convert and build them, measure; writes bench/results-<N>.json."""
    from casebook.bench import run as run_bench
    from casebook.bench.measure import BenchError
    from casebook.bench.report import growth, render, render_growth

    _logging()
    sizes = [int(cases)] + ([int(compare)] if int(compare) else [])
    runs = {}
    for size in sizes:
        try:
            runs[size] = run_bench(size, work=Path(work) if work else None, browser=browser,
                                   preview=True if preview else None)
        except BenchError as error:
            raise Exit(f"benchmark failed at {size} cases: {error}", code=1) from None
        print(render(runs[size]), end="\n\n")
    if len(sizes) == 2:
        large, small = max(sizes), min(sizes)
        rows = growth(runs[large], runs[small])
        print(render_growth(rows, large, small))
        (ROOT / "bench" / f"growth-{small}-{large}.json").write_text(
            json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"figures written to bench/results-{'.json, bench/results-'.join(map(str, sizes))}.json")


CHROMIUM = Path("/usr/bin/chromium")


def _ensure_chromium(c) -> None:
    """The browser tests drive Debian's Chromium; install it when we can (root with apt-get)."""
    if CHROMIUM.exists():
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        print("installing Debian's chromium for the browser tests (apt-get)...")
        c.run("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium", hide="out")
    if not CHROMIUM.exists():
        raise Exit(f"{CHROMIUM} is missing: install Debian's chromium (sudo apt-get install chromium), "
                   "or run 'invoke test --no-browser'", code=1)


@task(help={"browser": "include the browser tests (default: yes)", "k": "only tests matching this expression"})
def test(c, browser=True, k=""):
    """Run the whole test suite (unit, gold, built site and browser tests)."""
    args = [sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadgroup"]
    if browser:
        _ensure_chromium(c)
    else:
        args += ["-m", "not browser"]
    if k:
        args += ["-k", shlex.quote(k)]
    result = c.run(" ".join(args), pty=False, warn=True)
    if result.exited == 5:
        raise Exit("pytest collected no test: that is a failure, not a pass", code=1)
    if result.exited:
        raise Exit(code=result.exited)


@task
def clean(c):
    """Remove the built site and caches."""
    for name in ("output", ".cache"):
        shutil.rmtree(ROOT / name, ignore_errors=True)
    for stale in ROOT.glob(".output.*"):
        shutil.rmtree(stale, ignore_errors=True)
    print("removed output/ and .cache/")
