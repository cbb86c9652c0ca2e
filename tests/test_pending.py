"""Work left running past Pelican's run (the search index) is finished by the build after its
link check, and discarded when the build fails (casebook/pending.py)."""

from __future__ import annotations

import sys

import pytest

from casebook import pending


def test_work_handed_over_outside_a_build_is_finished_at_once():
    done = []
    pending.later(lambda: done.append("finished"), lambda: done.append("discarded"))
    assert done == ["finished"]


def test_a_build_finishes_the_work_it_collected_in_order_when_it_says_so():
    done = []
    with pending.collected() as unfinished:
        pending.later(lambda: done.append("first"), lambda: done.append("first discarded"))
        pending.later(lambda: done.append("second"), lambda: done.append("second discarded"))
        assert done == []
        unfinished.finish()
        assert done == ["first", "second"]
    assert done == ["first", "second"]


def test_work_of_a_build_that_fails_is_discarded_not_finished():
    done = []
    with pytest.raises(RuntimeError, match="links"), pending.collected():
        pending.later(lambda: done.append("finished"), lambda: done.append("discarded"))
        raise RuntimeError("broken links")
    assert done == ["discarded"]


def test_an_error_while_finishing_discards_the_rest():
    done = []

    def fails():
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"), pending.collected() as unfinished:
        pending.later(fails, lambda: done.append("first discarded"))
        pending.later(lambda: done.append("second"), lambda: done.append("second discarded"))
        unfinished.finish()
    assert done == ["second discarded"]


def index_jobs() -> set:
    """The search index jobs not finished nor discarded, in the search plugin as Pelican loads
    it (a top-level module of the plugins folder)."""
    return sys.modules["search.pagefind_index"]._running


@pytest.mark.slow
def test_the_links_are_checked_while_the_index_is_made_then_the_index_is_published(tmp_path, monkeypatch):
    from casebook import site
    from tests.conftest import copy_content

    content = copy_content(tmp_path / "content")
    output = tmp_path / "site" / "output"
    seen = []
    check_links = site.check_links

    def checking(staging, *args, **kwargs):
        seen.append(([job.count for job in index_jobs()], (staging / "pagefind").exists()))
        return check_links(staging, *args, **kwargs)

    monkeypatch.setattr(site, "check_links", checking)
    site.build(content, output)
    # The index job still unfinished (no count yet), its bundle not in the site yet.
    assert seen == [([None], False)]
    assert (output / "pagefind" / "pagefind-entry.json").is_file()
    assert not index_jobs()


@pytest.mark.slow
def test_a_build_refused_for_a_broken_link_discards_the_index(tmp_path, monkeypatch, forks):
    from casebook import site
    from tests.conftest import copy_content, reaped

    content = copy_content(tmp_path / "content")
    path = sorted((content / "cases").glob("*.md"))[0]
    path.write_text(path.read_text(encoding="utf-8") + "\nVoir [ce cas](/cases/nulle-part/).\n", encoding="utf-8")
    monkeypatch.setattr(site, "check_content", lambda content: [])  # let the broken link reach the site
    jobs = []
    check_links = site.check_links

    def checking(*args, **kwargs):
        jobs.extend(index_jobs())
        return check_links(*args, **kwargs)

    monkeypatch.setattr(site, "check_links", checking)
    output = tmp_path / "site" / "output"
    with pytest.raises(site.BuildError, match="1 broken internal link"):
        site.build(content, output)
    assert len(jobs) == 1 and not jobs[0]._scratch.exists()  # killed, its scratch removed
    assert not index_jobs()
    assert [pid for pid in forks if not reaped(pid)] == []
    assert not output.exists()


@pytest.mark.slow
def test_the_index_starts_as_soon_as_the_cases_are_read_and_linked(tmp_path, monkeypatch):
    """The search index's child starts when the articles generator is done (cross-links
    included), before the taxonomies work out their context."""
    from pelican.plugins._utils import load_legacy_plugin

    from casebook import site
    from tests.conftest import ROOT, copy_content

    plugins = [str(ROOT / "plugins")]
    generator = load_legacy_plugin("search.generator", plugins)  # the modules Pelican uses
    taxonomies = load_legacy_plugin("taxonomies", plugins)
    events = []
    job_class, context = generator.IndexJob, taxonomies.TaxonomyGenerator.generate_context

    def job(*args, **kwargs):
        events.append("index")
        return job_class(*args, **kwargs)

    def taxonomy_context(self):
        events.append("taxonomies")
        return context(self)

    monkeypatch.setattr(generator, "IndexJob", job)
    monkeypatch.setattr(taxonomies.TaxonomyGenerator, "generate_context", taxonomy_context)
    site.build(copy_content(tmp_path / "content"), tmp_path / "output")
    assert events == ["index", "taxonomies"]
    assert (tmp_path / "output" / "pagefind" / "pagefind-entry.json").is_file()
