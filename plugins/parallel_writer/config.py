"""The parallel writer's one setting, its default and its check (the README's "Performance"
section documents it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from casebook.settings import SettingsError

# name: (default, documentation)
DEFAULTS: dict[str, tuple[Any, str]] = {
    "CASEBOOK_WRITE_PROCESSES": (2, "processes writing the pages: 2 (a forked process writes half of them, "
                                    "where fork is available and no other thread runs) or 1"),
}
CHOICES = (1, 2)


def write_processes(settings: Mapping) -> int:
    """CASEBOOK_WRITE_PROCESSES (default 2), or SettingsError when it is not 1 or 2."""
    value = settings.get("CASEBOOK_WRITE_PROCESSES", DEFAULTS["CASEBOOK_WRITE_PROCESSES"][0])
    if isinstance(value, bool) or not isinstance(value, int) or value not in CHOICES:
        raise SettingsError(f"CASEBOOK_WRITE_PROCESSES: {value!r} must be one of " + ", ".join(map(str, CHOICES)))
    return value
