"""The taxonomy plugin's settings: every default lives here, with its documentation.

Read them with ``read_config(settings)``; a bad value raises ``SettingsError`` naming the
setting and what it must be. The README's "Taxonomies" section lists the same table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from casebook.settings import SettingsError, ui_lang

from .core import FACET_NAMES, FACETS_BY_NAME, Facet

# name: (default, documentation)
DEFAULTS: dict[str, tuple[Any, str]] = {
    "CASEBOOK_TAXONOMY_FACETS": (FACET_NAMES, "the facets that get pages, in display order"),
    "CASEBOOK_TAXONOMY_PAGINATION": (20, "cases per term page"),
    "CASEBOOK_TAXONOMY_MIN_COUNT": (1, "cases a term needs to get its own page"),
    "CASEBOOK_TAXONOMY_ASSOCIATED_MAX": (8, "terms listed as 'souvent associé à' on a term page"),
    "CASEBOOK_TAXONOMY_CLOUD_MIN_TERMS": (12, "terms a facet needs for its index to show the cloud view"),
}
# Labels (vocabularies, roles, facet titles) are in CASEBOOK_UI_LANG, read with its default
# from casebook.settings.


@dataclass(frozen=True)
class Config:
    facets: tuple[Facet, ...]
    pagination: int
    min_count: int
    associated_max: int
    cloud_min_terms: int
    ui_lang: str


def _positive_int(settings: Mapping, name: str, minimum: int) -> int:
    value = settings.get(name, DEFAULTS[name][0])
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SettingsError(f"{name}: {value!r} must be one of the whole numbers >= {minimum}")
    return value


def read_config(settings: Mapping) -> Config:
    """The plugin's settings from Pelican's, with defaults; fails fast on a bad value."""
    names = settings.get("CASEBOOK_TAXONOMY_FACETS", DEFAULTS["CASEBOOK_TAXONOMY_FACETS"][0])
    if isinstance(names, str) or not isinstance(names, (list, tuple)):
        raise SettingsError(f"CASEBOOK_TAXONOMY_FACETS: {names!r} must be a list of facet names, each must be one of "
                            + ", ".join(FACET_NAMES))
    for name in names:
        if name not in FACETS_BY_NAME:
            raise SettingsError(f"CASEBOOK_TAXONOMY_FACETS: {name!r} must be one of " + ", ".join(FACET_NAMES))
    if len(set(names)) != len(names):
        raise SettingsError(f"CASEBOOK_TAXONOMY_FACETS: {list(names)!r} names a facet twice; "
                            "each must be one of " + ", ".join(FACET_NAMES) + ", once")
    return Config(
        facets=tuple(FACETS_BY_NAME[name] for name in names),
        pagination=_positive_int(settings, "CASEBOOK_TAXONOMY_PAGINATION", 1),
        min_count=_positive_int(settings, "CASEBOOK_TAXONOMY_MIN_COUNT", 1),
        associated_max=_positive_int(settings, "CASEBOOK_TAXONOMY_ASSOCIATED_MAX", 0),
        cloud_min_terms=_positive_int(settings, "CASEBOOK_TAXONOMY_CLOUD_MIN_TERMS", 1),
        ui_lang=ui_lang(settings),
    )
