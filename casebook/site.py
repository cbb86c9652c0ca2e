"""Build the site: validate the content, run Pelican into a fresh folder, swap it in.

A build that finds invalid content, fails, or is interrupted (SIGINT, SIGTERM) leaves the
previous output folder exactly as it was.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from casebook.check import check_content, check_links
from casebook.schema import Problem

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
PUBLISH_SETTINGS = ROOT / "publishconf.py"
DEVELOP_SETTINGS = ROOT / "pelicanconf.py"


class BuildError(RuntimeError):
    """The build refused or failed; ``problems`` says why, one line each."""

    def __init__(self, message: str, problems: list[Problem] | list[str] = ()):
        super().__init__(message)
        self.problems = list(problems)


@dataclass
class BuildResult:
    output: Path
    seconds: float
    pages: int
    warnings: list[str] = field(default_factory=list)


class _Collect(logging.Handler):
    """Collects Pelican's errors: a build that logged one is a failed build."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        (self.errors if record.levelno >= logging.ERROR else self.warnings).append(message)


@contextmanager
def sigterm_as_interrupt():
    """Turn SIGTERM into KeyboardInterrupt so that cleanup code runs on both signals."""

    def handler(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def swap_in(new: Path, output: Path) -> None:
    """Replace ``output`` by ``new`` with renames, so that readers never see a half site."""
    old = None
    if output.exists():
        old = output.with_name(f".{output.name}.old-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        output.rename(old)
    try:
        new.rename(output)
    except BaseException:
        if old is not None:
            old.rename(output)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def run_pelican(content: Path, output: Path, settings_file: Path, overrides: dict | None = None) -> list[str]:
    """Run Pelican in this process; returns its warnings, raises BuildError on its errors."""
    from pelican import Pelican
    from pelican.settings import read_settings

    override = {"PATH": str(content), "OUTPUT_PATH": str(output), **(overrides or {})}
    settings = read_settings(str(settings_file), override=override)
    collector = _Collect()
    pelican_logger = logging.getLogger("pelican")
    pelican_logger.addHandler(collector)
    try:
        Pelican(settings).run()
    finally:
        pelican_logger.removeHandler(collector)
    if collector.errors:
        raise BuildError("Pelican reported errors", collector.errors)
    return collector.warnings


def build(content: str | Path = "content", output: str | Path = "output",
          settings_file: str | Path = PUBLISH_SETTINGS, overrides: dict | None = None) -> BuildResult:
    """Validate ``content`` and build it into ``output``, swapping the new site in at the end."""
    started = time.perf_counter()
    content, output = Path(content).resolve(), Path(output).resolve()
    problems = check_content(content)
    if problems:
        raise BuildError(f"{len(problems)} problem(s) in {content}; nothing was published", problems)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.build-", dir=output.parent))
    try:
        with sigterm_as_interrupt():
            warnings = run_pelican(content, staging, Path(settings_file), overrides)
            broken = check_links(staging, shown_as=output.name)
            if broken:
                raise BuildError(f"{len(broken)} broken internal link(s); nothing was published", broken)
            swap_in(staging, output)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    pages = sum(1 for _ in output.rglob("*.html"))
    return BuildResult(output, time.perf_counter() - started, pages, warnings)
