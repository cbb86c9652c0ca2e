"""Stage 4a, entities: the organizations and people an article involves.

Two sources, merged by ``registry.name_key`` (accents, case and punctuation ignored):

- the curated registry: every name and alias of every entity, in any language, matched as a
  token sequence in the text (a match must hold a capital or a digit, so that an alias made of
  common words does not match ordinary prose);
- heuristics that need no model: capitalised sequences that start with a known given name,
  "Name, role" and "Name è/est/is role" patterns, speaker labels and cards for people; organization
  cue words ("l'agence X", "chez X", "la società X"), institution head words ("Ministère du ...",
  "Chambre de ..."), acronym definitions "Long Name (ACR)", repeated acronyms, and the
  organization named at the end of a person's title ("directrice générale d'Opco 2i").

Entities found by heuristics only are listed without an id: they are the curator's proposals.
Why not spaCy: no Italian model installs here, the small French one is noisy, and the patterns
above (plus the registry, which grows with curation) are precise on this kind of press text and
fast enough for 50 seeds per second on two cores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from casebook import rules
from casebook.convert.segment import looks_like_name
from casebook.registry import Entity, Registry, name_key
from casebook.schema import fold

MAX_ORGANIZATIONS = 10
MAX_PEOPLE = 10
ROLE_MAX_CHARS = 160

_TOKEN = re.compile(r"[^\W_]+")
_CAP = r"[A-ZÀ-ÖØ-Þ]"
_NAME_WORD = rf"{_CAP}[\w’'-]*"
_PARTICLE = r"(?:de|du|des|d[’']|le|la|di|da|del|della|van|von|der|den|mac|el)"
_PERSON_SEQ = re.compile(rf"(?<![\w’'-]){_NAME_WORD}(?:[ \u00a0]+(?:{_PARTICLE}[ \u00a0]*)?{_NAME_WORD}){{1,3}}")
_ORG_WORD = rf"(?:{_CAP}[\w’'&-]*(?:\.\w[\w’'&-]*)*|[A-Z0-9][\w&-]*\d[\w&-]*|&)"
_ORG_CHUNK = re.compile(rf"^{_ORG_WORD}(?:[ \u00a0]+(?:&[ \u00a0]+)?{_ORG_WORD}){{0,5}}")
_CAPITALISED_WORD = re.compile(rf"(?<![\w’'&-]){_CAP}[a-zà-ÿ][\w’'-]*(?![\w’'&-])")
_ACRONYM = re.compile(r"(?<![\w-])([A-Z][A-Z0-9&]{1,6})(?![\w-])")
_ACRONYM_DEF = re.compile(rf"((?:{_CAP}[\w’'-]*|{_PARTICLE}|et|e|and|&)(?:[ \u00a0]+(?:{_CAP}[\w’'-]*|"
                          rf"{_PARTICLE}|d[’']\w+|l[’']\w+|et|e|and|&)){{1,9}})\s*\(([A-Z][A-Z0-9&]{{1,6}})\)")
_ELISION = re.compile(r"^(?:d|l|dell|all|dall|sull|nell)[’']", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[,;()\[\]\n:!?]|\.(?:\s|$)|\s[–—-]\s")
_ORG_SUFFIX = re.compile(r"^\s*(?:&|et associés|& associés|group|groupe|consulting|conseil|partners)\b", re.I)
_PLATFORMS = frozenset(("facebook", "linkedin", "twitter", "instagram", "tiktok", "youtube", "google",
                        "internet", "web", "whatsapp", "snapchat", "pinterest"))
_ORG_CUE_WORDS = (
    r"l[’']agence|les agences|agences?|l[’']association|association|la société|la start-up|le groupe|du groupe|"
    r"l[’']entreprise|l[’']enseigne|le cabinet|le collectif|il collettivo|collectif|collettivo|la società|"
    r"della società|lo studio|dello studio|(?:l|dall|dell|all|nell)[’']agenzia|(?:l|dall|dell|all)[’']associazione|"
    r"il gruppo|the agency|the company|the group|chez|presso|partenariats? avec|partnership with|sede di|"
    r"fonds? d[’']investissement|fonds|la fondation|le salon|salon|la fiera|fiera|trade fair|"
    r"(?:une |l[’'])?(?:étude|enquête|sondage)|(?:uno |lo |un[’'])?(?:studio|sondaggio|indagine)|"
    r"(?:a |the )?(?:survey|poll|study) by|"
    r"(?:team|équipes?|direction|dipartimento|ufficio|service|department)(?: [\w’'-]+){0,2} (?:de|di|of|d[’'])"
)
# Matched on the lower-cased text (one pass, no IGNORECASE: several times faster); the name that
# follows must start with a capital in the original text.
_ORG_CUE_FORWARD = re.compile(rf"(?:\b(?:{_ORG_CUE_WORDS})|^(?:about|à propos de|a propos de|a proposito di|chi è))"
                              r"(?:[ \u00a0]+(?:le|la|les|l[’']|the|il|lo|del|della)\b)?[ \u00a0]*", re.MULTILINE)
_ORG_CUE_FORWARD_ANY_CASE = re.compile(_ORG_CUE_FORWARD.pattern, re.MULTILINE | re.IGNORECASE)


@dataclass
class Found:
    kind: str  # organizations | people
    name: str
    entity: Entity | None = None
    score: float = 0.0
    mentions: int = 0
    roles: list[tuple[int, str]] = field(default_factory=list)  # (strength, role text)
    org_role: str | None = None  # organizations: ORGANIZATION_ROLES id
    first: int = 10**9  # position of the first mention

    @property
    def key(self) -> str:
        return self.entity.id if self.entity else entity_key(self.name)


# ---------------------------------------------------------------------------
# Registry matching
# ---------------------------------------------------------------------------


_name_key = lru_cache(maxsize=65536)(name_key)
_LEADING_ARTICLE = re.compile(r"^(?:les|le|la|l|il|lo|i|gli|the) ")


@lru_cache(maxsize=65536)
def entity_key(name: str) -> str:
    """How two spellings of one name compare: name_key without a leading article
    ("Les Influstriels" == "Influstriels")."""
    key = _name_key(name)
    stripped = _LEADING_ARTICLE.sub("", key)
    return stripped or key


@dataclass(frozen=True)
class Matcher:
    index: dict  # kind -> {token tuple: Entity}
    longest: int
    keys: dict  # kind -> {name_key: Entity}
    first_tokens: dict = field(default_factory=dict)  # first word -> alias lengths, longest first


def build_matcher(registry: Registry) -> Matcher:
    """The registry's names as token sequences; built once per worker."""
    index: dict[str, dict[tuple[str, ...], Entity]] = {}
    longest = 1
    for kind in ("organizations", "people", "campaigns"):
        table: dict[tuple[str, ...], Entity] = {}
        for key, entity in registry.alias_index(kind).items():
            tokens = tuple(key.split())
            if tokens:
                table.setdefault(tokens, entity)
                longest = max(longest, len(tokens))
        index[kind] = table
    keys = {kind: registry.alias_index(kind) for kind in ("organizations", "people", "campaigns")}
    first: dict[str, set[int]] = {}
    for table in index.values():
        for tokens in table:
            first.setdefault(tokens[0], set()).add(len(tokens))
    return Matcher(index, longest, keys, {k: sorted(v, reverse=True) for k, v in first.items()})


@lru_cache(maxsize=65536)
def fold_token(token: str) -> str:
    """``schema.fold`` for one word, cached: words repeat across articles."""
    return token.casefold() if token.isascii() else fold(token)


def registry_mentions(text: str, m: Matcher) -> list[tuple[Entity, int, str]]:
    """(entity, position, text as written) for every registry name or alias in ``text``."""
    tokens = [(fold_token(t.group(0)), t.start(), t.end()) for t in _TOKEN.finditer(text)]
    found = []
    i = 0
    while i < len(tokens):
        hit = None
        lengths = m.first_tokens.get(tokens[i][0])
        if lengths:
            for n in lengths:
                if i + n > len(tokens):
                    continue
                key = tuple(t[0] for t in tokens[i:i + n])
                for kind in ("organizations", "people", "campaigns"):
                    entity = m.index[kind].get(key)
                    if entity is not None:
                        span = text[tokens[i][1]:tokens[i + n - 1][2]]
                        if any(c.isupper() or c.isdigit() for c in span):
                            hit = (entity, tokens[i][1], span, n)
                            break
                if hit:
                    break
        if hit:
            found.append(hit[:3])
            i += hit[3]
        else:
            i += 1
    return found


# ---------------------------------------------------------------------------
# Heuristics
# ---------------------------------------------------------------------------


def _is_given(token: str) -> bool:
    low = token.lower()
    return low in rules.GIVEN_NAMES or low.split("-")[0] in rules.GIVEN_NAMES


def _clean_name(name: str) -> str:
    return re.sub(r"[\s\u00a0]+", " ", name).strip(" .,;:’'")


def _person_sequences(text: str) -> list[tuple[str, int]]:
    found = []
    for match in _PERSON_SEQ.finditer(text):
        name = _clean_name(match.group(0))
        tokens = name.split()
        # Drop capitalised words that are not part of a name (sentence starts, titles).
        while tokens and tokens[-1].lower() in rules.NOT_NAME_WORDS | rules.ROLE_WORDS:
            tokens.pop()
        if len(tokens) < 2 or not _is_given(tokens[0]):
            continue
        if any(t.lower() in rules.NOT_NAME_WORDS or t.lower() in _PLATFORMS for t in tokens[1:]
               if t.lower() not in rules.NAME_PARTICLES):
            continue
        end = match.start() + len(match.group(0))
        if _ORG_SUFFIX.match(text[end:end + 20]):
            continue
        if tokens[1][:1].isdigit() or (tokens[1].isupper() and len(tokens[1]) <= 3 and len(tokens) == 2):
            continue  # "France 2", "France TV": media, not people
        found.append((" ".join(tokens), match.start()))
    return found


def _role_after(text: str) -> str | None:
    """The title that follows a name: ", directrice générale d'Opco 2i" -> that title."""
    match = re.match(r"^[ \u00a0]*(?:,|\(|[–—-](?=\s))[ \u00a0]*(.{2,200})", text, re.S)
    if not match:
        match = re.match(r"^[ \u00a0]+(?:è|est|is|était|was|era)[ \u00a0]+(?:(?:la|il|le|l[’']|lo|the|an?|un|une|"
                         r"notre|our)[ \u00a0]*)?(.{2,200})", text, re.S)
    if not match:
        return None
    return trim_role(match.group(1))


def trim_role(text: str) -> str | None:
    """A role phrase cut where the title ends: at punctuation, or at the first word after the
    organization's name ("... CCI France nous explique" -> "... CCI France")."""
    clause = _CLAUSE_END.split(text, 1)[0].strip()
    tokens = clause.split()
    if not tokens:
        return None
    words_lower = [re.sub(r"^(?:l|d)[’']", "", t).lower() for t in tokens[:3]]
    start = next((i for i, w in enumerate(words_lower) if w in rules.ROLE_WORDS), None)
    if start is None:
        return None
    kept = tokens[: start + 1]
    previous_cap = tokens[start][:1].isupper() and start > 0
    lower_run = 0
    for token in tokens[start + 1:]:
        bare = _ELISION.sub("", token)
        is_particle = token.lower() in rules.NAME_PARTICLES or bool(_ELISION.match(token)) and not bare \
            or token.lower() in {"of", "the", "at", "chez", "presso", "à", "au", "en", "et", "e", "and", "&",
                                 "al", "alla", "del", "dei", "delle", "degli", "des", "du", "di", "de"}
        is_cap = bare[:1].isupper() or any(c.isdigit() for c in bare) or "&" in bare
        if is_cap:
            kept.append(token)
            previous_cap, lower_run = True, 0
        elif is_particle:
            kept.append(token)
            lower_run = 0
        else:
            if previous_cap and not _ELISION.match(token):
                break
            lower_run += 1
            if lower_run > 2:
                break
            kept.append(token)
            previous_cap = False
    while kept and (kept[-1].lower() in rules.NAME_PARTICLES or kept[-1].lower() in
                    {"of", "the", "at", "chez", "presso", "à", "au", "en", "et", "e", "and", "&", "al", "alla"}):
        kept.pop()
    role = " ".join(kept).strip(" .")
    return role if 2 <= len(role) <= ROLE_MAX_CHARS else None


_ROLE_ORG_JOINERS = frozenset({"di", "de", "des", "du", "del", "della", "e", "et", "and", "of", "&"})
_ROLE_ORG_CUES = frozenset({"chez", "presso", "at", "à", "au", "al", "alla", "pour", "for", "per"})


def organization_in_role(role: str) -> str | None:
    """The organization a title names last: "Directrice RSE chez Renault" -> "Renault",
    "professore ordinario al Conservatorio di Arti e Mestieri" -> "Conservatorio di Arti e Mestieri"."""
    tokens = role.split()
    chunks: list[list[str]] = []
    chunk: list[str] = []
    for position, token in enumerate(tokens[1:], start=1):
        bare = _ELISION.sub("", token)
        capital = bool(bare) and (bare[:1].isupper() or any(c.isdigit() for c in bare) or "&" in bare)
        following = tokens[position + 1] if position + 1 < len(tokens) else ""
        if capital and not (not chunk and bare.upper() in rules.NOT_ORG_ACRONYMS):
            chunk.append(bare if not chunk else token)
        elif chunk and token.lower() in _ROLE_ORG_JOINERS and following[:1].isupper():
            chunk.append(token)
        else:
            if chunk:
                chunks.append(chunk)
            chunk = []
    if chunk:
        chunks.append(chunk)
    if not chunks:
        return None
    best = " ".join(chunks[-1])
    return None if best.upper() in rules.NOT_ORG_ACRONYMS else best


def _org_chunks_after_cues(text: str) -> list[tuple[str, int]]:
    found = []
    lowered = text.lower()
    cues = _ORG_CUE_FORWARD.finditer(lowered) if len(lowered) == len(text) else \
        _ORG_CUE_FORWARD_ANY_CASE.finditer(text)
    for cue in cues:
        start = cue.end()
        if start >= len(text) or not (text[start].isupper() or text[start].isdigit()):
            continue
        span = text[cue.start():start].rstrip()
        article = span.split()[-1] if span.split() else ""
        if article[:1].isupper() and article.lower() in {"le", "la", "les", "il", "lo", "the"}:
            start = cue.start() + span.rfind(article)  # "il collettivo Les Influstriels": part of the name
        chunk = _ORG_CHUNK.match(text[start:start + 120])
        if not chunk:
            continue
        value = re.sub(r"[ \u00a0]+(?:19|20)\d\d$", "", chunk.group(0))  # "Global Industrie 2024"
        if value.lower() in rules.ORG_HEAD_WORDS:
            continue  # "le Ministère du ...": the institutions pass reads the whole name
        # "les agences Zonefranche et Thomas Marko & Associés": two agencies.
        for part in re.split(r"\s+(?:et|e|and)\s+", value):
            part = _clean_name(part)
            if part:
                found.append((part, start))
        rest = text[start + len(value):start + len(value) + 80]
        more = re.match(rf"^\s+(?:et|e|and)\s+({_ORG_WORD}(?:[ \u00a0]+(?:&[ \u00a0]+)?{_ORG_WORD}){{0,5}})", rest)
        if more:
            found.append((_clean_name(more.group(1)), start))
    return found


_ENDS_WITH_NAME = re.compile(rf"{_CAP}[\w’'&-]*[ \u00a0]+$")


def _institutions(text: str) -> list[tuple[str, int]]:
    """Names built on an institution's head word: "Ministère du redressement productif"."""
    joiners = rules.NAME_PARTICLES | {"et", "e", "and", "of", "des", "du"}
    found = []
    for match in re.finditer(rf"(?<![\w’'-])({_CAP}[\w’'-]+)", text):
        head = match.group(1)
        if head.lower() not in rules.ORG_HEAD_WORDS or (head.lower().endswith("s")
                                                         and head.lower()[:-1] in rules.ORG_HEAD_WORDS):
            continue  # "Chambres de Commerce": a kind of institution, not one
        if _ENDS_WITH_NAME.search(text[max(0, match.start() - 30):match.start()]):
            continue  # "Publicis Conseil": the head word ends another name
        parts = [head]
        lowercase = 0
        for token in _contiguous(text[match.end():match.end() + 120]):
            word = token.group(0).strip()
            bare = _ELISION.sub("", word)
            if word.lower() in joiners:
                parts.append(word)
            elif bare[:1].isupper() or any(c.isdigit() for c in bare):
                parts.append(word)
                lowercase = 0
            elif lowercase < 2 and (parts[-1].lower() in joiners or _ELISION.match(word)
                                    or (lowercase and word.lower().endswith(rules.ADJECTIVE_ENDINGS))):
                parts.append(word)
                lowercase += 1
            else:
                break
        while parts and parts[-1].lower() in joiners:
            parts.pop()
        if len(parts) >= 2:
            name = _clean_name(" ".join(parts))
            found.append((name, match.start()))
            # "avec le Ministère du redressement productif, et Randstad": the next name in the list.
            after = text[match.start() + len(name):match.start() + len(name) + 80]
            more = re.match(rf"^,?[ \u00a0]+(?:et|e|and)[ \u00a0]+({_ORG_WORD}(?:[ \u00a0]+{_ORG_WORD}){{0,3}})", after)
            if more and not _looks_person(more.group(1)):
                found.append((_clean_name(more.group(1)), match.start()))
    return found


def _contiguous(tail: str):
    """The words that follow, up to the first punctuation."""
    position = 0
    while True:
        match = re.compile(r"[ \u00a0]+[\w’'&-]+").match(tail, position)
        if not match:
            return
        yield match
        position = match.end()


_PAREN_LIST = re.compile(r"\(([^()\n]{3,200})\)")
_PLURAL_BEFORE = re.compile(r"(?i)(?:\b(?:les|des|aux|ces|nos|vos|leurs|plusieurs|autres|gli|delle|dei|"
                            r"degli|altre|altri)|\d+)\s+$")


def _parenthesised_names(text: str) -> list[tuple[str, int]]:
    """Proper names listed in parentheses: "(Peugeot, Renault, Citroën, Volkswagen…)"."""
    found = []
    for match in _PAREN_LIST.finditer(text):
        items = [i.strip(" .…\u00a0") for i in re.split(r",|\bet\b|\be\b|\band\b", match.group(1))]
        items = [i for i in items if i]
        if len(items) < 2:
            continue
        if all(re.fullmatch(rf"{_CAP}[\w’'&-]*(?: [A-Z0-9][\w’'&-]*){{0,2}}", i) for i in items):
            if any(_looks_person(i) for i in items):
                continue
            found.extend((i, match.start()) for i in items)
    return found


def _acronym_names(text: str, acronyms: dict[str, int]) -> list[tuple[str, int]]:
    """A repeated acronym followed by capitalised words: "CCI Aix-Marseille-Provence", "CCI France"."""
    found = []
    for acronym in (a for a, count in acronyms.items() if count >= 2):
        for match in re.finditer(rf"(?<![\w-]){re.escape(acronym)}((?:[ \u00a0]+{_CAP}[\w’'-]*){{1,3}})", text):
            words_after = match.group(1).split()
            while words_after and words_after[-1].lower() in rules.NOT_NAME_WORDS:
                words_after.pop()
            if words_after and not all(w.isupper() for w in words_after):  # not a line in capitals
                found.append((f"{acronym} {' '.join(words_after)}", match.start()))
    return found


def _common_noun_acronyms(text: str, acronyms: dict[str, int]) -> set[str]:
    """Acronyms used as common nouns ("les CCI", "50 CCI"): a kind of organization, not one."""
    common = set()
    for acronym in acronyms:
        plural = total = 0
        for match in re.finditer(rf"(?<![\w-]){re.escape(acronym)}(?![\w-])", text):
            total += 1
            if _PLURAL_BEFORE.search(text[max(0, match.start() - 20):match.start()]):
                plural += 1
        if total and plural * 2 >= total:
            common.add(acronym)
    return common


def _surname_in_capitals(text: str, acronym: str) -> bool:
    """"Emilie Le DOUARON": a surname written in capitals after a given name, not an acronym."""
    for match in re.finditer(rf"(\S+)[ \u00a0]+(?:(?i:{_PARTICLE})[ \u00a0]+)?{re.escape(acronym)}(?![\w-])", text):
        if _is_given(match.group(1)):
            return True
    return False


def _acronyms(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for match in _ACRONYM.finditer(text):
        acronym = match.group(1)
        if acronym in rules.NOT_ORG_ACRONYMS or not any(c.isalpha() for c in acronym) or len(acronym) < 2 \
                or acronym.lower() in rules.NOT_NAME_WORDS:
            continue
        counts[acronym] = counts.get(acronym, 0) + 1
    return counts


# ---------------------------------------------------------------------------
# Putting it together
# ---------------------------------------------------------------------------


@dataclass
class Entities:
    organizations: list[Found]
    people: list[Found]
    campaigns: list[Found]


def extract(text: str, title: str, m: Matcher, *, speakers=(), cards=(), authors=(),
            publisher: str | None = None, lines=()) -> Entities:
    """Organizations, people and campaigns of one article, best first."""
    people: dict[str, Found] = {}
    orgs: dict[str, Found] = {}
    campaigns: dict[str, Found] = {}
    author_keys = {name_key(a) for a in authors}

    def add(table: dict, kind: str, name: str, position: int, score: float, entity: Entity | None = None):
        name = _clean_name(name)
        if not name or len(name) < 2:
            return None
        if entity is None:
            entity = m.keys[kind].get(_name_key(name)) or m.keys[kind].get(entity_key(name))
        key = entity.id if entity else entity_key(name)
        if not key:
            return None
        found = table.get(key)
        if found is None:
            found = table[key] = Found(kind, entity.name if entity else name, entity)
        found.score += score
        found.mentions += 1
        found.first = min(found.first, position)
        return found

    for entity, position, _span in registry_mentions(f"{title}\n{text}", m):
        table = {"organizations": orgs, "people": people, "campaigns": campaigns}[entity.kind]
        add(table, entity.kind, entity.name, position, 2.0, entity)

    # People.
    for name, position in _person_sequences(text):
        add(people, "people", name, position, 1.0)
    for label in speakers:
        if label.lower() not in rules.QA_LABELS:
            found = add(people, "people", label, 0, 3.0)
            if found is not None:
                found.name = found.entity.name if found.entity else _preferred_case(found.name, label)
    for name, role_line in cards:
        found = add(people, "people", name, 0, 3.0)
        role = trim_role(role_line) or role_line
        if found is not None and role:
            found.roles.append((3, role))
    for line in lines:
        bullet = re.match(r"^\s*[•●▪◦·‣∙*–—-]\s+(.+?),\s+(.+)$", line)
        if bullet and _looks_person(bullet.group(1)):
            found = add(people, "people", bullet.group(1), 0, 2.0)
            role = trim_role(bullet.group(2))
            if found is not None and role:
                found.roles.append((3, role))
    for match in _NAME_BEFORE_COMMA.finditer(text):
        name = _person_suffix(_clean_name(match.group(1)))
        if name and entity_key(name) not in people and not _ORG_SUFFIX.match(name.split()[-1]):
            role = _role_after(text[match.end():match.end() + 220])
            if role:
                add(people, "people", name, match.start(), 2.0)
    for found in people.values():
        for variant in {found.name, *(found.entity.names if found.entity else ())}:
            for occurrence in re.finditer(re.escape(variant), text, re.IGNORECASE):
                role = _role_after(text[occurrence.end():occurrence.end() + 220])
                if role:
                    strength = 2 if organization_in_role(role) else 1
                    found.roles.append((strength, role))
    for key in list(people):
        if key in author_keys or (people[key].entity is None and name_key(people[key].name) in author_keys):
            del people[key]

    # Organizations.
    for found in people.values():
        for _strength, role in found.roles:
            org = organization_in_role(role)
            if org and not _looks_person(org):
                target = add(orgs, "organizations", org, found.first, 2.0)
                if target is not None:
                    target.mentions -= 1
    for name, position in _org_chunks_after_cues(text):
        add(orgs, "organizations", name, position, 2.5)
    for name, position in _institutions(text):
        add(orgs, "organizations", name, position, 2.0)
    for name, position in _repeated_names(text, people):
        if not any(name in o.name.split() for o in orgs.values()):
            add(orgs, "organizations", name, position, 1.0)
    acronyms = _acronyms(f"{title}\n{text}")
    person_tokens = {t for p in people.values() for t in p.name.split()} | {
        t for s in speakers for t in s.split()}
    acronyms = {a: n for a, n in acronyms.items() if a not in person_tokens and not _surname_in_capitals(text, a)}
    common = _common_noun_acronyms(text, acronyms)
    long_forms: dict[str, str] = {}
    for match in _ACRONYM_DEF.finditer(text):
        long_name, acronym = _clean_name(match.group(1)), match.group(2)
        long_name = re.sub(rf"^(?:(?:{_PARTICLE}|le|la|les|il|the|l[’'])\s+)+", "", long_name, flags=re.I)
        name = acronym if acronyms.get(acronym, 0) >= 2 else long_name
        long_forms[entity_key(long_name)] = name
        long_forms[entity_key(acronym)] = name
        add(orgs, "organizations", name, match.start(), 3.0)
    for acronym, count in acronyms.items():
        if count >= 2 and acronym not in common:
            add(orgs, "organizations", acronym, text.find(acronym), 1.0 * count)
    for name, position in _acronym_names(text, acronyms):
        add(orgs, "organizations", name, position, 2.0)
    for name, position in _parenthesised_names(text):
        add(orgs, "organizations", name, position, 2.0)
    for key in list(orgs):
        target = long_forms.get(key)
        if target and entity_key(target) != key and entity_key(target) in orgs and orgs[key].entity is None:
            orgs[entity_key(target)].score += orgs.pop(key).score
    for acronym in common:
        found = orgs.get(entity_key(acronym))
        if found is not None and found.entity is None:
            del orgs[entity_key(acronym)]
    if publisher:
        found = add(orgs, "organizations", publisher, len(text), 1.0)
        if found is not None:
            found.org_role = "publisher"

    # Campaigns named in quotes after a campaign word.
    for match in re.finditer(r"(?i)(?:opération|campagne|campaign|campagna|marque|brand|programme|programma|"
                             r"signature|slogan|baptisée|intitulée|chiamat[ao])[^«“\n.]{0,30}[«“]\s*"
                             r"([^»”\n]{3,80}?)\s*[»”]", text):
        add(campaigns, "campaigns", match.group(1).strip(" *"), match.start(), 2.0)

    person_keys = {entity_key(p.name) for p in people.values()}
    for key in list(orgs):
        found = orgs[key]
        nk = entity_key(found.name)
        if found.entity is None and (nk in person_keys or _junk_org(found.name)):
            del orgs[key]
    _org_roles(orgs, text, title, publisher)
    title_key = name_key(title)
    for found in orgs.values():
        if found.entity and any(f" {name_key(n)} " in f" {title_key} " for n in found.entity.names) \
                or f" {name_key(found.name)} " in f" {title_key} ":
            found.score += 3
    ranked_orgs = sorted(orgs.values(), key=lambda f: (-f.score, f.first, f.name))
    ranked_orgs = [f for f in ranked_orgs if f.score >= 2.0][:MAX_ORGANIZATIONS]
    ranked_people = sorted(people.values(), key=lambda f: (f.first, f.name))
    ranked_people = [f for f in ranked_people if f.score >= 1.0][:MAX_PEOPLE]
    ranked_campaigns = sorted(campaigns.values(), key=lambda f: (-f.score, f.first, f.name))
    return Entities(sorted(ranked_orgs, key=lambda f: (f.first, f.name)), ranked_people, ranked_campaigns)


_NAME_BEFORE_COMMA = re.compile(rf"((?:{_NAME_WORD}[ \u00a0]+(?:{_PARTICLE}[ \u00a0]*)?){{1,3}}{_NAME_WORD})"
                                r"(?=[ \u00a0]*,[ \u00a0]*\S)")


def _person_suffix(sequence: str) -> str | None:
    """The person's name at the end of a capitalised run: "Selon Danny Sriskandarajah" -> the name.
    A known given name decides where it starts; otherwise the last two words, when they look like one."""
    tokens = sequence.split()
    for start in range(len(tokens) - 1):
        if _is_given(tokens[start]) and looks_like_name(" ".join(tokens[start:])):
            return " ".join(tokens[start:])
    tail = " ".join(tokens[-2:])
    if len(tokens) >= 2 and looks_like_name(tail) and tokens[-2].lower() not in rules.NAME_PARTICLES \
            and not tokens[-2].isupper() and not tokens[-1].isupper():
        return tail
    return None


_PREVIOUS_CAPITALISED = re.compile(rf"{_CAP}[\w’'&-]*[ \u00a0]+$")
_NEXT_CAPITALISED = re.compile(rf"[ \u00a0]+{_CAP}")


def _sentence_start(text: str, position: int) -> bool:
    before = text[max(0, position - 3):position]
    return not before.strip() or bool(re.search(r"[.!?:«“\"\n]\s*$", before))


def _repeated_names(text: str, people: dict) -> list[tuple[str, int]]:
    """A capitalised word the text keeps naming (3+ times, twice inside a sentence), that is
    no one's name part, no common word and no place: "Oxfam", "Barilla", "Decathlon"."""
    counts: dict[str, list[int]] = {}
    inside: dict[str, int] = {}  # mentions inside a sentence, where a capital means a name
    lowered = set(re.findall(r"(?<![\w’'-])[a-zà-ÿ][\w’'-]+", text))
    in_longer: dict[str, int] = {}
    for match in _CAPITALISED_WORD.finditer(text):
        word = match.group(0)
        counts.setdefault(word, []).append(match.start())
        previous = _PREVIOUS_CAPITALISED.search(text, max(0, match.start() - 40), match.start())
        longer = bool(_NEXT_CAPITALISED.match(text, match.end())) or bool(
            previous and not _sentence_start(text, previous.start()))
        if longer:  # "the Brand Purpose Summit": part of a longer name ("Secondo Lavazza" is not)
            in_longer[word] = in_longer.get(word, 0) + 1
        elif not _sentence_start(text, match.start()):
            inside[word] = inside.get(word, 0) + 1
    person_words = {t for p in people.values() for t in p.name.split()}
    found = []
    for word, positions in counts.items():
        low = word.lower()
        if len(positions) < 3 or inside.get(word, 0) < 2 or low in lowered or word in person_words \
                or in_longer.get(word, 0) * 2 >= len(positions):
            continue
        if low in rules.NOT_NAME_WORDS or low in rules.GIVEN_NAMES or low in rules.PLACES or low in _PLATFORMS \
                or low in rules.ROLE_WORDS or low in rules.ORG_HEAD_WORDS or low in rules.NOT_ORG_WORDS \
                or word.upper() == word:
            continue
        found.append((word, positions[0]))
    return found


def _preferred_case(current: str, other: str) -> str:
    """Of two spellings of one name, the one that is not shouted ("Le Douaron" over "Le DOUARON")."""
    def shouting(name: str) -> int:
        return sum(1 for t in name.split() if len(t) > 2 and t.isupper())
    return current if shouting(current) <= shouting(other) else other


def _looks_person(name: str) -> bool:
    tokens = name.split()
    return 2 <= len(tokens) <= 5 and _is_given(tokens[0]) and all(
        t[:1].isupper() or t.lower() in rules.NAME_PARTICLES for t in tokens)


def _junk_org(name: str) -> bool:
    low = fold(name)
    tokens = low.split()
    if not tokens or low in _PLATFORMS or low in rules.PLACES:
        return True
    if tokens[0] in rules.NOT_NAME_WORDS and len(tokens) == 1:
        return True
    if len(name) > 80 or all(t in rules.NOT_NAME_WORDS for t in tokens):
        return True
    bare = [t for t in name.lower().split() if t not in rules.NOT_NAME_WORDS]
    if len(bare) == 1 and bare[0] in rules.NOT_ORG_WORDS:
        return True
    if len(bare) == 1 and (bare[0] in rules.ORG_HEAD_WORDS or bare[0].rstrip("s") in rules.ORG_HEAD_WORDS):
        return True  # "Fédération", "Le Journal" alone name a kind of organization, not one
    return name.upper() in rules.NOT_ORG_ACRONYMS


def _org_roles(orgs: dict[str, Found], text: str, title: str, publisher: str | None) -> None:
    publisher_key = name_key(publisher) if publisher else None
    title_key = f" {name_key(title)} "
    top = max(orgs.values(), key=lambda f: (f.mentions, -f.first), default=None)
    for found in orgs.values():
        if found.org_role:
            continue
        names = found.entity.names if found.entity else (found.name,)
        context = " ".join(text[max(0, m.start() - 40):m.start()]
                           for n in names for m in re.finditer(re.escape(n), text))
        entity_type = found.entity.type if found.entity else None
        if publisher_key and name_key(found.name) == publisher_key:
            found.org_role = "publisher"
        elif entity_type == "agency" or re.search(r"(?i)agences?|agenzia|agency", context):
            found.org_role = "agency"
        elif entity_type == "media":
            found.org_role = "media"
        elif re.search(r"(?i)partenariats?|partnership|partenaire|partner|avec le soutien", context):
            found.org_role = "partner"
        elif entity_type == "public-body" or found.name.split()[0].lower() in rules.INSTITUTION_HEAD_WORDS:
            found.org_role = "institution"
        elif found is top or any(f" {name_key(n)} " in title_key for n in names):
            found.org_role = "subject"
        else:
            found.org_role = "mentioned"
