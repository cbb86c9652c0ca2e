"""The cases split between this process and a forked child (``casebook.forked``).

When the articles generator is made (``article_generator_init``: every ``readers_init``
receiver has wrapped the reader classes, so the child runs the same outermost ``read``,
cross-link mentions included), ``start`` lists the files exactly as the generator will
(``get_files`` over ARTICLE_PATHS), in the order it will read them, and forks a child that
reads the last share of them. Each reader instance's ``read`` is then replaced by a
``ServedRead``: Pelican asks for every file as usual (its preread signal, metadata, content
classes and validity checks all run here), and for a file of the child's share it gets the
child's result, waiting for the child the first time. An exception raised while the child
read a file is raised again when Pelican asks for that file, so Pelican reports it exactly
as in a sequential build; a result that cannot be handed back, or a child that fails as a
whole, means the file is read here instead.

Where a split could not pay or could go wrong, every case is read here, as Pelican alone
does: CASEBOOK_READ_PROCESSES = 1; a content cache to load (Pelican consults it before it
reads, and skips what it finds there); other threads running (the preview's rebuilds, where
fork is unsafe); fewer than MIN_FILES cases.
"""

from __future__ import annotations

import io
import logging
import os
import pickle
import time
import traceback
import weakref
from collections.abc import Callable, Mapping
from functools import partial

from pelican.utils import file_suffix

from casebook.forked import Forked, can_fork

from .settings import read_processes

log = logging.getLogger(__name__)

# Below this many cases the split is not worth a process: a case takes about 6 ms to read
# (2,000-case bench corpus), so a few dozen take less than the noise of a loaded machine.
MIN_FILES = 40
# The child's share of the files, the last ones Pelican reads. The parent also builds each
# article from the reader's result, the child pickles each result: at 2,000 cases, with an
# equal split, the parent reached the child's share 0.1 to 0.3 s before the child was done.
CHILD_SHARE = 0.5

Read = Callable[[str], tuple]


def start(generator) -> None:
    """Fork the child that reads the generator's last files, when a split is worth it."""
    settings = generator.settings
    if read_processes(settings) == 1 or settings.get("LOAD_CONTENT_CACHE") or not can_fork():
        return
    files = _readable_files(generator)
    if len(files) < MIN_FILES:
        return
    share = files[len(files) - round(len(files) * CHILD_SHARE):]
    # The child starts at once, before the readers are wrapped below: it runs their own read.
    child = Forked(partial(_read_all, share, settings), f"reading {len(share)} cases")
    weakref.finalize(generator, child.cancel)  # a build stopped before its articles were read
    split = Split(child, {path for path, _ in share}, settings)
    for _, reader in share:
        if not isinstance(vars(reader).get("read"), ServedRead):
            reader.read = ServedRead(split, reader.read)
    log.debug("parallel_reader: %d of %d cases read in a child process", len(share), len(files))


def finish(generator) -> None:
    """Every case is read: the child is reaped (killed if Pelican never asked for its files)
    and the readers read again as they did."""
    for reader in generator.readers.readers.values():
        served = vars(reader).get("read")
        if isinstance(served, ServedRead):
            served.split.close()
            del reader.read


def _readable_files(generator) -> list[tuple[str, object]]:
    """(absolute path, reader) of the generator's articles, in the order it reads them: the
    same call to the same set of files yields the same order in this process."""
    settings = generator.settings
    files = []
    for name in generator.get_files(settings["ARTICLE_PATHS"], exclude=settings["ARTICLE_EXCLUDES"]):
        path = os.path.abspath(os.path.join(generator.path, name))  # as Readers.read_file names it
        reader = generator.readers.readers.get(file_suffix(path))
        if reader is not None:
            files.append((path, reader))
    return files


class Split:
    """The child reading a share of the files, and its results until Pelican asks for them."""

    def __init__(self, child: Forked, paths: set[str], settings: Mapping):
        self._child = child
        self._pending = paths
        self._settings = settings
        self._results: dict[str, bytes | None] | None = None

    def take(self, path: str) -> tuple[str, object] | None:
        """("read", (html, metadata)) or ("raised", error) for a file the child read; None
        for a file to read here."""
        if path not in self._pending:
            return None
        self._pending.discard(path)
        blob = self._collect().pop(path, None)
        return None if blob is None else _load(blob, self._settings)

    def close(self) -> None:
        self._child.cancel()
        self._pending.clear()
        self._results = None

    def _collect(self) -> dict[str, bytes | None]:
        if self._results is None:
            started = time.perf_counter()
            try:
                self._results = self._child.result()
            except Exception as error:  # noqa: BLE001 (the files are read here instead; an interrupt goes on)
                log.warning("parallel_reader: the child process failed (%s); the cases it read are read again "
                            "in the build's process", error)
                self._results = {}
            log.debug("parallel_reader: waited %.2f s for the child's results", time.perf_counter() - started)
        return self._results


class ServedRead:
    """Stands in for a reader instance's ``read``: the child's result for a file of its share,
    the reader's own ``read`` for the others."""

    def __init__(self, split: Split, read: Read):
        self.split = split
        self.read = read

    def __call__(self, source_path: str) -> tuple:
        outcome = self.split.take(source_path)
        if outcome is None:
            return self.read(source_path)
        kind, value = outcome
        if kind == "raised":
            raise value
        return value


def _read_all(files: list[tuple[str, object]], settings: Mapping) -> dict[str, bytes | None]:
    """In the child: each file's outcome, pickled (None when it cannot be)."""
    return {path: _dump(_read_one(reader.read, path), settings) for path, reader in files}


def _read_one(read: Read, path: str) -> tuple[str, object]:
    try:
        return ("read", read(path))
    except Exception as error:  # noqa: BLE001 (raised again when Pelican asks for the file)
        error.add_note(f"read in a forked child process:\n{traceback.format_exc()}")
        return ("raised", error)


class _Pickler(pickle.Pickler):
    """Pelican's settings, which every Category and Author object refers to, are not copied:
    the parent puts its own back (the settings hold functions that cannot be pickled)."""

    def __init__(self, file, settings: Mapping):
        super().__init__(file, pickle.HIGHEST_PROTOCOL)
        self.settings = settings

    def persistent_id(self, obj):
        return "settings" if obj is self.settings else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, settings: Mapping):
        super().__init__(file)
        self.settings = settings

    def persistent_load(self, pid):
        if pid != "settings":
            raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")
        return self.settings


def _dump(outcome: tuple[str, object], settings: Mapping) -> bytes | None:
    buffer = io.BytesIO()
    try:
        _Pickler(buffer, settings).dump(outcome)
    except Exception:  # noqa: BLE001 (the parent reads this file itself)
        return None
    return buffer.getvalue()


def _load(blob: bytes, settings: Mapping) -> tuple[str, object]:
    return _Unpickler(io.BytesIO(blob), settings).load()
