"""The theme's settings: one table of defaults, read and checked in one place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from casebook.schema import UI_LANGUAGES

# name: (default, what it does). The README's theme section documents the same table.
DEFAULTS = {
    "CASEBOOK_UI_LANG": ("fr", "language of the interface: one of " + ", ".join(UI_LANGUAGES)),
    "CASEBOOK_FEED_ATOM": ("feeds/all.atom.xml", "where the Atom feed of published cases is written ('' for none)"),
    "CASEBOOK_FEED_MAX": (50, "cases in the feed, newest first"),
    "CASEBOOK_SITEMAP": ("sitemap.xml", "where the sitemap is written ('' for none)"),
}


class SettingsError(ValueError):
    """A theme setting has a value the theme cannot use."""


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
    ui_lang = setting(settings, "CASEBOOK_UI_LANG")
    if ui_lang not in UI_LANGUAGES:
        raise SettingsError(f"CASEBOOK_UI_LANG: {ui_lang!r} must be one of " + ", ".join(UI_LANGUAGES))
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
    return Config(ui_lang=ui_lang, feed_atom=paths["CASEBOOK_FEED_ATOM"], feed_max=feed_max,
                  sitemap=paths["CASEBOOK_SITEMAP"])
