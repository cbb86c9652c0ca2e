"""A batch: every seed of a folder converted in parallel workers, written in order.

Workers (processes) decode, clean, segment and annotate; the main process assigns slugs,
decides what to write (new, unchanged, kept for the curator, forced) and writes atomically,
in seed order, so that the same seeds give the same files. One bad seed is reported with its
file name and the batch goes on; SIGINT or SIGTERM stops it cleanly, with the manifest saved
for every case already written.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from casebook.registry import load_registry
from casebook.schema import slugify

from . import ConvertError, convert_bytes
from .annotate import preload_language_models
from .entities import Matcher, build_matcher
from .write import CASES_DIR, Manifest, atomic_write, backup, existing_cases, signals_held

log = logging.getLogger(__name__)

# Below this many seeds a batch runs in the main process: starting workers costs more.
PARALLEL_MIN = 16
DEFAULT_WORKERS = min(2, os.cpu_count() or 1)
SEED_SUFFIX = ".txt"


@dataclass
class SeedResult:
    filename: str
    document: str | None = None
    title: str = ""
    removed: list[tuple[int, str, str]] = field(default_factory=list)  # (line, reason, text)
    proposals: list[tuple[str, str]] = field(default_factory=list)
    error: str | None = None


@dataclass
class Summary:
    converted: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    backups: list[str] = field(default_factory=list)
    proposals: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def line(self) -> str:
        return (f"converted {len(self.converted)}, unchanged {len(self.unchanged)}, kept {len(self.kept)} "
                f"(edited by a curator), failed {len(self.failed)}, proposals {len(self.proposals)}")


# ---------------------------------------------------------------------------
# Workers
# ---------------------------------------------------------------------------

_worker_matcher: Matcher | None = None


def _init_worker(content: str) -> None:
    global _worker_matcher
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process decides how to stop
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if _worker_matcher is None:  # forked workers inherit the main process's; spawned ones load it
        _worker_matcher = build_matcher(load_registry(content))


def convert_seed(path: Path, matcher: Matcher) -> SeedResult:
    """One seed, never raising: an error becomes the result's ``error``."""
    result = SeedResult(path.name)
    try:
        data = path.read_bytes()
        conversion = convert_bytes(data, path.name, matcher)
    except (ConvertError, ValueError, OSError) as error:
        result.error = str(error)
        return result
    except Exception as error:  # noqa: BLE001 (one bad seed must never stop the batch)
        log.debug("unexpected error on %s", path, exc_info=True)
        result.error = f"unexpected {type(error).__name__}: {error} (please report this seed)"
        return result
    result.document = conversion.document
    result.title = conversion.data.get("title", "")
    result.removed = [(r.number, r.reason, r.text) for r in conversion.removed]
    result.proposals = conversion.proposals
    return result


def _convert_in_worker(path: Path) -> SeedResult:
    assert _worker_matcher is not None
    return convert_seed(path, _worker_matcher)


def _results(seeds: list[Path], content: Path, workers: int, matcher: Matcher) -> Iterator[SeedResult]:
    if workers <= 1 or len(seeds) < PARALLEL_MIN:
        for path in seeds:
            yield convert_seed(path, matcher)
        return
    import multiprocessing

    global _worker_matcher
    fork = sys.platform.startswith("linux")
    context = multiprocessing.get_context("fork" if fork else "spawn")
    if fork:
        # Load once here: forked workers share the registry index and the language models.
        _worker_matcher = matcher
        preload_language_models()
    chunksize = max(1, min(32, len(seeds) // (workers * 8)))
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                             initargs=(str(content),)) as pool:
        try:
            yield from pool.map(_convert_in_worker, seeds, chunksize=chunksize)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


# ---------------------------------------------------------------------------
# The batch
# ---------------------------------------------------------------------------


def seed_files(seeds: Path) -> list[Path]:
    if seeds.is_file():
        return [seeds]
    return sorted(p for p in seeds.glob(f"*{SEED_SUFFIX}") if p.is_file())


def _new_path(cases_dir: Path, title: str, filename: str, taken: set[str]) -> Path:
    base = slugify(title) or slugify(Path(filename).stem) or "case"
    slug, number = base, 2
    while slug in taken or (cases_dir / f"{slug}.md").exists():
        suffix = f"-{number}"
        slug = base[: 80 - len(suffix)].rstrip("-") + suffix
        number += 1
    taken.add(slug)
    return cases_dir / f"{slug}.md"


def _on_sigterm(signum, frame):  # noqa: ARG001
    raise KeyboardInterrupt


def run(seeds: Path, content: Path, force: bool = False, workers: int | None = None,
        report: Path | None = None, verbose: bool = False, progress: bool | None = None) -> int:
    """Convert every seed in ``seeds`` into ``content``/cases/. Returns the exit code:
    0 when every seed converted (or was kept), 1 when any failed, 130 when interrupted."""
    seeds, content = Path(seeds), Path(content)
    if not seeds.exists():
        log.error("%s: no such folder (give the folder of seed .txt files with --seeds)", seeds)
        return 2
    files = seed_files(seeds)
    if not files:
        log.warning("%s: no %s seed to convert", seeds, SEED_SUFFIX)
    registry = load_registry(content)
    for problem in registry.problems:
        log.warning("%s", problem)
    matcher = build_matcher(registry)
    cases_dir = content / CASES_DIR
    manifest = Manifest.load(content)
    existing = existing_cases(content)
    taken = {p.stem for p in cases_dir.glob("*.md")}
    summary = Summary()
    report_lines: list[str] = []
    workers = DEFAULT_WORKERS if workers is None else max(1, int(workers))
    show_progress = (len(files) > 1 and sys.stderr.isatty()) if progress is None else progress

    previous_sigterm = signal.getsignal(signal.SIGTERM)
    try:
        signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread
        previous_sigterm = None
    interrupted = False
    try:
        results = _results(files, content, workers, matcher)
        if show_progress:
            results = _with_progress(results, len(files))
        for result in results:
            _place(result, content, cases_dir, manifest, existing, taken, force, summary, report_lines, verbose)
    except KeyboardInterrupt:
        interrupted = True
        log.error("interrupted: %d case(s) written before the stop are complete; no partial file is left",
                  len(summary.converted))
    finally:
        if previous_sigterm is not None:
            signal.signal(signal.SIGTERM, previous_sigterm)
        if summary.converted or summary.backups:
            manifest.save()
    _report(summary, report_lines, report)
    if interrupted:
        return 130
    return 1 if summary.failed else 0


def _with_progress(results: Iterator[SeedResult], total: int) -> Iterator[SeedResult]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("converting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("convert", total=total)
        for result in results:
            yield result
            bar.advance(task)


def _place(result: SeedResult, content: Path, cases_dir: Path, manifest: Manifest, existing: dict,
           taken: set[str], force: bool, summary: Summary, report_lines: list[str], verbose: bool) -> None:
    name = result.filename
    if result.error is not None:
        summary.failed.append(name)
        log.error("%s: %s", name, result.error)
        report_lines.append(f"{name}: FAILED: {result.error}")
        return
    data = result.document.encode("utf-8")
    case = existing.get(name)
    if case is not None:
        path = case.path
        relative = f"{CASES_DIR}/{path.name}"
        edited = not manifest.generated(relative, case.data)
        if case.data == data and not edited:
            summary.unchanged.append(str(path))
            status = "unchanged"
        elif edited and not force:
            summary.kept.append(str(path))
            log.info("%s: kept %s (edited by a curator since it was generated; --force regenerates it)",
                     name, path)
            status = "kept"
        else:
            if edited:
                saved = backup(content, path, case.data)
                summary.backups.append(str(saved))
                log.info("%s: backed up the edited %s to %s", name, path, saved)
            with signals_held():  # a case on disk is always in the saved manifest, or it would look edited
                atomic_write(path, data)
                manifest.record(relative, name, data)
                summary.converted.append(str(path))
            status = "regenerated" if edited else "updated"
    else:
        path = _new_path(cases_dir, result.title, name, taken)
        with signals_held():
            atomic_write(path, data)
            manifest.record(f"{CASES_DIR}/{path.name}", name, data)
            summary.converted.append(str(path))
        status = "converted"
    for kind, proposal in result.proposals:
        summary.proposals.setdefault((kind, proposal), []).append(name)
    report_lines.append(f"{name}: {status} -> {path}")
    for number, reason, text in result.removed:
        line = f"  removed line {number} ({reason}): {text}"
        report_lines.append(line)
        if verbose:
            log.info("%s: %s", name, line.strip())
    for kind, proposal in result.proposals:
        report_lines.append(f"  proposal ({kind}): {proposal}")


def _report(summary: Summary, report_lines: list[str], report: Path | None) -> None:
    if summary.proposals:
        log.info("proposals for the registry (found in the text, not in content/entities/):")
        for (kind, name), files in sorted(summary.proposals.items()):
            log.info("  %s: %s (%s)", kind, name, ", ".join(sorted(set(files))))
    log.info("%s", summary.line())
    if report is not None:
        text = "\n".join([*report_lines, "", summary.line(), ""])
        atomic_write(Path(report), text.encode("utf-8"))
        log.info("report written to %s", report)
