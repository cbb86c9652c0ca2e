"""The case-study front matter: fields, types and vocabularies.

This module is the one source of truth for what a case and a registry entity may say.
The converter writes these fields, ``invoke check`` validates them, the Pelican plugins
and the theme read them. Display labels live here too, in every UI language.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

UI_LANGUAGES = ("fr", "en")

# ---------------------------------------------------------------------------
# Vocabularies: id -> {ui language: label}. Ids are stable; labels are for display.
# ---------------------------------------------------------------------------

STATUSES = {
    "draft": {"fr": "brouillon", "en": "draft"},
    "published": {"fr": "publié", "en": "published"},
}

DATE_PRECISIONS = {
    "day": {"fr": "jour", "en": "day"},
    "month": {"fr": "mois", "en": "month"},
    "year": {"fr": "année", "en": "year"},
}

LANGUAGES = {
    "fr": {"fr": "français", "en": "French"},
    "it": {"fr": "italien", "en": "Italian"},
    "en": {"fr": "anglais", "en": "English"},
    "es": {"fr": "espagnol", "en": "Spanish"},
    "de": {"fr": "allemand", "en": "German"},
}

FORMATS = {
    "interview": {"fr": "entretien", "en": "interview"},
    "news": {"fr": "actualité", "en": "news"},
    "event-recap": {"fr": "compte rendu d'événement", "en": "event recap"},
    "press-release": {"fr": "communiqué de presse", "en": "press release"},
    "analysis": {"fr": "analyse", "en": "analysis"},
    "opinion": {"fr": "tribune", "en": "opinion"},
}

CHANNELS = {
    "tv": {"fr": "télévision", "en": "TV"},
    "replay": {"fr": "replay et vidéo à la demande", "en": "replay and video on demand"},
    "cinema": {"fr": "cinéma", "en": "cinema"},
    "radio": {"fr": "radio", "en": "radio"},
    "press": {"fr": "presse", "en": "press"},
    "billboards": {"fr": "affichage", "en": "billboards"},
    "print": {"fr": "imprimés (flyers, affiches, kits)", "en": "print (flyers, posters, kits)"},
    "website": {"fr": "site web", "en": "website"},
    "online-ads": {"fr": "publicité en ligne", "en": "online advertising"},
    "social-media": {"fr": "réseaux sociaux", "en": "social media"},
    "facebook": {"fr": "Facebook", "en": "Facebook"},
    "linkedin": {"fr": "LinkedIn", "en": "LinkedIn"},
    "twitter": {"fr": "Twitter / X", "en": "Twitter / X"},
    "instagram": {"fr": "Instagram", "en": "Instagram"},
    "tiktok": {"fr": "TikTok", "en": "TikTok"},
    "youtube": {"fr": "YouTube", "en": "YouTube"},
    "video": {"fr": "vidéo", "en": "video"},
    "newsletter": {"fr": "newsletter", "en": "newsletter"},
    "email": {"fr": "e-mail", "en": "email"},
    "webinar": {"fr": "webinaires et directs", "en": "webinars and live streams"},
    "press-relations": {"fr": "relations presse", "en": "press relations"},
    "events": {"fr": "événements", "en": "events"},
    "sponsorship": {"fr": "sponsoring et parrainage", "en": "sponsorship"},
    "influencers": {"fr": "influenceurs", "en": "influencers"},
    "partnerships": {"fr": "partenariats", "en": "partnerships"},
    "internal": {"fr": "communication interne", "en": "internal communication"},
}

AUDIENCES = {
    "general-public": {"fr": "grand public", "en": "general public"},
    "young-people": {"fr": "jeunes", "en": "young people"},
    "students": {"fr": "étudiants et élèves", "en": "students"},
    "parents": {"fr": "parents", "en": "parents"},
    "job-seekers": {"fr": "demandeurs d'emploi", "en": "job seekers"},
    "career-changers": {"fr": "personnes en reconversion", "en": "career changers"},
    "employees": {"fr": "salariés", "en": "employees"},
    "businesses": {"fr": "entreprises et entrepreneurs", "en": "businesses and entrepreneurs"},
    "professionals": {"fr": "professionnels du secteur", "en": "industry professionals"},
    "consumers": {"fr": "consommateurs", "en": "consumers"},
    "institutions": {"fr": "institutions", "en": "institutions"},
    "journalists": {"fr": "journalistes", "en": "journalists"},
    "prescribers": {"fr": "prescripteurs", "en": "prescribers"},
    "vulnerable-people": {"fr": "publics fragiles", "en": "vulnerable people"},
    "partners": {"fr": "partenaires et fournisseurs", "en": "partners and suppliers"},
}

ORGANIZATION_ROLES = {
    "advertiser": {"fr": "annonceur", "en": "advertiser"},
    "agency": {"fr": "agence", "en": "agency"},
    "partner": {"fr": "partenaire", "en": "partner"},
    "media": {"fr": "média", "en": "media"},
    "publisher": {"fr": "éditeur de l'article", "en": "publisher"},
    "institution": {"fr": "institution", "en": "institution"},
    "subject": {"fr": "sujet", "en": "subject"},
    "mentioned": {"fr": "cité", "en": "mentioned"},
}

ENTITY_KINDS = ("organizations", "people", "campaigns")

ENTITY_TYPES = {
    "organizations": {
        "company": {"fr": "entreprise", "en": "company"},
        "association": {"fr": "association", "en": "non-profit"},
        "trade-body": {"fr": "organisation professionnelle", "en": "trade body"},
        "public-body": {"fr": "organisme public", "en": "public body"},
        "agency": {"fr": "agence", "en": "agency"},
        "media": {"fr": "média", "en": "media"},
        "collective": {"fr": "collectif", "en": "collective"},
        "academic": {"fr": "établissement d'enseignement", "en": "academic institution"},
        "event": {"fr": "événement", "en": "event"},
    },
    "people": {
        "person": {"fr": "personne", "en": "person"},
    },
    "campaigns": {
        "advertising": {"fr": "campagne publicitaire", "en": "advertising campaign"},
        "brand": {"fr": "marque collective", "en": "shared brand"},
        "programme": {"fr": "programme", "en": "programme"},
        "operation": {"fr": "opération", "en": "operation"},
        "event": {"fr": "événement", "en": "event"},
    },
}

VOCABULARIES = {
    "status": STATUSES,
    "date_precision": DATE_PRECISIONS,
    "lang": LANGUAGES,
    "format": FORMATS,
    "channels": CHANNELS,
    "audiences": AUDIENCES,
    "organizations.role": ORGANIZATION_ROLES,
}


def label(vocabulary: dict[str, dict[str, str]], term: str, ui_lang: str = "fr") -> str:
    """The display label of a vocabulary term, or the term itself when unknown."""
    labels = vocabulary.get(term)
    if not labels:
        return term
    return labels.get(ui_lang) or labels.get("en") or term


# ---------------------------------------------------------------------------
# Identity of free-text terms and ids
# ---------------------------------------------------------------------------

_SLUG_STRIP = re.compile(r"[^a-z0-9]+")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 80


# fold and slugify are pure and a build calls them hundreds of thousands of times with the
# same few thousand names: plain strings are memoised (bounded), anything else is computed.
_MEMO_SIZE = 65_536


class _WithoutCombining(dict):
    """A ``str.translate`` table that removes combining marks and keeps every other character,
    filled as characters are met (``unicodedata.combining`` per character, once)."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_WITHOUT_COMBINING = _WithoutCombining()


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE"))
    text = text.replace("æ", "ae").replace("Æ", "AE").replace("ß", "ss")
    if not text.isascii():  # an ASCII character is never a combining mark
        text = text.translate(_WITHOUT_COMBINING)
    return text.casefold()


_fold_memo = lru_cache(maxsize=_MEMO_SIZE)(_fold)


def fold(text: str) -> str:
    """Lower-case, strip accents, fold ligatures: the key used to match names and terms."""
    return _fold_memo(text) if type(text) is str else _fold(text)


def _slugify(text: str, max_length: int) -> str:
    slug = _SLUG_STRIP.sub("-", fold(text).replace("&", " et ")).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug.strip("-")


_slugify_memo = lru_cache(maxsize=_MEMO_SIZE)(_slugify)


def slugify(text: str, max_length: int = SLUG_MAX) -> str:
    """An ASCII slug: ``"L'industrie s'offre…"`` -> ``"l-industrie-s-offre"``.

    Terms that differ only by case or accents ("Crise", "crise") share a slug, which is
    how free-text facets merge by identity.
    """
    if type(text) is str and type(max_length) is int:
        return _slugify_memo(text, max_length)
    return _slugify(text, max_length)


# ---------------------------------------------------------------------------
# Field definitions
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file, printed as ``path:line: field: message (fix)``."""

    path: str
    line: int
    field: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        fix = f" ({self.fix})" if self.fix else ""
        return f"{self.path}:{self.line}: {self.field}: {self.message}{fix}"


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # str | text | date | int | list[str] | vocab | list[vocab] | object | list[object]
    doc: str
    required: bool = False
    vocabulary: dict | None = None
    subfields: tuple[Field, ...] = ()
    entity_kind: str | None = None  # the registry kind an ``id`` subfield refers to


def _sub(*fields: Field) -> tuple[Field, ...]:
    return tuple(fields)


CASE_FIELDS: tuple[Field, ...] = (
    Field("title", "str", "The case's title.", required=True),
    Field("title_derived", "bool", "True when the converter derived the title from the text."),
    Field("slug", "slug", "URL slug: lower-case ASCII words joined by '-'. Defaults to the file name."),
    Field("date", "date", "Publication date, ISO YYYY-MM-DD; absent when the text does not say."),
    Field("date_precision", "vocab", "How much of the date the text states.", vocabulary=DATE_PRECISIONS),
    Field("lang", "vocab", "Language of the article.", vocabulary=LANGUAGES),
    Field("status", "vocab", "draft (not listed) or published.", vocabulary=STATUSES),
    Field("format", "vocab", "Kind of article.", vocabulary=FORMATS),
    Field("summary", "text", "Plain-text standfirst or lead."),
    Field("authors", "list[str]", "Names of the article's authors."),
    Field(
        "source",
        "object",
        "Where the article comes from.",
        subfields=_sub(
            Field("file", "str", "The seed file name."),
            Field("publisher", "str", "Who published the article."),
            Field("url", "url", "The article's address (http or https)."),
        ),
    ),
    Field("reading_time", "int", "Minutes to read the body."),
    Field(
        "organizations",
        "list[object]",
        "Organizations the case involves.",
        entity_kind="organizations",
        subfields=_sub(
            Field("id", "slug", "Registry id (content/entities/organizations/<id>.md); absent for a proposal."),
            Field("name", "str", "Name as the text gives it.", required=True),
            Field("role", "vocab", "Role in the campaign.", vocabulary=ORGANIZATION_ROLES),
        ),
    ),
    Field(
        "people",
        "list[object]",
        "People the case quotes or names.",
        entity_kind="people",
        subfields=_sub(
            Field("id", "slug", "Registry id (content/entities/people/<id>.md); absent for a proposal."),
            Field("name", "str", "Name as the text gives it.", required=True),
            Field("role", "str", "Title or role as the text states it."),
            Field("organization", "slug", "Registry id of their organization."),
        ),
    ),
    Field(
        "campaign",
        "object",
        "The campaign the case is about.",
        entity_kind="campaigns",
        subfields=_sub(
            Field("id", "slug", "Registry id (content/entities/campaigns/<id>.md)."),
            Field("name", "str", "Name as the text gives it.", required=True),
        ),
    ),
    Field("channels", "list[vocab]", "Channels used.", vocabulary=CHANNELS),
    Field("audiences", "list[vocab]", "Audiences targeted.", vocabulary=AUDIENCES),
    Field(
        "figures",
        "list[object]",
        "Key figures.",
        subfields=_sub(
            Field("value", "number", "The number.", required=True),
            Field("unit", "str", "Its unit (visites, euros, %, appels...)."),
            Field("label", "str", "What it measures.", required=True),
            Field("quote", "text", "The sentence it comes from."),
        ),
    ),
    Field("themes", "list[str]", "Themes, free text; merged by case and accents."),
    Field("sectors", "list[str]", "Sectors, free text; merged by case and accents."),
    Field("places", "list[str]", "Places, free text."),
    Field("translation_of", "slug", "Slug of the case this one translates."),
    Field("translations", "list[slug]", "Slugs of cases that translate this one."),
)

ENTITY_FIELDS: tuple[Field, ...] = (
    Field("name", "str", "Canonical name.", required=True),
    Field("aliases", "list[str]", "Other names, in any language."),
    Field("type", "entity-type", "What kind of entity (see ENTITY_TYPES)."),
    Field("url", "url", "Official address (http or https)."),
    Field("organization", "slug", "People only: registry id of their organization."),
    Field("role", "str", "People only: their usual title."),
)

CASE_FIELD_NAMES = tuple(f.name for f in CASE_FIELDS)
ENTITY_FIELD_NAMES = tuple(f.name for f in ENTITY_FIELDS)

# Field order the converter writes, and the order curators see.
CASE_FIELD_ORDER = CASE_FIELD_NAMES


# ---------------------------------------------------------------------------
# Validation of one parsed document
# ---------------------------------------------------------------------------

LineOf = Callable[[tuple], int]
_URL = re.compile(r"^(https?://|mailto:)\S+$", re.IGNORECASE)


def parse_iso_date(value: Any) -> _dt.date | None:
    """A date from YAML (already a ``date``) or an ISO string; ``None`` when it is neither."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def field_name(keys: tuple) -> str:
    """``("organizations", 0, "id")`` -> ``"organizations[0].id"``."""
    name = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in keys).lstrip(".")
    return name or "front matter"


def _vocab_fix(vocabulary: dict) -> str:
    return "must be one of " + ", ".join(sorted(vocabulary))


@dataclass
class _Validator:
    path: str
    line_of: LineOf
    problems: list[Problem] = field(default_factory=list)

    def add(self, keys: tuple, message: str, fix: str = "") -> None:
        self.problems.append(Problem(self.path, self.line_of(keys), field_name(keys), message, fix))

    def check(self, spec: Field, value: Any, keys: tuple) -> None:
        kind = spec.kind
        if value is None:
            if spec.required:
                self.add(keys, "is empty", f"give the {spec.name}")
            return
        if kind in ("str", "text"):
            if not isinstance(value, str):
                self.add(keys, f"must be text, not {type(value).__name__}", "put the value in quotes")
            elif spec.required and not value.strip():
                self.add(keys, "is empty", f"give the {spec.name}")
        elif kind == "bool":
            if not isinstance(value, bool):
                self.add(keys, f"must be true or false, not {value!r}", "write true or false")
        elif kind == "int":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                self.add(keys, f"must be a whole number of minutes, not {value!r}", "write e.g. 3")
        elif kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.add(keys, f"must be a number, not {value!r}", "write digits only, e.g. 40000 or 15.5")
        elif kind == "slug":
            if not isinstance(value, str) or not SLUG_PATTERN.match(value):
                self.add(keys, f"{value!r} is not a slug", "use lower-case ASCII words joined by '-'")
        elif kind == "url":
            if not isinstance(value, str) or not _URL.match(value):
                self.add(keys, f"{value!r} is not an http, https or mailto address", "write the full address")
        elif kind == "date":
            if parse_iso_date(value) is None:
                self.add(keys, f"{value!r} is not an ISO date", "write YYYY-MM-DD, e.g. 2013-04-24")
        elif kind == "vocab":
            if not isinstance(value, str) or value not in spec.vocabulary:
                self.add(keys, f"unknown value {value!r}", _vocab_fix(spec.vocabulary))
        elif kind.startswith("list["):
            if not isinstance(value, list):
                self.add(keys, f"must be a list, not {type(value).__name__}", "write one '- item' per line")
                return
            item_kind = kind[5:-1]
            item_spec = Field(spec.name, item_kind, spec.doc, True, spec.vocabulary, spec.subfields)
            for index, item in enumerate(value):
                self.check(item_spec, item, keys + (index,))
        elif kind == "object":
            if not isinstance(value, dict):
                self.add(keys, f"must be a mapping, not {type(value).__name__}", "write 'key: value' lines")
                return
            self.fields(spec.subfields, value, keys)

    def fields(self, specs: tuple[Field, ...], data: dict, keys: tuple = ()) -> None:
        known = {s.name: s for s in specs}
        for spec in specs:
            if spec.name not in data:
                if spec.required:
                    self.add(keys + (spec.name,), "is missing", f"add '{spec.name}: ...'")
                continue
            self.check(spec, data[spec.name], keys + (spec.name,))
        for name in data:
            if name not in known:
                self.add(
                    keys + (str(name),),
                    "unknown field",
                    "must be one of " + ", ".join(s.name for s in specs),
                )


def validate_case(data: Any, path: str, line_of: LineOf) -> list[Problem]:
    """Every schema problem in one case's front matter (registry ids are checked elsewhere)."""
    validator = _Validator(path, line_of)
    if not isinstance(data, dict):
        validator.add((), "front matter must be a mapping of fields", "write 'field: value' lines")
        return validator.problems
    validator.fields(CASE_FIELDS, data)
    return validator.problems


def validate_entity(data: Any, kind: str, path: str, line_of: LineOf) -> list[Problem]:
    """Every schema problem in one registry entity's front matter."""
    validator = _Validator(path, line_of)
    if not isinstance(data, dict):
        validator.add((), "front matter must be a mapping of fields", "write 'field: value' lines")
        return validator.problems
    validator.fields(ENTITY_FIELDS, {k: v for k, v in data.items() if k != "type"})
    if "type" in data:
        types = ENTITY_TYPES[kind]
        if data["type"] not in types:
            validator.add(("type",), f"unknown value {data['type']!r}", _vocab_fix(types))
    return validator.problems
