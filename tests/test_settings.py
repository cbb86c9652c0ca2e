"""Casebook settings: every plugin refuses a bad value with one error type, the interface language
has one default, and `invoke build` turns a bad setting into a clean refusal."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from casebook.settings import DEFAULT_UI_LANG, SettingsError, ui_lang
from plugins.casebook_theme.config import read_config as theme_config
from plugins.crosslinks.settings import read_settings as crosslinks_settings
from plugins.parallel_writer.config import write_processes
from plugins.search.settings import search_settings
from plugins.taxonomies.config import read_config as taxonomy_config
from tests.conftest import ROOT, run_invoke


@pytest.mark.parametrize(("read", "settings", "message"), [
    (theme_config, {"CASEBOOK_UI_LANG": "de"}, "CASEBOOK_UI_LANG: 'de' must be one of fr, en"),
    (taxonomy_config, {"CASEBOOK_UI_LANG": "de"}, "CASEBOOK_UI_LANG: 'de' must be one of fr, en"),
    (theme_config, {"CASEBOOK_FEED_MAX": 0}, "CASEBOOK_FEED_MAX: 0 must be"),
    (taxonomy_config, {"CASEBOOK_TAXONOMY_FACETS": ["tags"]}, "CASEBOOK_TAXONOMY_FACETS: 'tags' must be one of"),
    (crosslinks_settings, {"CASEBOOK_RELATED_MAX": -1}, "CASEBOOK_RELATED_MAX must be"),
    (search_settings, {"CASEBOOK_SEARCH_LANGUAGE": "xx"}, "CASEBOOK_SEARCH_LANGUAGE = 'xx': must be one of"),
    (write_processes, {"CASEBOOK_WRITE_PROCESSES": 3}, "CASEBOOK_WRITE_PROCESSES: 3 must be one of 1, 2"),
])
def test_every_plugin_raises_the_shared_settings_error(read, settings, message):
    with pytest.raises(SettingsError) as error:
        read(settings)
    assert message in str(error.value)


def test_the_interface_language_has_one_default():
    assert ui_lang({}) == DEFAULT_UI_LANG == "fr"
    assert theme_config({}).ui_lang == taxonomy_config({}).ui_lang == DEFAULT_UI_LANG
    assert theme_config({"CASEBOOK_UI_LANG": "en"}).ui_lang == taxonomy_config({"CASEBOOK_UI_LANG": "en"}).ui_lang


def project_with(tmp_path: Path, line: str) -> Path:
    """A copy of the project whose publishing settings end with ``line``."""
    project = tmp_path / "project"
    project.mkdir()
    ignore = shutil.ignore_patterns("__pycache__")
    for folder in ("casebook", "plugins", "theme"):
        shutil.copytree(ROOT / folder, project / folder, ignore=ignore)
    (project / "content").symlink_to(ROOT / "content")
    for name in ("tasks.py", "pelicanconf.py"):
        shutil.copy(ROOT / name, project / name)
    (project / "publishconf.py").write_text((ROOT / "publishconf.py").read_text(encoding="utf-8") + line + "\n",
                                            encoding="utf-8")
    return project


@pytest.mark.slow
@pytest.mark.parametrize(("line", "message"), [
    ('CASEBOOK_UI_LANG = "de"', "CASEBOOK_UI_LANG: 'de' must be one of fr, en"),
    ('CASEBOOK_TAXONOMY_FACETS = ["themes", "tags"]', "CASEBOOK_TAXONOMY_FACETS: 'tags' must be one of themes"),
])
def test_invoke_build_refuses_a_bad_setting_cleanly(tmp_path, line, message):
    project = project_with(tmp_path, line)
    output = project / "output"
    output.mkdir()
    (output / "index.html").write_text("the previous site", encoding="utf-8")
    result = run_invoke("build", cwd=project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert message in result.stderr
    assert "build refused: a setting of publishconf.py is wrong; output/ is unchanged" in result.stderr
    assert [p.name for p in output.iterdir()] == ["index.html"]
    assert (output / "index.html").read_text(encoding="utf-8") == "the previous site"
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".output")) == []
