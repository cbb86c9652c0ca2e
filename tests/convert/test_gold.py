"""The gold test: the converter on seeds/ against tests/gold/seeds.yaml, per field.

Two runs: with the curated registry (what `invoke convert` does on this archive) and with an
empty registry (the heuristics alone, as on articles whose entities nobody has curated yet).
Floors are pinned at what the converter reached when they were set; raise them, never lower
them to make a change pass. Scores print with ``pytest -s``.
"""

from __future__ import annotations

import pytest

from .gold import ROOT, score, table

# field: (precision floor, recall floor)
FLOORS_WITH_REGISTRY = {
    "title": (1.0, 1.0), "date": (1.0, 1.0), "date_precision": (1.0, 1.0), "lang": (1.0, 1.0),
    "format": (1.0, 1.0), "publisher": (1.0, 1.0), "authors": (1.0, 1.0),
    "organizations": (0.90, 1.0), "people": (1.0, 1.0), "figures": (0.86, 0.95), "channels": (0.87, 1.0),
}
FLOORS_HEURISTICS_ONLY = {"organizations": (0.93, 0.96), "people": (1.0, 1.0)}


@pytest.mark.parametrize("registry, floors", [
    ("content", FLOORS_WITH_REGISTRY),
    (None, FLOORS_HEURISTICS_ONLY),
], ids=["with-registry", "heuristics-only"])
def test_gold_scores_stay_above_their_floors(registry, floors, tmp_path):
    content = ROOT / registry if registry else tmp_path
    scores, invented = score(content)
    print("\n" + table(scores, invented, misses=True))
    assert invented == 0, "the converter invented a date the text does not state"
    low = [f"{name}: precision {scores[name].precision:.2f} < {p} or recall {scores[name].recall:.2f} < {r}"
           for name, (p, r) in floors.items()
           if scores[name].precision < p - 1e-9 or scores[name].recall < r - 1e-9]
    assert not low, "below the pinned floor:\n" + "\n".join(low)
