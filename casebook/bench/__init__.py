"""``invoke bench``: Casebook at scale, measured.

The pipeline, one module per stage:

    generate  synthetic seeds and registry entities from the real seeds (pool: the cast)
    measure   conversion, the baseline and full builds in fresh processes (child), sizes,
              search in headless Chromium, edit-to-preview through ``invoke serve``
    report    the table, the targets with pass/fail, growth between two sizes

``run(cases)`` does it all for one size and returns the figures (also written as JSON).
"""

from __future__ import annotations

import json
import logging
import os
import platform
import shutil
import time
from collections import Counter
from pathlib import Path

from casebook.bench import generate as gen
from casebook.bench import measure, report

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent.parent
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench"


def machine() -> dict:
    memory = None
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            memory = round(int(meminfo.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), cpu)
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": memory, "python": platform.python_version(),
            "system": platform.platform(), "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}


def content_profile(content: Path) -> dict:
    """What the converted archive looks like: distinct terms per facet, registry size."""
    from casebook.check import case_files, load_case

    facets: dict[str, Counter] = {name: Counter() for name in ("organizations", "people", "themes", "sectors",
                                                                 "places", "campaigns", "channels")}
    with_id = Counter()
    cases = 0
    for path in case_files(content):
        case, _ = load_case(path)
        if case is None:
            continue
        cases += 1
        data = case.document.data
        for name in ("organizations", "people"):
            for item in data.get(name) or []:
                if isinstance(item, dict) and item.get("name"):
                    facets[name][item.get("id") or item["name"]] += 1
                    with_id[name] += bool(item.get("id"))
        for name in ("themes", "sectors", "places", "channels"):
            for item in data.get(name) or []:
                facets[name][str(item).casefold()] += 1
        campaign = data.get("campaign")
        if isinstance(campaign, dict) and campaign.get("name"):
            facets["campaigns"][campaign.get("id") or campaign["name"]] += 1
    registry = {kind: sum(1 for _ in (content / "entities" / kind).glob("*.md"))
                for kind in ("organizations", "people", "campaigns")}
    return {"cases": cases, "registry": registry,
            "distinct": {name: len(counter) for name, counter in facets.items()},
            "most_frequent_share": {name: round(counter.most_common(1)[0][1] / cases, 3) if counter and cases else None
                                    for name, counter in facets.items()},
            "mentions_with_registry_id": dict(with_id)}


PREVIEW_MAX = 2000  # edit-to-preview's target is set at 1,000 cases; above this, measured on request


def run(cases: int = 1000, work: Path | None = None, seed: int = gen.DEFAULT_SEED, browser: bool = True,
        preview: bool | None = None, results: Path | None = RESULTS) -> dict:
    """Generate, convert, build twice, measure; returns the figures and writes results-<cases>.json."""
    work = Path(work or WORK) / str(cases)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    figures: dict = {"cases": cases, "seed": seed, "machine": machine()}

    started = time.perf_counter()
    articles = gen.generate(cases, work, seed)
    figures["generate"] = {"seconds": round(time.perf_counter() - started, 3), "seeds": len(articles),
                           "seed_bytes": sum(len(a.text.encode("utf-8")) for a in articles)}
    log.info("generated %d seeds in %.1f s", cases, figures["generate"]["seconds"])

    figures["convert"] = measure.convert(work, articles)
    log.info("converted: %s", {k: figures["convert"].get(k) for k in ("seconds", "seeds_per_second", "exit_code")})
    figures["content"] = content_profile(work / "content")

    measure.warm_up(work)
    baseline = measure.build(work, "baseline")
    log.info("baseline build: %.1f s", baseline["seconds"])
    full = measure.build(work, "plugins")
    log.info("full build: %.1f s", full["seconds"])
    figures["build"] = {"baseline": baseline, "plugins": full, "ratio": full["seconds"] / baseline["seconds"]}
    figures["plugins"] = full["plugins"]
    figures["output"] = full["size"]

    figures["search"] = (measure.search(Path(full["output"]), search_queries(articles), browse=browse_filter(articles))
                         if browser
                         else {"available": False, "note": "skipped (--no-browser)"})
    if preview is None:
        preview = cases <= PREVIEW_MAX
    if preview and browser:
        figures["preview"] = measure.edit_to_preview(work)
    else:
        figures["preview"] = {"note": f"not measured at {cases:,} cases (the target is set at 1,000: "
                                      "invoke bench --cases 1000)" if browser else "skipped (--no-browser)"}
    figures["peak_rss_mb"] = report.peak_memory(figures)
    figures["targets"] = [check.as_dict() for check in report.checks(figures)]
    if results is not None:
        results.mkdir(parents=True, exist_ok=True)
        (results / f"results-{cases}.json").write_text(json.dumps(figures, indent=1, sort_keys=True,
                                                                  ensure_ascii=False) + "\n", encoding="utf-8")
    return figures


def browse_filter(articles) -> dict[str, str]:
    """A search by filters only: the cases in the archive's most common language."""
    return {"lang": Counter(a.lang for a in articles).most_common(1)[0][0]} if articles else {}


def search_queries(articles) -> list[str]:
    """A common word, then the most frequent organization's name, then a rarer person's name."""
    organizations = Counter(o.name for a in articles for o in a.organizations)
    people = Counter(p.name for a in articles for p in a.people)
    queries = ["campagne"]
    if organizations:
        queries.append(organizations.most_common(1)[0][0])
    if people:
        ranked = people.most_common()
        queries.append(ranked[len(ranked) // 2][0])
    return queries
