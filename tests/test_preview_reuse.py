"""What the preview keeps from one save to the next: the cross-links relations when no case's
terms changed, and never a background build that competes with a save."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

import plugins.crosslinks as crosslinks
from casebook.preview import RECONCILE_NICENESS, Preview
from casebook.settings import SettingsError
from plugins.crosslinks.settings import CrossLinksSettings, read_settings
from tests.conftest import copy_content


def article(slug: str, themes: list[str], text: str = "Texte.") -> SimpleNamespace:
    return SimpleNamespace(slug=slug, campaign=None, organizations=[], people=[], themes=themes, sectors=[],
                           channels=[], audiences=[], translation_of=None, translation_slugs=[], content=text)


def counting(monkeypatch, module) -> list[int]:
    calls: list[int] = []
    real = module.relate
    monkeypatch.setattr(module, "relate", lambda cases, settings=None: calls.append(1) or real(cases, settings))
    return calls


def test_relations_are_reused_only_while_every_case_keeps_its_terms(monkeypatch):
    monkeypatch.setattr(crosslinks, "_last_relations", {})
    calls = counting(monkeypatch, crosslinks)
    reuse = CrossLinksSettings(reuse=True)
    cases = [article("a", ["crise", "emploi"]), article("b", ["crise", "emploi"]), article("c", ["sport"])]
    first = crosslinks._relations("published", cases, reuse, None, "fr")
    assert [r.slug for r in first["a"]] == ["b"] and len(calls) == 1
    # the text alone changed: the same relations, the scorer not run
    cases[0] = article("a", ["crise", "emploi"], text="Un autre texte.")
    assert crosslinks._relations("published", cases, reuse, None, "fr") == first and len(calls) == 1
    # a theme changed: computed again, and the result follows it
    cases[2] = article("c", ["crise", "emploi"])
    again = crosslinks._relations("published", cases, reuse, None, "fr")
    assert len(calls) == 2 and [r.slug for r in again["c"]] == ["a", "b"]
    # other settings: computed again
    crosslinks._relations("published", cases, CrossLinksSettings(reuse=True, max_related=1), None, "fr")
    assert len(calls) == 3
    # without the setting (every build but the preview's), never reused
    crosslinks._relations("published", cases, CrossLinksSettings(), None, "fr")
    crosslinks._relations("published", cases, CrossLinksSettings(), None, "fr")
    assert len(calls) == 5


def test_a_reused_result_is_a_copy_the_caller_may_add_to(monkeypatch):
    monkeypatch.setattr(crosslinks, "_last_relations", {})
    reuse = CrossLinksSettings(reuse=True)
    cases = [article("a", ["crise"]), article("b", ["crise"])]
    crosslinks._relations("published", cases, reuse, None, "fr")["draft"] = []
    assert "draft" not in crosslinks._relations("published", cases, reuse, None, "fr")


def test_the_reuse_setting_must_be_a_boolean():
    assert read_settings({}).reuse is False
    with pytest.raises(SettingsError, match="CASEBOOK_RELATED_REUSE must be one of True, False"):
        read_settings({"CASEBOOK_RELATED_REUSE": "yes"})


def plugin_modules() -> list:
    """The cross-links module(s) Pelican loaded (``crosslinks``, from PLUGIN_PATHS)."""
    return [module for name, module in list(sys.modules.items())
            if name.endswith("crosslinks") and hasattr(module, "_last_relations")]


@pytest.mark.slow
def test_the_preview_reuses_relations_for_an_edit_of_the_text_alone(tmp_path, monkeypatch):
    content = copy_content(tmp_path / "content")
    preview = Preview(content, tmp_path / "output")
    try:
        assert preview.rebuild().kind == "full"
        calls: list[int] = []
        for module in plugin_modules():
            real = module.relate
            monkeypatch.setattr(module, "relate",
                                lambda cases, settings=None, real=real: calls.append(1) or real(cases, settings))
        case = next(p for p in sorted((content / "cases").glob("*.md"))
                    if "\nthemes:\n" in p.read_text(encoding="utf-8"))
        case.write_text(case.read_text(encoding="utf-8") + "\nUne phrase du curateur.\n", encoding="utf-8")
        assert preview.rebuild([case]).kind == "fast" and calls == []
        text = case.read_text(encoding="utf-8").replace("\nthemes:\n", "\nthemes:\n- Un thème du curateur\n", 1)
        case.write_text(text, encoding="utf-8")
        assert preview.rebuild([case]).kind == "fast" and calls
        page = next((tmp_path / "output").rglob(f"{case.stem}/index.html"))
        assert "Un thème du curateur" in page.read_text(encoding="utf-8")
    finally:
        preview.close()


def _gone(pid: int) -> bool:
    """True when ``pid`` is gone or a zombie (killed, not yet reaped by its new parent)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


class StubbornPreview(Preview):
    """A background build that ignores SIGTERM and has a child of its own (as Pagefind is)."""

    def _reconcile_command(self) -> list[str]:
        script = ("import signal, subprocess, sys, time\n"
                  "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                  "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
                  f"open({str(self.caches / 'child')!r}, 'w').write(str(child.pid))\n"
                  "time.sleep(600)\n")
        return [sys.executable, "-c", script]


def test_a_new_save_stops_the_background_build_and_its_children_at_once(tmp_path):
    (tmp_path / "content" / "cases").mkdir(parents=True)
    preview = StubbornPreview(tmp_path / "content", tmp_path / "output")
    preview.caches = tmp_path / "caches"
    preview.start_reconcile()
    process = preview.reconcile
    child_file = preview.caches / "child"
    deadline = time.monotonic() + 60
    while not (child_file.exists() and child_file.read_text()):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    child = int(child_file.read_text())
    preview.cancel_reconcile()  # what a fast pass does; a SIGTERM would be ignored here
    assert preview.reconcile is None and process.returncode == -signal.SIGKILL
    while not _gone(child):
        assert time.monotonic() < deadline, "the background build's child outlived it"
        time.sleep(0.05)


@pytest.mark.slow
def test_the_background_build_runs_at_a_lower_priority(tmp_path):
    content = copy_content(tmp_path / "content")
    preview = Preview(content, tmp_path / "output")
    preview.caches = tmp_path / "caches"
    preview.start_reconcile()
    process = preview.reconcile
    seen = set()
    try:
        while process.poll() is None and RECONCILE_NICENESS not in seen:
            try:
                seen.add(int(Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
                         - os.nice(0))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                break
            time.sleep(0.01)
        assert RECONCILE_NICENESS in seen
    finally:
        preview.close()
