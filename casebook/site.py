"""Build the site: validate the content, run Pelican into a fresh folder, swap it in.

A build that finds invalid content, fails, or is interrupted (SIGINT, SIGTERM) leaves the
previous output folder exactly as it was. The staging folder sits next to the output folder
(same file system, so the swap is a rename) and is named after the build's process, so that
the next build can remove what a killed one left behind.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import gc
import logging
import os
import pickle
import re
import secrets
import shutil
import signal
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from casebook import pending
from casebook.check import check_content, check_links, site_files
from casebook.forked import gone
from casebook.interrupts import signals_deferred
from casebook.schema import Problem
from casebook.settings import SettingsError

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


class BuildInterrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM stopped the build. ``published`` is False when the output folder is
    exactly as it was, True when the signal came while the finished site was being swapped in
    (the swap then completes first)."""

    def __init__(self, published: bool = False):
        super().__init__("after the new site was swapped in" if published else "before anything was published")
        self.published = published


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


@contextmanager
def signals_held():
    """SIGINT and SIGTERM wait until the block is done; then BuildInterrupted(published=True)."""
    with signals_deferred() as received:
        yield
    if received:
        raise BuildInterrupted(published=True)


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two folders (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(error, os.strerror(error), str(second))


def _libc():
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def swap_in(new: Path, output: Path) -> None:
    """Replace ``output`` by ``new`` so that readers never see a half site nor a missing one.

    On Linux the two folders trade places in one system call (``new`` then holds the old site,
    for the caller to remove); elsewhere two renames. Signals wait until the swap is done."""
    with signals_held():
        if output.exists() and _exchange(new, output):
            return
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
            old.rename(new)  # the caller removes ``new``, as after an exchange


STALE = re.compile(r"^\.(?P<name>.+)\.(build|old)-(?P<pid>\d+)(-.*)?$")


def remove_stale_folders(output: Path) -> list[Path]:
    """Remove staging and old-site folders next to ``output`` left by a build that was killed
    (SIGKILL, power loss): those whose process is gone. Returns what was removed."""
    removed = []
    if not output.parent.is_dir():
        return removed
    for path in sorted(output.parent.iterdir()):
        match = STALE.match(path.name)
        if match and match["name"] == output.name and path.is_dir() and gone(int(match["pid"])):
            remove_folder(path)
            removed.append(path)
            log.info("removed %s, left by an interrupted build", path)
    return removed


# A cache file cut short (a build killed while Pelican saved it) makes Pelican's next load fail
# with one of these instead of starting afresh.
UNREADABLE_CACHE = (EOFError, pickle.UnpicklingError, zlib.error)


def run_pelican(content: Path, output: Path, settings_file: Path, overrides: dict | None = None) -> list[str]:
    """Run Pelican in this process; returns its warnings, raises BuildError on its errors and on a
    bad CASEBOOK_ setting."""
    from pelican import Pelican, signals
    from pelican.settings import read_settings

    override = {"PATH": str(content), "OUTPUT_PATH": str(output), **(overrides or {})}
    settings = read_settings(str(settings_file), override=override)
    collector = _Collect()
    pelican_logger = logging.getLogger("pelican")
    pelican_logger.addHandler(collector)
    forget_logged_messages()
    signals.all_generators_finalized.connect(_freeze_heap)
    try:
        try:
            Pelican(settings).run()
        except SettingsError as error:  # a plugin refused a CASEBOOK_ setting: the message names it
            raise BuildError(f"a setting of {Path(settings_file).name} is wrong", [str(error)]) from None
        except UNREADABLE_CACHE as error:
            if not settings.get("LOAD_CONTENT_CACHE"):
                raise
            log.warning("Pelican's cache in %s is unreadable (%s): building without it", settings["CACHE_PATH"], error)
            shutil.rmtree(settings["CACHE_PATH"], ignore_errors=True)
            _empty(output)
            Pelican(read_settings(str(settings_file), override={**override, "LOAD_CONTENT_CACHE": False})).run()
    finally:
        signals.all_generators_finalized.disconnect(_freeze_heap)
        gc.unfreeze()
        pelican_logger.removeHandler(collector)
    if collector.errors:
        raise BuildError("Pelican reported errors", collector.errors)
    return collector.warnings


def _freeze_heap(_generators) -> None:
    """Once every generator has its context (the cases read and cross-linked, their terms and
    relations made), what is alive stays alive until the pages are written: frozen, Python's
    cyclic collector no longer scans it again at each full collection (3.6 s of the build's
    process at 10,000 cases, growing faster than the archive). Reference counting still frees
    what is dropped; run_pelican unfreezes it when Pelican's run ends."""
    gc.freeze()


def forget_logged_messages() -> None:
    """Let this build log again what an earlier build of the same process logged.

    Pelican's loggers drop a warning or info message already logged once in the process
    (``pelican.log.LimitFilter`` keeps them in class-level sets). That suits one ``pelican``
    run; in ``invoke serve``, which builds again and again in one process, a warning the
    curator brings back, or "rebuilding", would show only the first time, and the build's
    result would miss it."""
    from pelican.log import LimitFilter

    for seen in (getattr(LimitFilter, "_raised_messages", None), getattr(LimitFilter, "_group_count", None)):
        if hasattr(seen, "clear"):
            seen.clear()


# How many threads remove a folder. Removing a site is waiting, not computing: on the machine
# Casebook is tuned on (ext4 mounted with "discard", in a VM) each unlink waits a millisecond or
# more for the disk, and unlinks issued together wait together. A 2,000-case site (8,300 files,
# 6,400 folders) went in 1.3-1.7 s with 8 threads, against 2.2-2.7 s with shutil.rmtree (four
# runs each, idle machine, files just copied).
REMOVERS = 8
REMOVAL_BATCH = 64  # entries a thread removes between two looks at whether to stop


def remove_folder(folder: Path) -> None:
    """What ``shutil.rmtree(folder, ignore_errors=True)`` does, with REMOVERS threads: the
    files first, then the folders level by level from the deepest. An interrupt stops it after
    the batches under way."""
    files, levels = _entries(folder)
    pool = ThreadPoolExecutor(REMOVERS, thread_name_prefix="remove")
    try:
        for remove, paths in [(os.unlink, files)] + [(os.rmdir, level) for level in reversed(levels)]:
            batches = [paths[start:start + REMOVAL_BATCH] for start in range(0, len(paths), REMOVAL_BATCH)]
            for _ in pool.map(functools.partial(_remove_each, remove), batches):
                pass
    finally:
        pool.shutdown(cancel_futures=True)


def _remove_each(remove, paths: list[str]) -> None:
    for path in paths:
        try:
            remove(path)
        except OSError:
            pass


def _entries(folder: Path) -> tuple[list[str], list[list[str]]]:
    """The files (and links) under ``folder``, and the folders level by level, ``folder`` first."""
    files: list[str] = []
    levels: list[list[str]] = []
    level = [str(folder)]
    while level:
        levels.append(level)
        below: list[str] = []
        for path in level:
            try:
                with os.scandir(path) as entries:
                    for entry in entries:
                        (below if entry.is_dir(follow_symlinks=False) else files).append(entry.path)
            except OSError:
                pass
        level = below
    return files, levels


def _empty(folder: Path) -> None:
    for child in folder.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def build(content: str | Path = "content", output: str | Path = "output",
          settings_file: str | Path = PUBLISH_SETTINGS, overrides: dict | None = None) -> BuildResult:
    """Validate ``content`` and build it into ``output``, swapping the new site in at the end.

    Raises BuildError (nothing published) or BuildInterrupted on SIGINT/SIGTERM."""
    started = time.perf_counter()
    content, output = Path(content).resolve(), Path(output).resolve()
    problems = check_content(content)
    if problems:
        raise BuildError(f"{len(problems)} problem(s) in {content}; nothing was published", problems)
    output.parent.mkdir(parents=True, exist_ok=True)
    published = False
    try:
        with sigterm_as_interrupt():
            remove_stale_folders(output)
            staging = output.parent / f".{output.name}.build-{os.getpid()}-{secrets.token_hex(4)}"
            try:
                staging.mkdir(mode=0o755)  # inside the try: a signal right after it still removes it
                # The links are checked while the search index is finished (casebook/pending.py).
                with pending.collected() as unfinished:
                    warnings = run_pelican(content, staging, Path(settings_file), overrides)
                    listing = site_files(staging)
                    broken = check_links(staging, shown_as=output.name, listing=listing)
                    if broken:
                        raise BuildError(f"{len(broken)} broken internal link(s); nothing was published", broken)
                    unfinished.finish()
                swap_in(staging, output)
                published = True
            finally:
                remove_folder(staging)  # the failed build, or the old site
    except BuildInterrupted:
        raise
    except KeyboardInterrupt:
        raise BuildInterrupted(published) from None
    return BuildResult(output, time.perf_counter() - started, len(listing.pages), warnings)
