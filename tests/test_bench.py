"""The benchmark: its generator (deterministic, Zipf-like, valid cases), its report, one small run."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
import types
from collections import Counter
from pathlib import Path

import pytest

from casebook.bench import generate as gen
from casebook.bench import report, timing
from casebook.bench.child import publish_drafts
from casebook.bench.pool import Zipf, build_pool
from casebook.bench.timing import owner
from casebook.check import check_content
from casebook.frontmatter import parse
from tests.conftest import ROOT, file_tree


def test_generator_is_deterministic_and_writes_n_seeds(tmp_path):
    first = gen.generate(40, tmp_path / "a")
    gen.generate(40, tmp_path / "b")
    seeds = sorted((tmp_path / "a" / "seeds").glob("*.txt"))
    assert len(seeds) == 40 == len({a.name for a in first})
    assert file_tree(tmp_path / "a") == file_tree(tmp_path / "b")
    assert gen.generate(40, tmp_path / "c", seed=7)[0].text != first[0].text


def test_seeds_look_like_the_real_ones(tmp_path):
    articles = gen.generate(200, tmp_path)
    assert {a.lang for a in articles} == {"fr", "it"}
    assert {a.format for a in articles} >= {"news", "interview", "event-recap"}
    texts = "\n".join(a.text for a in articles)
    assert "Temps de lecture" in texts and "● Par [" in texts and "Il " in texts
    # dates in the seeds' word forms, never ISO in the text
    dated = [a for a in articles if a.date]
    assert len(dated) > 150
    for article in dated[:50]:
        year = article.date[:4]
        month = gen.MONTHS[article.lang][int(article.date[5:7]) - 1]
        assert f"{month} {year}" in article.text.casefold(), article.name
        assert article.date not in article.text
    assert len({a.title for a in articles}) == 200


def test_pool_is_large_and_zipf_like():
    pool = build_pool(10_000, random.Random(1))
    assert len(pool.organizations) >= 500 and len(pool.people) >= 1000 and len(pool.campaigns) >= 100
    assert len({o.id for o in pool.organizations}) == len(pool.organizations)
    rng = random.Random(2)
    draws = Counter(pool.organization_ranks.draw(rng) for _ in range(20_000))
    ranked = [draws[rank] for rank in range(len(pool.organizations))]
    # a heavy head and a long tail, but no single actor everywhere
    assert sum(ranked[:10]) > sum(ranked[-len(ranked) // 2:])
    assert ranked[0] > 5 * ranked[len(ranked) // 2]
    assert ranked[0] / 20_000 < 0.1
    assert Zipf(5).sample(rng, 10) and len(Zipf(5).sample(rng, 10)) == 5


def test_registry_files_and_reference_cases_are_valid(tmp_path):
    articles = gen.generate(120, tmp_path)
    entities = list((tmp_path / "content" / "entities").rglob("*.md"))
    assert len(entities) > 100
    for article in articles:
        (tmp_path / "content" / "cases" / f"{article.data['slug']}.md").write_text(article.case_document(),
                                                                                  encoding="utf-8")
    assert check_content(tmp_path / "content") == []
    registered = sum(1 for a in articles for o in a.data["organizations"] if "id" in o)
    unregistered = sum(1 for a in articles for o in a.data["organizations"] if "id" not in o)
    assert registered and unregistered


def test_seeds_parse_through_the_converter(tmp_path):
    convert = pytest.importorskip("casebook.convert", reason="the converter has not landed yet")
    gen.generate(8, tmp_path)
    content = tmp_path / "content"
    convert.run(tmp_path / "seeds", content, force=True)
    cases = sorted((content / "cases").glob("*.md"))
    assert len(cases) == 8
    assert publish_drafts(content / "cases") == 8
    for case in cases:
        assert parse(case.read_text(encoding="utf-8"), str(case)).data["status"] == "published"
    assert check_content(content) == []


def test_publish_drafts_touches_only_the_front_matter(tmp_path):
    case = tmp_path / "a.md"
    case.write_text("---\ntitle: T\nstatus: draft\n---\n\nstatus: draft\n", encoding="utf-8")
    assert publish_drafts(tmp_path) == 1
    assert case.read_text(encoding="utf-8") == "---\ntitle: T\nstatus: published\n---\n\nstatus: draft\n"


def test_time_is_charged_to_the_plugin_that_owns_the_code():
    assert owner("taxonomies.core") == "taxonomies"
    assert owner("pelican.plugins.search") == "search"
    assert owner("plugins.crosslinks.score") == "crosslinks"
    assert owner("pelican.generators") == "pelican"


def test_the_builds_own_receivers_are_timed_but_not_listed_as_a_plugin(monkeypatch):
    monkeypatch.setattr(timing, "TIMINGS", timing.Timings())
    timing._charge(owner("casebook.site"), "casebook:all_generators_finalized", 0.5)
    timing._charge(owner("plugins.taxonomies"), "taxonomies:all_generators_finalized", 0.25)
    assert dict(timing.TIMINGS.by_plugin) == {"taxonomies": 0.25}
    assert timing.TIMINGS.by_hook["casebook:all_generators_finalized"] == 0.5


def test_targets_and_growth_are_judged_not_raised():
    figures = {"cases": 10_000, "build": {"baseline": {"seconds": 100.0, "peak_rss_mb": {"self": 900}},
                                          "plugins": {"seconds": 140.0, "peak_rss_mb": {"self": 2100},
                                                      "hooks": {"crosslinks:relate_articles": 7.0,
                                                                "crosslinks:MentionsReaderMixin.read": 30.0}}},
               "convert": {"seeds_per_second": 60.0},
               "search": {"queries": [{"query": "a", "bytes": 250_000, "ms": 120, "results": 3},
                                     {"query": "b", "bytes": 120_000, "ms": 80, "results": 1}]},
               "preview": {"seconds": 2.5}}
    status = {c.name: c.status for c in report.checks(figures)}
    assert status == {"plugins_overhead": "FAIL", "peak_memory_mb": "FAIL", "converter_seeds_per_second": "pass",
                      "first_query_kb": "pass", "later_query_kb": "FAIL", "search_ms": "pass",
                      "edit_to_preview_seconds": "pass", "scorer_share": "pass"}
    small = {**figures, "cases": 5_000, "build": {**figures["build"], "plugins": {"seconds": 60.0}}}
    rows = {r["figure"]: r for r in report.growth(figures, small)}
    assert rows["plugins build seconds"]["status"] == "FAIL"  # 140 / 60 > 2.2
    assert rows["baseline build seconds"]["status"] == "pass"
    assert "FAIL" in report.render({**figures, "targets": [c.as_dict() for c in report.checks(figures)]})


def test_edit_to_preview_shows_its_median_and_the_spread_of_the_timed_saves():
    """The first save warms the caches and is left out; a late save shows in the spread."""
    rows = {row[0]: row for row in report.summary_rows({"preview": {"seconds": 1.9,
                                                                    "edits": [6.0, 1.7, 4.1, 1.9, 1.8]}})}
    assert rows["edit-to-preview"][1:] == [1.9, "s (median; saves 1.7 to 4.1 s)"]
    rows = {row[0]: row for row in report.summary_rows({"preview": {"seconds": 1.9, "edits": [6.0, 1.9]}})}
    assert rows["edit-to-preview"][1:] == [1.9, "s"]


def test_the_scorer_share_counts_the_scorer_not_the_mentions_pass():
    hooks = {"crosslinks:MentionsReaderMixin.read": 30.0, "crosslinks:article_generator_finalized": 9.0,
             "crosslinks:relate_articles": 6.0}
    figures = {"build": {"plugins": {"seconds": 100.0, "hooks": hooks}}}
    assert report.scorer_seconds(figures) == 6.0
    assert {c.name: c.value for c in report.checks(figures)}["scorer_share"] == 0.06
    del hooks["crosslinks:relate_articles"]  # an older result: the hook that runs the scorer
    assert report.scorer_seconds(figures) == 9.0
    del hooks["crosslinks:article_generator_finalized"]
    assert report.scorer_seconds(figures) is None


def test_an_inner_function_is_timed_under_its_plugin_without_counting_twice(monkeypatch):
    module = types.ModuleType("fakeplugin")
    module.score = lambda values: sorted(values)
    monkeypatch.setitem(sys.modules, "fakeplugin", module)
    monkeypatch.setattr(timing, "INNER_FUNCTIONS", (("fakeplugin", "score"),))
    monkeypatch.setattr(timing, "TIMINGS", timing.Timings())
    timing._time_inner_functions()
    timing._time_inner_functions()  # idempotent: wrapped once
    assert module.score([3, 1, 2]) == [1, 2, 3]
    assert set(timing.TIMINGS.by_hook) == {"fakeplugin:score"}
    assert timing.TIMINGS.by_hook["fakeplugin:score"] >= 0
    assert not timing.TIMINGS.by_plugin  # already part of the hook that calls it


@pytest.mark.skipif(not os.path.isdir("/dev/shm"), reason="no /dev/shm on this system")
def test_files_written_in_memory_count_with_the_tree():
    """The search index writes its documents in /dev/shm: RAM that no process's figure shows.
    (Other tests' jobs write a few KB there meanwhile: the margin is for them.)"""
    import tempfile

    from casebook.bench.child import TreeMemory

    with TreeMemory(interval=60) as tree:
        before = tree.sample()
        with tempfile.NamedTemporaryFile(dir="/dev/shm", prefix="casebook-bench-test-") as held:
            held.write(b"\1" * (64 * 1024 * 1024))
            held.flush()
            assert tree.sample() >= before + 48 * 1024 * 1024


def test_memory_of_a_child_process_counts_with_its_parent():
    from casebook.bench.child import TreeMemory, together_mb, tree_resident

    holds = "b = bytearray(80 * 1024 * 1024); print('ready', flush=True); input()"
    with TreeMemory(interval=60) as tree:
        alone = tree_resident()
        child = subprocess.Popen([sys.executable, "-c", holds], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 text=True)
        try:
            assert child.stdout.readline() == "ready\n"
            assert tree.sample() >= alone + 80 * 1024 * 1024
        finally:
            child.communicate("\n")
    assert together_mb(tree)["together"] >= (alone + 80 * 1024 * 1024) / 1024 / 1024
    assert report.peak_memory({"build": {"plugins": {"peak_rss_mb": {"self": 100.0, "largest_child": 300.0,
                                                                       "together": 380.0}}}}) == 380.0


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="PSS needs Linux's smaps_rollup")
def test_pages_a_forked_child_shares_with_its_parent_count_once():
    """A forked child (the search index, the page writer) shares its parent's memory until either
    writes it: the tree's figure counts those pages once, not once per process."""
    import os

    from casebook.bench.child import tree_resident

    held = bytearray(os.urandom(1024)) * (120 * 1024)  # 120 MB, every page touched
    before = tree_resident()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child only waits, sharing ``held``
        os.close(writer)
        os.read(reader, 1)
        os._exit(0)
    os.close(reader)
    try:
        time.sleep(0.2)
        both = tree_resident()
    finally:
        os.write(writer, b"x")
        os.close(writer)
        os.waitpid(pid, 0)
    assert len(held) == 120 * 1024 * 1024
    assert both < before + 60 * 1024 * 1024  # resident sizes would add the 120 MB again


def test_a_stage_memory_is_sampled_from_outside_and_its_process_stays_single_threaded(tmp_path, monkeypatch):
    """The build must be free to fork (casebook.forked): no sampling thread runs inside it."""
    from casebook.bench import measure

    script = tmp_path / "stage.py"
    script.write_text("import sys, json, threading, pathlib, time\n"
                      "b = b'x' * (60 * 1024 * 1024)\n"
                      "time.sleep(1)\n"
                      "pathlib.Path(sys.argv[sys.argv.index('--result') + 1]).write_text("
                      "json.dumps({'threads': threading.active_count()}))\n", encoding="utf-8")
    monkeypatch.setattr(measure.sys, "executable", sys.executable)
    real_popen = subprocess.Popen

    def popen(args, **kwargs):  # the stage's module replaced by the script, same arguments
        return real_popen([args[0], str(script), *args[3:]], **kwargs)

    monkeypatch.setattr(measure.subprocess, "Popen", popen)
    figures = measure.run_child("build", tmp_path)
    assert figures["threads"] == 1
    assert figures["peak_rss_mb"]["together"] >= 60


@pytest.mark.slow
@pytest.mark.browser
def test_a_small_run_reports_every_figure(tmp_path):
    # In a process of its own: the bench drives Chromium with Playwright's sync API, which
    # refuses to start where another test's Playwright session already runs an event loop.
    script = ("import sys, pathlib; from casebook.bench import run; "
              "run(5, work=pathlib.Path(sys.argv[1]), results=pathlib.Path(sys.argv[2]))")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "work"), str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    saved = json.loads((tmp_path / "results-5.json").read_text(encoding="utf-8"))
    figures = saved
    assert set(report.FIGURE_KEYS) <= set(saved)
    assert saved["build"]["baseline"]["seconds"] > 0 and saved["build"]["plugins"]["seconds"] > 0
    assert saved["output"]["bytes"] > 0 and saved["peak_rss_mb"] > 0
    assert saved["preview"]["seconds"] > 0 and len(saved["preview"]["edits"]) == 5
    assert {t["name"] for t in saved["targets"]} == set(report.TARGETS)
    # every published case, in every language, has its page in both builds
    cases = figures["content"]["cases"]
    for variant in ("baseline", "plugins"):
        output = Path(saved["build"][variant]["output"])
        assert len(list((output / "cases").glob("*/index.html"))) == cases


def test_a_stage_that_overruns_its_time_is_a_bench_error(monkeypatch, tmp_path):
    from casebook.bench import measure

    started = []
    real_popen = subprocess.Popen

    def overrun(args, **kwargs):  # a stage that would never end
        started.append(real_popen([sys.executable, "-c", "import time; time.sleep(600)"], **kwargs))
        return started[-1]

    monkeypatch.setattr(measure.subprocess, "Popen", overrun)
    monkeypatch.setattr(measure, "CHILD_TIMEOUT", 1)
    with pytest.raises(measure.BenchError, match=r"the build stage did not finish within .* \(stopped\)"):
        measure.run_child("build", tmp_path, content=tmp_path)
    assert started[0].poll() is not None  # stopped, not left running
