"""The parallel reader's setting and its default (documented in the README, "Performance")."""

from __future__ import annotations

from collections.abc import Mapping

from casebook.settings import SettingsError

SETTING = "CASEBOOK_READ_PROCESSES"
# 2: a forked child process reads a share of the cases on the machine's second core;
# 1: this process reads every case, as Pelican alone does.
DEFAULT = 2
CHOICES = (1, 2)


def read_processes(settings: Mapping) -> int:
    """CASEBOOK_READ_PROCESSES (default 2), or SettingsError when it is not 1 or 2."""
    value = settings.get(SETTING, DEFAULT)
    if isinstance(value, bool) or value not in CHOICES:
        raise SettingsError(f"{SETTING}: {value!r} must be one of " + ", ".join(map(str, CHOICES)))
    return value
