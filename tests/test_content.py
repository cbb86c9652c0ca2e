"""The committed archive content: one published, valid case per seed, a registry that the
cases really use, cross-links that hold, and a gold file that matches the seeds."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml

from casebook.check import case_files, check_content, load_case
from casebook.registry import load_registry, name_key
from casebook.schema import CHANNELS, DATE_PRECISIONS, FORMATS, LANGUAGES, parse_iso_date, slugify
from tests.conftest import ROOT

CONTENT = ROOT / "content"
SEEDS = sorted(p.name for p in (ROOT / "seeds").glob("*.txt"))
GOLD = ROOT / "tests" / "gold" / "seeds.yaml"
NBSP = "\u00a0"


def load_cases() -> list:
    cases = []
    for path in case_files(CONTENT):
        case, problems = load_case(path)
        assert case is not None, problems
        cases.append(case)
    return cases


CASES = load_cases()


def case_for(seed: str):
    matches = [c for c in CASES if (c.document.data.get("source") or {}).get("file") == seed]
    assert len(matches) == 1, f"{seed}: {len(matches)} cases name it in source.file"
    return matches[0]


def seed_starting(prefix: str) -> str:
    names = [s for s in SEEDS if s.startswith(prefix)]
    assert len(names) == 1, f"no single seed starts with {prefix!r}: {names}"
    return names[0]


def test_every_seed_has_exactly_one_case():
    assert SEEDS, "seeds/ is empty"
    for seed in SEEDS:
        case_for(seed)
    named = Counter((c.document.data.get("source") or {}).get("file") for c in CASES)
    assert set(named) == set(SEEDS), f"cases name files that are not seeds: {set(named) - set(SEEDS)}"


def test_content_passes_check():
    assert [str(p) for p in check_content(CONTENT)] == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.path.stem)
def test_case_is_published_under_its_title_slug(case):
    data = case.document.data
    assert data.get("status") == "published"
    assert case.path.stem == slugify(data["title"]), "file name must be slugify(title) + .md"
    assert data.get("reading_time", 0) >= 1


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.path.stem)
def test_body_is_clean_markdown(case):
    body = case.document.body
    leftovers = {
        "raw HTML tag": re.compile(r"</?[a-zA-Z][^>]*>"),
        "wiki link": re.compile(r"\{\{LNK"),
        "dead link": re.compile(r"\]\(#\)"),
        "LaTeX superscript": re.compile(r"\^\{"),
        "bare footnote marker": re.compile(r"(?<!\^)\[\d+\](?!:)"),
    }
    for what, pattern in leftovers.items():
        assert not pattern.search(body), f"{case.path.name}: {what} left in the body"
    refs = set(re.findall(r"\[\^(\w+)\](?!:)", body))
    notes = set(re.findall(r"^\[\^(\w+)\]:", body, flags=re.M))
    assert refs == notes, f"{case.path.name}: footnote references {refs} and notes {notes} differ"


@pytest.mark.parametrize("case", [c for c in CASES if c.document.data.get("lang") == "fr"],
                         ids=lambda c: c.path.stem)
def test_french_typography(case):
    """A no-break space before : ; ! ? and inside « », outside link targets."""
    text = re.sub(r"\]\([^)]*\)", "]()", case.document.body)
    for value in (case.document.data.get("title"), case.document.data.get("summary")):
        text += "\n" + (value or "")
    assert not re.search(r"[^\S\u00a0\u202f]+[:;!?»]", text), "an ordinary space before : ; ! ? or »"
    assert not re.search(r"«[^\S\u00a0\u202f]", text), "an ordinary space after «"
    assert not re.search(r"\w[;!?»]|«\w", text), "no space at all around ; ! ? or « »"


def test_every_registry_entity_is_used():
    registry = load_registry(CONTENT)
    used = {kind: set() for kind in registry.entities}
    for case in CASES:
        data = case.document.data
        for kind in ("organizations", "people"):
            for item in data.get(kind) or []:
                used[kind].add(item.get("id"))
                if kind == "people":
                    used["organizations"].add(item.get("organization"))
        used["campaigns"].add((data.get("campaign") or {}).get("id"))
    for person in registry.all("people"):
        used["organizations"].add(person.extra.get("organization"))
    for kind, entities in registry.entities.items():
        unused = sorted(set(entities) - used[kind])
        assert not unused, f"{kind} never used by a case or another entity: {unused}"


def test_registry_names_are_unambiguous_and_cases_resolve():
    """No name or alias belongs to two entities, and every name a case gives resolves to its id."""
    registry = load_registry(CONTENT)
    for kind, entities in registry.entities.items():
        owners: dict[str, str] = {}
        for entity in entities.values():
            for name in entity.names:
                owner = owners.setdefault(name_key(name), entity.id)
                assert owner == entity.id, f"{kind}: {name!r} names both {owner} and {entity.id}"
    for case in CASES:
        data = case.document.data
        items = [("organizations", o) for o in data.get("organizations") or []]
        items += [("people", p) for p in data.get("people") or []]
        if data.get("campaign"):
            items.append(("campaigns", data["campaign"]))
        for kind, item in items:
            found = registry.lookup(kind, item["name"])
            assert found is not None and found.id == item.get("id"), (
                f"{case.path.name}: {kind} name {item['name']!r} resolves to "
                f"{found.id if found else None}, not {item.get('id')!r} (add it to the aliases)"
            )


def org_ids(case) -> set[str]:
    return {o.get("id") for o in case.document.data.get("organizations") or []}


def test_renault_links_the_cnpa_and_mobiliz_cases():
    assert "renault" in org_ids(case_for(seed_starting("000_")))
    assert "renault" in org_ids(case_for(seed_starting("003_")))


def test_avec_l_industrie_links_the_italian_interview_and_the_launch():
    for prefix in ("002_", "004_"):
        campaign = case_for(seed_starting(prefix)).document.data.get("campaign") or {}
        assert campaign.get("id") == "avec-l-industrie", prefix
    registry = load_registry(CONTENT)
    for slogan in ("Abbiamo un futuro da produrre", "On a un avenir à fabriquer", "Avec l’industrie"):
        assert registry.lookup("campaigns", slogan).id == "avec-l-industrie", slogan


@pytest.fixture(scope="module")
def gold() -> dict:
    return yaml.safe_load(GOLD.read_text(encoding="utf-8"))


def test_gold_names_exactly_the_seeds(gold):
    assert sorted(gold) == SEEDS


def test_gold_values_have_the_right_types(gold):
    for seed, entry in gold.items():
        assert isinstance(entry["title"], str) and entry["title"].strip(), seed
        date = entry["date"]
        assert date is None or (isinstance(date, str) and parse_iso_date(date)), f"{seed}: date {date!r}"
        assert entry["date_precision"] in ((None,) if date is None else tuple(DATE_PRECISIONS)), seed
        assert entry["lang"] in LANGUAGES, seed
        assert entry["format"] in FORMATS, seed
        assert entry["publisher"] is None or isinstance(entry["publisher"], str), seed
        for key in ("authors", "organizations", "people"):
            assert all(isinstance(n, str) and n.strip() for n in entry[key]), f"{seed}: {key}"
        assert all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in entry["figures"]), seed
        unknown = set(entry["channels"]) - set(CHANNELS)
        assert not unknown, f"{seed}: channels {unknown} are not in CHANNELS"


def test_gold_agrees_with_the_cases(gold):
    """The gold file and the curated cases are written separately; they must not contradict."""
    for seed, entry in gold.items():
        data = case_for(seed).document.data
        assert entry["lang"] == data.get("lang"), seed
        assert entry["format"] == data.get("format"), seed
        assert entry["date"] == (str(data["date"]) if data.get("date") else None), seed
        assert entry["publisher"] == (data.get("source") or {}).get("publisher"), seed
        assert entry["authors"] == (data.get("authors") or []), seed
        assert set(entry["channels"]) <= set(data.get("channels") or []), seed
        assert set(entry["figures"]) <= {f["value"] for f in data.get("figures") or []}, seed
        registry = load_registry(CONTENT)
        for kind in ("organizations", "people"):
            ids = {i.get("id") for i in data.get(kind) or []}
            for name in entry[kind]:
                found = registry.lookup(kind, name)
                assert found is not None and found.id in ids, f"{seed}: gold {kind} {name!r} not in the case"

