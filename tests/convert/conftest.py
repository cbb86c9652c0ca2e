"""Helpers shared by the converter's tests: a converter with a small registry, pair fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from casebook.convert.entities import Matcher, build_matcher
from casebook.registry import Registry

CASES = Path(__file__).resolve().parents[1] / "cases"


@pytest.fixture(scope="session")
def empty_matcher() -> Matcher:
    """The registry matcher of an empty registry: only the heuristics find entities."""
    return build_matcher(Registry())
