"""The search plugin's settings and their defaults (documented in the README, "Search")."""

from __future__ import annotations

from casebook.schema import LANGUAGES
from casebook.settings import SettingsError

DEFAULTS = {
    # Build the Pagefind index (false only to measure a build without it).
    "CASEBOOK_SEARCH_INDEX": True,
    # The one language setting every case is indexed under: its stemmer serves every query.
    "CASEBOOK_SEARCH_LANGUAGE": "fr",
    # Results shown at once; "more results" shows as many again.
    "CASEBOOK_SEARCH_PAGE_SIZE": 10,
    # Cases per Pagefind run: Pagefind 1.5 holds about 250 KB per case while it indexes, so a
    # larger archive is indexed in shards of this many, merged into one index.
    "CASEBOOK_SEARCH_SHARD_SIZE": 2000,
}


def search_settings(settings: dict) -> dict:
    """The plugin's settings, defaults filled in; a bad value fails fast."""
    values = {name: settings.get(name, default) for name, default in DEFAULTS.items()}
    if not isinstance(values["CASEBOOK_SEARCH_INDEX"], bool):
        raise SettingsError(f"CASEBOOK_SEARCH_INDEX = {values['CASEBOOK_SEARCH_INDEX']!r}: must be one of True, False")
    if values["CASEBOOK_SEARCH_LANGUAGE"] not in LANGUAGES:
        raise SettingsError(f"CASEBOOK_SEARCH_LANGUAGE = {values['CASEBOOK_SEARCH_LANGUAGE']!r}: "
                            f"must be one of {', '.join(LANGUAGES)}")
    size = values["CASEBOOK_SEARCH_PAGE_SIZE"]
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 100:
        raise SettingsError(f"CASEBOOK_SEARCH_PAGE_SIZE = {size!r}: must be a whole number from 1 to 100")
    shard = values["CASEBOOK_SEARCH_SHARD_SIZE"]
    if isinstance(shard, bool) or not isinstance(shard, int) or shard < 1:
        raise SettingsError(f"CASEBOOK_SEARCH_SHARD_SIZE = {shard!r}: must be a whole number of at least 1")
    return values
