"""What every Casebook plugin shares about its settings: the error a bad value raises, and the
interface language, which the theme (its strings and dates) and the plugins (their labels) read.

Each plugin keeps its own settings and defaults (``plugins/*/config.py`` or ``settings.py``);
``casebook.site`` turns a ``SettingsError`` into a refused build that names the setting.
"""

from __future__ import annotations

from collections.abc import Mapping

from casebook.schema import UI_LANGUAGES

UI_LANG_SETTING = "CASEBOOK_UI_LANG"
DEFAULT_UI_LANG = "fr"


class SettingsError(ValueError):
    """A CASEBOOK_ setting has a value Casebook cannot use; the message names it and the fix."""


def ui_lang(settings: Mapping) -> str:
    """CASEBOOK_UI_LANG (default ``fr``), or SettingsError when it is not a UI language."""
    value = settings.get(UI_LANG_SETTING, DEFAULT_UI_LANG)
    if value not in UI_LANGUAGES:
        raise SettingsError(f"{UI_LANG_SETTING}: {value!r} must be one of " + ", ".join(UI_LANGUAGES))
    return value
