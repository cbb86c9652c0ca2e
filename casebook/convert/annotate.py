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
from casebook.convert.entities import Entities, Matcher, extract
from casebook.convert.segment import Article, plain, sentences, words
from casebook.registry import name_key

MAX_FIGURES = 8
QUOTE_MAX = 300


@lru_cache(maxsize=1)
def _detector():
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in rules.SUPPORTED_LANGUAGES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def detect_language(text: str) -> str | None:
    """The language of ``text`` among the supported ones, or None when it has too few letters."""
    sample = text[:3000]
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
    if rules.FORMAT_KEYWORDS["press-release"].search(head) or rules.FORMAT_KEYWORDS["press-release"].search(tail):
        return "press-release"
    if rules.FORMAT_KEYWORDS["interview"].search(article.title):
        return "interview"
    if rules.FORMAT_KEYWORDS["event-recap"].search(article.title):
        return "event-recap"
    if rules.FORMAT_KEYWORDS["opinion"].search(head):
        return "opinion"
    return "news"


def _matches(table, text: str) -> list[str]:
    return [name for name, pattern in table if pattern.search(text)]


def channels(text: str) -> list[str]:
    found = []
    for channel, pattern in rules.CHANNEL_RE:
        if not pattern.search(text):
            continue
        strong = rules.CHANNEL_STRONG.get(channel)
        if strong is not None and not strong.search(text):
            continue
        found.append(channel)
    return found


def _number(text: str) -> float | None:
    digits = re.sub(r"[\s\u00a0\u202f]", "", text)
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", digits):
        digits = re.sub(r"[.,]", "", digits)
    else:
        digits = digits.replace(",", ".")
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
                if unit[:1].isalpha() and not unit.islower():
                    unit = ""  # "50 CCI": a name follows the number, not a unit
                unit_low = unit.lower().strip("’'")
                if unit_low in rules.NOT_FIGURE_UNITS:
                    continue
                raw = match.group("number")
                if re.fullmatch(r"(?:19|20)\d\d", raw) and not mult and unit_low not in ("%", "€", "$", "euros"):
                    continue  # a year
                if not unit and not mult:
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
                label = (unit_name if unit_name != "%" else "%") + label_words
                label = re.sub(r"\s+", " ", label).strip()
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


def reading_time(text: str) -> int:
    return max(1, math.ceil(len(words(text)) / rules.WORDS_PER_MINUTE))


@dataclass
class Annotation:
    data: dict
    entities: Entities


def annotate(article: Article, filename: str, matcher: Matcher) -> Annotation:
    text = article_text(article)
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
    data["reading_time"] = reading_time(text)
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
    if found_channels:
        data["channels"] = found_channels
    audiences = _matches(rules.AUDIENCE_RE, text)
    if audiences:
        data["audiences"] = audiences
    found_figures = figures(text)
    if found_figures:
        data["figures"] = found_figures
    themes = _matches(rules.THEME_RE, f"{article.title}\n{text}")
    if themes:
        data["themes"] = themes
    sectors = _matches(rules.SECTOR_RE, f"{article.title}\n{text}")
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
