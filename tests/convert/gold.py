"""Scoring the converter against the gold set (tests/gold/seeds.yaml): per-field accuracy,
precision and recall. Used by test_gold.py and runnable as a script:
``python -m tests.convert.gold`` prints the table."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from casebook.convert import convert_bytes
from casebook.convert.entities import build_matcher
from casebook.registry import Registry, load_registry, name_key

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "tests" / "gold" / "seeds.yaml"
SEEDS = ROOT / "seeds"
EXACT_FIELDS = ("title", "date", "date_precision", "lang", "format", "publisher")
SET_FIELDS = ("authors", "organizations", "people", "figures", "channels")


@dataclass
class Score:
    name: str
    true_positives: int = 0
    predicted: int = 0
    expected: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.expected if self.expected else 1.0


def _canonical(kind: str, name: str, registry: Registry) -> str:
    entity = registry.lookup(kind, name)
    return f"{kind}:{entity.id}" if entity else name_key(name)


def _values(field_name: str, items, registry: Registry) -> set:
    if field_name == "figures":
        return {float(v) for v in items}
    if field_name in ("organizations", "people"):
        return {_canonical(field_name, n, registry) for n in items}
    if field_name == "authors":
        return {name_key(n) for n in items}
    return set(items)


def predicted_fields(data: dict) -> dict:
    return {
        "title": data.get("title"),
        "title_derived": bool(data.get("title_derived")),
        "date": data.get("date"),
        "date_precision": data.get("date_precision"),
        "lang": data.get("lang"),
        "format": data.get("format"),
        "publisher": (data.get("source") or {}).get("publisher"),
        "authors": data.get("authors") or [],
        "organizations": [o["name"] for o in data.get("organizations") or []],
        "people": [p["name"] for p in data.get("people") or []],
        "figures": [f["value"] for f in data.get("figures") or []],
        "channels": data.get("channels") or [],
    }


def score(content: Path = ROOT / "content") -> tuple[dict[str, Score], int]:
    """(scores per field, number of invented dates)."""
    gold = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    registry = load_registry(content)
    matcher = build_matcher(registry)
    scores = {name: Score(name) for name in (*EXACT_FIELDS, *SET_FIELDS)}
    invented = 0
    for filename, expected in sorted(gold.items()):
        data = convert_bytes((SEEDS / filename).read_bytes(), filename, matcher).data
        got = predicted_fields(data)
        for name in EXACT_FIELDS:
            want = expected.get(name)
            have = got[name]
            if name == "title":
                ok = (got["title_derived"] and bool(have)) if expected.get("title_derived") else (
                    name_key(have or "") == name_key(want or ""))
            elif name == "date":
                ok = (have or None) == (str(want) if want else None)
                invented += bool(have and not want)
            else:
                ok = (have or None) == (want or None)
            s = scores[name]
            s.predicted += 1
            s.expected += 1
            s.true_positives += ok
            if not ok:
                s.misses.append(f"{filename}: got {have!r}, want {want!r}")
        for name in SET_FIELDS:
            want = _values(name, expected.get(name) or [], registry)
            have = _values(name, got[name], registry)
            s = scores[name]
            s.true_positives += len(want & have)
            s.predicted += len(have)
            s.expected += len(want)
            if want - have:
                s.misses.append(f"{filename}: missed {sorted(map(str, want - have))}")
            if have - want:
                s.misses.append(f"{filename}: extra {sorted(map(str, have - want))}")
    return scores, invented


def table(scores: dict[str, Score], invented: int, misses: bool = False) -> str:
    lines = [f"{'field':<16}{'precision':>10}{'recall':>8}"]
    for s in scores.values():
        lines.append(f"{s.name:<16}{s.precision:>10.2f}{s.recall:>8.2f}")
        if misses:
            lines.extend(f"    {m}" for m in s.misses)
    lines.append(f"invented dates: {invented}")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    print(table(*score(), misses="-v" in sys.argv))
