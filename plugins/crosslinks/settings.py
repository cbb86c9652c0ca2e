"""The cross-links plugin's settings: every default lives here, and a bad value fails fast."""

from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Real

from casebook.settings import SettingsError

# Kinds of term two cases can share, as the scorer names them (registry kinds, then free-text
# facets, then vocabularies).
TERM_KINDS = ("campaigns", "organizations", "people", "themes", "sectors", "channels", "audiences")

DEFAULTS = {
    # How many related cases a case page lists at most.
    "CASEBOOK_RELATED_MAX": 5,
    # Weight of each kind of shared term. A term shared by only two cases counts about its
    # weight; the more cases share it, the less it counts (normalized IDF, see related.py).
    "CASEBOOK_RELATED_WEIGHTS": {
        "campaigns": 3.0,
        "organizations": 2.0,
        "people": 2.0,
        "themes": 1.5,
        "sectors": 1.0,
        "channels": 0.5,
        "audiences": 0.5,
    },
    # A case is related only when its score reaches this: one shared organization or theme
    # does, two shared channels do not.
    "CASEBOOK_RELATED_MIN_SCORE": 1.0,
    # Terms held by more cases than this are not used to find candidates (they still add to
    # the score of candidates found through rarer terms): keeps relating near-linear.
    "CASEBOOK_RELATED_MAX_POSTINGS": 100,
    # How many shared terms the "why" label of a related case names.
    "CASEBOOK_RELATED_REASONS": 3,
    # How many other cases of its campaign a case page lists at most, the nearest in time (the
    # campaign's page lists them all): every mate on every page grew with the square of a campaign.
    "CASEBOOK_CAMPAIGN_MAX": 10,
    # Reuse the last relations computed in this process when every case's terms and these
    # settings are as they were (the preview of ``invoke serve`` sets it: an edit of a case's
    # text cannot change them). Off in every other build.
    "CASEBOOK_RELATED_REUSE": False,
}


@dataclass(frozen=True)
class CrossLinksSettings:
    max_related: int = DEFAULTS["CASEBOOK_RELATED_MAX"]
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULTS["CASEBOOK_RELATED_WEIGHTS"]))
    min_score: float = DEFAULTS["CASEBOOK_RELATED_MIN_SCORE"]
    max_postings: int = DEFAULTS["CASEBOOK_RELATED_MAX_POSTINGS"]
    reasons: int = DEFAULTS["CASEBOOK_RELATED_REASONS"]
    max_campaign: int = DEFAULTS["CASEBOOK_CAMPAIGN_MAX"]
    reuse: bool = DEFAULTS["CASEBOOK_RELATED_REUSE"]


def _whole(name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SettingsError(f"{name} must be a whole number of at least {minimum}, not {value!r}")
    return value


def _number(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or value < 0:
        raise SettingsError(f"{name} must be a number of at least 0, not {value!r}")
    return float(value)


def _boolean(name: str, value) -> bool:
    if not isinstance(value, bool):
        raise SettingsError(f"{name} must be one of True, False, not {value!r}")
    return value


def read_settings(settings: dict) -> CrossLinksSettings:
    """The plugin's settings from Pelican's, defaults filled in. Raises SettingsError on a bad value."""
    value = {name: settings.get(name, default) for name, default in DEFAULTS.items()}
    weights = value["CASEBOOK_RELATED_WEIGHTS"]
    if not isinstance(weights, dict):
        raise SettingsError(f"CASEBOOK_RELATED_WEIGHTS must be a mapping of kind to weight, not {weights!r}")
    for kind in weights:
        if kind not in TERM_KINDS:
            raise SettingsError(f"CASEBOOK_RELATED_WEIGHTS: {kind!r} must be one of {', '.join(TERM_KINDS)}")
    merged = {**DEFAULTS["CASEBOOK_RELATED_WEIGHTS"], **weights}
    return CrossLinksSettings(
        max_related=_whole("CASEBOOK_RELATED_MAX", value["CASEBOOK_RELATED_MAX"], 0),
        weights={kind: _number(f"CASEBOOK_RELATED_WEIGHTS[{kind!r}]", merged[kind]) for kind in TERM_KINDS},
        min_score=_number("CASEBOOK_RELATED_MIN_SCORE", value["CASEBOOK_RELATED_MIN_SCORE"]),
        max_postings=_whole("CASEBOOK_RELATED_MAX_POSTINGS", value["CASEBOOK_RELATED_MAX_POSTINGS"], 2),
        reasons=_whole("CASEBOOK_RELATED_REASONS", value["CASEBOOK_RELATED_REASONS"], 1),
        max_campaign=_whole("CASEBOOK_CAMPAIGN_MAX", value["CASEBOOK_CAMPAIGN_MAX"], 0),
        reuse=_boolean("CASEBOOK_RELATED_REUSE", value["CASEBOOK_RELATED_REUSE"]),
    )
