"""The theme's settings: one table of defaults, read and checked in one place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from casebook.schema import UI_LANGUAGES
from casebook.settings import DEFAULT_UI_LANG, SettingsError, ui_lang

# name: (default, what it does). The README's theme section documents the same table;
# CASEBOOK_UI_LANG's default and check live in casebook.settings (the taxonomies read it too).
DEFAULTS = {
    "CASEBOOK_UI_LANG": (DEFAULT_UI_LANG, "language of the interface: one of " + ", ".join(UI_LANGUAGES)),
    "CASEBOOK_FEED_ATOM": ("feeds/all.atom.xml", "where the Atom feed of published cases is written ('' for none)"),
    "CASEBOOK_FEED_MAX": (50, "cases in the feed, newest first"),
    "CASEBOOK_SITEMAP": ("sitemap.xml", "where the sitemap is written ('' for none)"),
}


@dataclass(frozen=True)
class Config:
    ui_lang: str
    feed_atom: str
    feed_max: int
    sitemap: str


def setting(settings: Mapping, name: str):
    return settings.get(name, DEFAULTS[name][0])


def read_config(settings: Mapping) -> Config:
    """The theme's settings from Pelican's, or SettingsError naming the setting and the fix."""
    feed_max = setting(settings, "CASEBOOK_FEED_MAX")
    if isinstance(feed_max, bool) or not isinstance(feed_max, int) or feed_max < 1:
        raise SettingsError(f"CASEBOOK_FEED_MAX: {feed_max!r} must be a whole number of cases, 1 or more")
    paths = {}
    for name in ("CASEBOOK_FEED_ATOM", "CASEBOOK_SITEMAP"):
        value = setting(settings, name) or ""
        if not isinstance(value, str) or value.startswith("/") or ".." in value.split("/"):
            raise SettingsError(f"{name}: {value!r} must be a path inside the output folder, e.g. "
                                f"{DEFAULTS[name][0]!r}, or '' for none")
        paths[name] = value
    return Config(ui_lang=ui_lang(settings), feed_atom=paths["CASEBOOK_FEED_ATOM"], feed_max=feed_max,
                  sitemap=paths["CASEBOOK_SITEMAP"])
