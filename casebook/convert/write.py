"""Stage 5, write: cases land on disk atomically, and curators' edits are never overwritten.

- A file is written to a temporary file in the same folder, flushed, then renamed over the
  target: an interrupted run leaves either the old file or the new one, never half of one.
- The manifest ``content/.convert-manifest.json`` records, for each generated case, its seed
  and the SHA-256 of the bytes the converter wrote. A case whose bytes differ from that record,
  or that has no record (a case written by hand, or before the manifest), counts as edited by a
  curator: it is kept unless ``--force``, which first copies it to ``content/.backups/``.
- Existing cases are found by ``source.file`` in their front matter, not by slug, because a
  curator may retitle a case and rename its file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import signal
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from casebook.frontmatter import FrontMatterError, parse
from casebook.interrupts import signals_deferred

log = logging.getLogger(__name__)

MANIFEST_NAME = ".convert-manifest.json"
BACKUP_DIR = ".backups"
CASES_DIR = "cases"
_SOURCE_FILE = re.compile(r"^source:[ \t]*\n(?:[ \t]+.*\n)*?[ \t]+file:[ \t]*['\"]?(?P<file>[^'\"\n]+?)['\"]?[ \t]*$",
                          re.MULTILINE)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_umask()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def atomic_write(path: Path, data: bytes, durable: bool = False) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: a reader, or the next run
    after an interruption, sees the old file or the new one, never part of one. ``durable`` also
    flushes the file to disk before the rename (the manifest; cases can be regenerated)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with signals_held():  # a stop between mkstemp and the try below would leave the .tmp behind
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                if durable:
                    stream.flush()
                    os.fsync(stream.fileno())
            os.chmod(temporary, FILE_MODE)
            os.replace(temporary, path)
        except BaseException:
            try:
                os.unlink(temporary)
            except FileNotFoundError:
                pass
            raise


@contextmanager
def signals_held():
    """SIGINT and SIGTERM wait until the block is done, then stop the run as usual."""
    received: list[int] = []
    try:
        with signals_deferred() as received:
            yield
    finally:
        for signum in dict.fromkeys(received):
            signal.raise_signal(signum)


@dataclass
class Manifest:
    path: Path
    cases: dict[str, dict] = field(default_factory=dict)  # "cases/<name>.md" -> {source, sha256}

    @classmethod
    def load(cls, content: Path) -> Manifest:
        path = content / MANIFEST_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            cases = data.get("cases", {}) if isinstance(data, dict) else {}
        except FileNotFoundError:
            cases = {}
        except (ValueError, UnicodeDecodeError):
            log.warning("%s is not valid JSON: every existing case counts as edited", path)
            cases = {}
        return cls(path, {k: v for k, v in cases.items() if isinstance(v, dict)})

    def save(self) -> None:
        content = self.path.parent
        self.cases = {k: v for k, v in self.cases.items() if (content / k).exists()}  # deleted cases go
        text = json.dumps({"version": 1, "cases": self.cases}, ensure_ascii=False, indent=1, sort_keys=True)
        atomic_write(self.path, (text + "\n").encode("utf-8"), durable=True)

    def record(self, relative: str, source: str, data: bytes) -> None:
        self.cases[relative] = {"source": source, "sha256": sha256(data)}

    def generated(self, relative: str, data: bytes) -> bool:
        """True when ``data`` is exactly what the converter last wrote there."""
        entry = self.cases.get(relative)
        return bool(entry) and entry.get("sha256") == sha256(data)


def source_of(data: bytes) -> str | None:
    """The ``source.file`` of a case, read quickly (regex) or, failing that, with the YAML parser."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    head = text.split("\n---", 2)[0] if text.startswith("---") else ""
    match = _SOURCE_FILE.search(head + "\n")
    if match:
        return match.group("file").strip()
    try:
        source = parse(text).data.get("source")
    except FrontMatterError:
        return None
    if isinstance(source, dict) and isinstance(source.get("file"), str):
        return source["file"].strip()
    return None


@dataclass
class ExistingCase:
    path: Path
    data: bytes


def existing_cases(content: Path) -> dict[str, ExistingCase]:
    """source file name -> the case written from it (the first by file name, if several)."""
    found: dict[str, ExistingCase] = {}
    for path in sorted((content / CASES_DIR).glob("*.md")):
        data = path.read_bytes()
        source = source_of(data)
        if source is None:
            continue
        if source in found:
            log.warning("%s and %s both come from %s: the converter updates only the first",
                        found[source].path, path, source)
            continue
        found[source] = ExistingCase(path, data)
    return found


def backup(content: Path, path: Path, data: bytes) -> Path:
    """Copy a curator's version before --force replaces it; named by its hash, never overwritten."""
    target = content / BACKUP_DIR / CASES_DIR / f"{path.stem}.{sha256(data)[:12]}{path.suffix}"
    if not target.exists():
        atomic_write(target, data, durable=True)
    return target
