"""Stage 4, annotate: the case's front matter from the segmented article.

Language with lingua (restricted to the supported languages, loaded once per process), date
only from a dateline or byline (segment), format from the article's shape and keywords,
entities (entities.py), campaign, channels, audiences, figures, themes, sectors and places
from the rule tables, and the reading time computed from the body.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from casebook import rules
from casebook.convert.entities import Entities, Matcher, extract, fold_token
from casebook.convert.segment import Article, plain, sentences, words
from casebook.registry import name_key

MAX_FIGURES = 12
LANGUAGE_SAMPLE = 1200  # characters: lingua is sure of the language long before that
# Fields are read from the body's first characters only: press articles are far shorter, and a
# pathological 5 MB seed must not take minutes. The body itself is always written whole.
ANNOTATE_MAX_CHARS = 200_000
QUOTE_MAX = 300


@lru_cache(maxsize=1)
def _detector():
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in rules.SUPPORTED_LANGUAGES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def preload_language_models() -> None:
    """Load lingua's models now (before forking workers, so that they share them): the first
    detection loads every candidate language's model."""
    detect_language("Le texte court. Il testo breve. The short text. Der kurze Text. El texto corto.")


def detect_language(text: str) -> str | None:
    """The language of ``text`` among the supported ones, or None when it has too few letters."""
    sample = text[:LANGUAGE_SAMPLE]
    if sum(1 for c in sample if c.isalpha()) < 10:
        return None
    language = _detector().detect_language_of(sample)
    return language.iso_code_639_1.name.lower() if language is not None else None


def article_text(article: Article) -> str:
    """The body's plain text, one block a line."""
    parts = []
    for block in article.blocks:
        if block.kind == "list":
            parts.extend(plain(item) for item in block.items)
        else:
            parts.append(plain(block.text))
    return "\n".join(parts)


def detect_format(article: Article, text: str) -> str:
    head = " ".join([article.title, *article.lines[:3]])
    tail = " ".join(article.lines[-6:])
    if article.interview:
        return "interview"
    if article.format_hint:
        return article.format_hint
    if rules.FORMAT_KEYWORDS["press-release"].search(head) or rules.FORMAT_KEYWORDS["press-release"].search(tail):
        return "press-release"
    if rules.FORMAT_KEYWORDS["interview"].search(article.title):
        return "interview"
    if rules.FORMAT_KEYWORDS["event-recap"].search(article.title):
        return "event-recap"
    if rules.FORMAT_KEYWORDS["opinion"].search(head):
        return "opinion"
    return "news"


_WORD_TOKEN = re.compile(r"[^\W_]+(?:\.[^\W_]+)*")


class KeywordTable:
    """One pass over a text's words finds which ids of a keyword table it mentions (see rules)."""

    def __init__(self, table: dict[str, tuple[str, ...]]):
        self.exact: dict[str, list[tuple[tuple, str]]] = {}
        self.prefixes: list[tuple[tuple, str]] = []
        for term, phrases in table.items():
            for phrase in phrases:
                parts = self._phrase(phrase)
                if not parts:
                    continue
                if parts[0][1]:
                    self.prefixes.append((parts, term))
                else:
                    self.exact.setdefault(parts[0][0], []).append((parts, term))

    @staticmethod
    def _phrase(phrase: str) -> tuple[tuple[str, bool, bool], ...]:
        """Each word as (form, is a prefix, is case-sensitive), split the way texts are."""
        words = []
        for chunk in phrase.split():
            parts = _WORD_TOKEN.findall(chunk)
            for index, part in enumerate(parts):
                prefix = chunk.endswith("*") and index == len(parts) - 1
                exact = any(c.isupper() for c in part)
                words.append((part if exact else fold_token(part), prefix, exact))
        return tuple(words)

    def find(self, text: str) -> set[str]:
        originals = _WORD_TOKEN.findall(text)
        folded = [fold_token(w) for w in originals]
        found: set[str] = set()
        for i, (original, word) in enumerate(zip(originals, folded, strict=True)):
            candidates = self.exact.get(word, [])
            if original != word:
                candidates = candidates + self.exact.get(original, [])
            for parts, term in (*candidates, *self.prefixes):
                if term not in found and self._matches(parts, originals, folded, i):
                    found.add(term)
        return found

    @staticmethod
    def _matches(words, originals, folded, start: int) -> bool:
        if start + len(words) > len(originals):
            return False
        for offset, (form, prefix, exact) in enumerate(words):
            token = originals[start + offset] if exact else folded[start + offset]
            if not (token.startswith(form) if prefix else token == form):
                return False
        return True


CHANNEL_TABLE = KeywordTable(rules.CHANNEL_KEYWORDS)
AUDIENCE_TABLE = KeywordTable(rules.AUDIENCE_KEYWORDS)
THEME_TABLE = KeywordTable(rules.THEME_KEYWORDS)
SECTOR_TABLE = KeywordTable(rules.SECTOR_KEYWORDS)


def channels(text: str) -> list[str]:
    """CHANNELS ids the text mentions, in the vocabulary's order."""
    return _ordered(CHANNEL_TABLE.find(text), rules.CHANNEL_KEYWORDS)


def _number(text: str) -> float | None:
    digits = re.sub(r"[\s\u00a0\u202f]", "", text)
    grouped = re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", digits)
    digits = re.sub(r"[.,]", "", digits) if grouped else digits.replace(",", ".")
    try:
        value = float(digits)
    except ValueError:
        return None
    return value


def figures(text: str) -> list[dict]:
    """Numbers with a unit, from the body's sentences: value, unit, label, quote."""
    found: list[tuple[int, dict]] = []
    seen: set[tuple] = set()
    for line in text.split("\n"):
        for sentence in sentences(line):
            for match in rules.FIGURE_RE.finditer(sentence):
                number = _number(match.group("number"))
                unit = (match.group("unit") or "").strip()
                mult = (match.group("mult") or "").lower()
                if number is None:
                    continue
                if unit[:1].isalpha() and not unit.islower() and not (unit.isupper() and len(unit) >= 2):
                    unit = ""  # "2024 Global": a name follows the number, not a unit ("50 CCI" is one)
                unit_low = unit.lower().strip("’'")
                if unit_low in rules.DATE_UNITS:
                    continue
                if unit_low in rules.NOT_FIGURE_UNITS:
                    unit = unit_low = ""  # "les 300 000 dont 60 %": a word, not a unit
                raw = match.group("number")
                if re.fullmatch(r"(?:19|20)\d\d", raw) and not mult and unit_low not in ("%", "€", "$", "euros"):
                    continue  # a year
                if not unit and not mult:
                    ranged = re.match(r"^\s*(?:à|a|to|-|–)\s*\d[\d\s\u00a0]*\s+([a-zà-ÿ][a-zà-ÿ'’-]{2,24})",
                                      sentence[match.end():])
                    if ranged and ranged.group(1).lower() not in rules.NOT_FIGURE_UNITS:
                        unit = unit_low = ranged.group(1).lower()  # "de 9 à 30 plateformes"
                    elif number < 1000:
                        continue
                value = number * rules.MULTIPLIERS.get(mult, 1)
                unit_name = rules.CURRENCY_UNITS.get(unit_low, unit if unit == "%" else unit_low)
                if not unit_name and mult:
                    unit_name = mult
                if unit_name not in ("%", "euros", "dollars") and value < 2:
                    continue
                key = (value, unit_name)
                if key in seen:
                    continue
                seen.add(key)
                rest = sentence[match.end():]
                label_words = re.match(r"^(?:[\s\u00a0]+[\w’'-]+){0,5}", rest).group(0)
                label_words = re.split(r"[,;:.()«»“”\"]", label_words)[0]
                label = re.sub(r"\s+", " ", f"{unit_name}{label_words}").strip()
                if not label or label == unit_name:
                    before = re.split(r"[,;:()«»“”\"]", sentence[:match.start()])[-1].split()[-5:]
                    label = re.sub(r"\s+", " ", " ".join(before) + f" {label}").strip() or match.group(0).strip()
                weight = 3 if unit_name in ("%", "euros", "dollars") or mult else 1 + (value >= 100)
                quote = sentence.strip()
                if len(quote) > QUOTE_MAX:
                    quote = quote[:QUOTE_MAX].rsplit(" ", 1)[0] + "…"
                value_out: int | float = int(value) if float(value).is_integer() else round(value, 4)
                found.append((weight, {"value": value_out, "unit": unit_name, "label": label, "quote": quote}))
    ranked = sorted(enumerate(found), key=lambda item: (-item[1][0], item[0]))[:MAX_FIGURES]
    return [figure for _index, (_weight, figure) in sorted(ranked)]


def places(text: str) -> list[str]:
    found = []
    for match in re.finditer(r"(?<![\w-])[A-ZÀ-ÖØ-Þ][\w-]+(?: [A-Z][\w-]+)?", text):
        for candidate in (match.group(0), match.group(0).split()[0]):
            label = rules.PLACES.get(candidate.lower())
            if label and label not in found:
                found.append(label)
                break
    return found


def _ordered(found: set[str], table: dict) -> list[str]:
    return [term for term in table if term in found]


def reading_time(text: str) -> int:
    return max(1, math.ceil(len(words(text)) / rules.WORDS_PER_MINUTE))


@dataclass
class Annotation:
    data: dict
    entities: Entities


def annotate(article: Article, filename: str, matcher: Matcher) -> Annotation:
    full_text = article_text(article)
    text = full_text[:ANNOTATE_MAX_CHARS]
    lang = detect_language(f"{article.title}\n{text}")
    entities = extract(text, article.title, matcher, speakers=article.speakers, cards=article.cards,
                       authors=article.authors, publisher=article.publisher, lines=article.lines)
    data: dict = {"title": article.title}
    if article.title_derived:
        data["title_derived"] = True
    if article.date is not None:
        data["date"] = article.date.date.isoformat()
        data["date_precision"] = article.date.precision
    if lang:
        data["lang"] = lang
    data["status"] = "draft"
    data["format"] = detect_format(article, text)
    if article.summary:
        data["summary"] = article.summary
    if article.authors:
        data["authors"] = list(article.authors)
    source = {"file": filename}
    if article.publisher:
        source["publisher"] = article.publisher
    data["source"] = source
    data["reading_time"] = reading_time(full_text)
    orgs = []
    for found in entities.organizations:
        item = {"id": found.entity.id} if found.entity else {}
        item["name"] = found.name
        if found.org_role:
            item["role"] = found.org_role
        orgs.append(item)
    if orgs:
        data["organizations"] = orgs
    people = []
    for found in entities.people:
        item = {"id": found.entity.id} if found.entity else {}
        item["name"] = found.name
        role = _best_role(found)
        if role:
            item["role"] = role
        org = _person_org(found, role, matcher)
        if org:
            item["organization"] = org
        people.append(item)
    if people:
        data["people"] = people
    if entities.campaigns:
        best = entities.campaigns[0]
        data["campaign"] = {"id": best.entity.id, "name": best.name} if best.entity else {"name": best.name}
    found_channels = channels(f"{article.title}\n{text}")
    if data["format"] == "event-recap" and "events" not in found_channels:
        found_channels.append("events")  # the article reports on an event: the event is a channel
    if found_channels:
        data["channels"] = found_channels
    audiences = _ordered(AUDIENCE_TABLE.find(text), rules.AUDIENCE_KEYWORDS)
    if audiences:
        data["audiences"] = audiences
    found_figures = figures(text)
    if found_figures:
        data["figures"] = found_figures
    themes = _ordered(THEME_TABLE.find(f"{article.title}\n{text}"), rules.THEME_KEYWORDS)
    if themes:
        data["themes"] = themes
    sectors = _ordered(SECTOR_TABLE.find(f"{article.title}\n{text}"), rules.SECTOR_KEYWORDS)
    if sectors:
        data["sectors"] = sectors
    found_places = places(text)
    if found_places:
        data["places"] = found_places
    return Annotation(data, entities)


def _best_role(found) -> str | None:
    if found.roles:
        strength, role = max(found.roles, key=lambda r: (r[0], -found.roles.index(r)))
        return role
    if found.entity and isinstance(found.entity.extra.get("role"), str):
        return None  # the registry knows the usual title; the case only says what the text states
    return None


def _person_org(found, role: str | None, matcher: Matcher) -> str | None:
    if found.entity and isinstance(found.entity.extra.get("organization"), str):
        return found.entity.extra["organization"]
    if not role:
        return None
    index = matcher.keys["organizations"]
    key = f" {name_key(role)} "
    best = None
    for alias_key, entity in index.items():
        if alias_key and f" {alias_key} " in key and (best is None or len(alias_key) > len(best[0])):
            best = (alias_key, entity)
    return best[1].id if best else None
