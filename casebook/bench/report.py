"""The benchmark's report: figures, targets with pass/fail, growth between two sizes.

Targets are those of the benchmark issue, set for 10,000 cases on a 2-core machine (the
edit-to-preview one for 1,000 cases). A missed target is reported, never raised: the
benchmark fails only when one of its stages crashes.
"""

from __future__ import annotations

from dataclasses import dataclass

KB = 1000
# Every figure a run reports (the JSON's keys); tests check that a run has them all.
FIGURE_KEYS = ("cases", "seed", "machine", "generate", "convert", "content", "build", "plugins", "peak_rss_mb",
               "output", "search", "preview", "targets")

TARGETS = {  # name: (limit, direction, what)
    "plugins_overhead": (0.30, "max", "all Casebook plugins add at most 30% to the baseline build"),
    "peak_memory_mb": (2048, "max", "peak memory at most 2 GB"),
    "converter_seeds_per_second": (50, "min", "converter at least 50 seeds/s"),
    "first_query_kb": (300, "max", "first search query downloads at most 300 KB"),
    "later_query_kb": (100, "max", "later search queries download at most 100 KB"),
    "search_ms": (300, "max", "search results within 300 ms"),
    "edit_to_preview_seconds": (3.0, "max", "edit-to-preview at most 3 s (at 1,000 cases)"),
    "scorer_share": (0.10, "max", "relating the cases (cross-links scorer) under 10% of the build"),
}
GROWTH_LIMIT = 2.2  # for doubling the archive; scaled to the two sizes compared


@dataclass
class Check:
    name: str
    value: float | None
    limit: float
    direction: str
    what: str

    @property
    def status(self) -> str:
        if self.value is None:
            return "n/a"
        ok = self.value <= self.limit if self.direction == "max" else self.value >= self.limit
        return "pass" if ok else "FAIL"

    def as_dict(self) -> dict:
        return {"name": self.name, "value": self.value, "limit": self.limit, "direction": self.direction,
                "what": self.what, "status": self.status}


def _get(figures: dict, *keys, default=None):
    for key in keys:
        if not isinstance(figures, dict) or key not in figures:
            return default
        figures = figures[key]
    return figures


def peak_memory(figures: dict) -> float | None:
    """The largest resident memory of any stage, in MB: of its process, of its largest child
    process, or of the two together (sampled: Pagefind indexes while Pelican writes)."""
    values = []
    for stage in (_get(figures, "convert"), _get(figures, "build", "baseline"), _get(figures, "build", "plugins")):
        for value in (_get(stage, "peak_rss_mb") or {}).values():
            values.append(value)
    preview = _get(figures, "preview", "peak_rss_mb")
    if preview:
        values.append(preview)
    return max(values) if values else None


SCORER_HOOK = "crosslinks:relate_articles"  # timed on its own by casebook.bench.timing
# Older results have no such figure: the hook that runs the scorer (with the campaign,
# translation and order links) is then an upper bound. The mentions pass, which runs while
# the cases are read, is not relating cases and never counts.
SCORER_FALLBACK_HOOK = "crosslinks:article_generator_finalized"


def scorer_seconds(figures: dict) -> float | None:
    """Time of the cross-links scorer (``relate_articles``: the related cases of every case)."""
    hooks = _get(figures, "build", "plugins", "hooks") or {}
    return hooks.get(SCORER_HOOK, hooks.get(SCORER_FALLBACK_HOOK))


def checks(figures: dict) -> list[Check]:
    plugins = _get(figures, "build", "plugins", "seconds")
    baseline = _get(figures, "build", "baseline", "seconds")
    queries = _get(figures, "search", "queries") or []
    first = queries[0]["bytes"] / KB if queries else None
    later = max(q["bytes"] for q in queries[1:]) / KB if len(queries) > 1 else None
    slowest = max(q["ms"] for q in queries) if queries else None
    scorer = scorer_seconds(figures)
    values = {
        "plugins_overhead": plugins / baseline - 1 if plugins and baseline else None,
        "peak_memory_mb": peak_memory(figures),
        "converter_seeds_per_second": _get(figures, "convert", "seeds_per_second"),
        "first_query_kb": first,
        "later_query_kb": later,
        "search_ms": slowest,
        "edit_to_preview_seconds": _get(figures, "preview", "seconds"),
        "scorer_share": scorer / plugins if scorer is not None and plugins else None,
    }
    return [Check(name, values[name], *TARGETS[name]) for name in TARGETS]


# Figures whose growth --compare reports: (label, path in the figures).
GROWTH_FIGURES = (
    ("convert seconds", ("convert", "seconds")),
    ("baseline build seconds", ("build", "baseline", "seconds")),
    ("plugins build seconds", ("build", "plugins", "seconds")),
    ("peak memory MB", ("peak_rss_mb",)),
    ("output bytes", ("output", "bytes")),
    ("search index bytes", ("search", "index_bytes")),
    ("first query bytes", ("search", "queries", 0, "bytes")),
    ("first query ms", ("search", "queries", 0, "ms")),
    ("filters-only search bytes", ("search", "browse", "bytes")),
    ("edit-to-preview seconds", ("preview", "seconds")),
)


def _path(figures, path):
    for key in path:
        if isinstance(key, int):
            figures = figures[key] if isinstance(figures, list) and len(figures) > key else None
        else:
            figures = figures.get(key) if isinstance(figures, dict) else None
        if figures is None:
            return None
    return figures


def growth(large: dict, small: dict) -> list[dict]:
    """How each figure grows from the small run to the large one, with the near-linear limit."""
    scale = large["cases"] / small["cases"]
    limit = GROWTH_LIMIT * scale / 2
    rows = []
    paths = list(GROWTH_FIGURES)
    for plugin in sorted(set(_get(large, "plugins") or {}) | set(_get(small, "plugins") or {})):
        paths.append((f"plugin {plugin} seconds", ("plugins", plugin)))
    for label, path in paths:
        a, b = _path(large, path), _path(small, path)
        ratio = a / b if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else None
        status = "n/a" if ratio is None else ("pass" if ratio <= limit else "FAIL")
        rows.append({"figure": label, "small": b, "large": a, "growth": ratio, "limit": round(limit, 3),
                     "status": status})
    return rows


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(rows: list[list], header: list[str]) -> str:
    cells = [header] + [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def summary_rows(figures: dict) -> list[list]:
    build = figures.get("build") or {}
    baseline, plugins = build.get("baseline") or {}, build.get("plugins") or {}
    search = figures.get("search") or {}
    rows = [
        ["cases", figures.get("cases"), ""],
        ["generate", _get(figures, "generate", "seconds"), "s"],
        ["convert", _get(figures, "convert", "seconds"), f"s ({_get(figures, 'convert', 'converter')})"],
        ["converter throughput", _get(figures, "convert", "seeds_per_second"), "seeds/s"],
        ["baseline build (reader and theme only)", baseline.get("seconds"), "s"],
        ["full build (all plugins)", plugins.get("seconds"), "s"],
        ["full / baseline", build.get("ratio"), "x"],
    ]
    for name, seconds in sorted((figures.get("plugins") or {}).items(), key=lambda kv: -kv[1]):
        rows.append([f"  plugin {name}", seconds, "s"])
    rows += [
        ["peak memory (RSS)", figures.get("peak_rss_mb"), "MB"],
        ["pages", plugins.get("pages"), ""],
        ["output size", (_get(figures, "output", "bytes") or 0) / 1e6,
         f"MB in {_fmt(_get(figures, 'output', 'files'))} files"],
        ["search index", (search.get("index_bytes") or 0) / 1e6 if search.get("available") else None,
         f"MB in {_fmt(search.get('index_files'))} files"],
    ]
    for number, query in enumerate(search.get("queries") or [], 1):
        rows.append([f"query {number} «{query['query']}»", query["bytes"] / KB,
                     f"KB on the wire, {query['ms']:.0f} ms, {query['results']} results"])
    browse = search.get("browse")
    if browse:
        shown = "&".join(f"{name}={value}" for name, value in browse["filters"].items())
        rows.append([f"filters only «{shown}»", browse["bytes"] / KB,
                     f"KB on the wire with the page, {browse['ms']:.0f} ms, «{browse['status']}»"])
    edits = _get(figures, "preview", "edits") or []
    spread = f" (median; saves {min(edits[1:]):.1f} to {max(edits[1:]):.1f} s)" if len(edits) > 2 else ""
    rows.append(["edit-to-preview", _get(figures, "preview", "seconds"), "s" + spread])
    return rows


def render(figures: dict) -> str:
    parts = [f"Casebook benchmark: {figures['cases']:,} cases", "",
             table(summary_rows(figures), ["figure", "value", "unit"]), "",
             "Targets (set for 10,000 cases; edit-to-preview for 1,000):",
             table([[t["what"], t["value"], t["limit"], t["status"]] for t in figures["targets"]],
                   ["target", "value", "limit", "status"])]
    return "\n".join(parts)


def render_growth(rows: list[dict], large: int, small: int) -> str:
    return "\n".join([
        f"Growth from {small:,} to {large:,} cases (near-linear limit {rows[0]['limit'] if rows else '-'}x):",
        table([[r["figure"], r["small"], r["large"], r["growth"], r["status"]] for r in rows],
              ["figure", f"at {small:,}", f"at {large:,}", "growth", "status"]),
    ])
