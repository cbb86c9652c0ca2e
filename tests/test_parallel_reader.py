"""The parallel reader: a child process reads a share of the cases, and the build is the same."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from casebook.settings import SettingsError
from casebook.site import PUBLISH_SETTINGS, BuildError, run_pelican
from plugins.parallel_reader.settings import read_processes
from tests.conftest import ROOT

SPLIT_MESSAGE = "read in a child process"
COPIES = 10  # 5 committed cases x 10: more than MIN_FILES, so the reading is split


def many_cases(folder: Path) -> Path:
    """The committed content with each case copied under other names: 50 cases."""
    content = folder / "content"
    shutil.copytree(ROOT / "content", content)
    for case in sorted((content / "cases").glob("*.md")):
        for number in range(1, COPIES):
            shutil.copy(case, case.with_name(f"{case.stem}-{number}.md"))
    return content


def build(content: Path, output: Path, processes, **overrides) -> list[str]:
    """Pelican's errors (or []) for a build of ``content`` with CASEBOOK_READ_PROCESSES."""
    try:
        run_pelican(content, output, PUBLISH_SETTINGS,
                    {"CASEBOOK_READ_PROCESSES": processes, "CASEBOOK_SEARCH_INDEX": False, **overrides})
    except BuildError as error:
        return sorted(error.problems)
    return []


def files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def children() -> set[str]:
    """This process's child processes, running or not yet reaped."""
    found = set()
    for task in Path("/proc/self/task").iterdir():
        try:
            found.update((task / "children").read_text().split())
        except FileNotFoundError:  # a thread that ended while the tasks were listed
            continue
    return found


def report(arguments: str) -> None:
    """In a fresh process (the test's own runs browser and server threads, which rule a fork
    out): build, then print what the test checks, as JSON."""
    options = json.loads(arguments)
    messages = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = lambda record: messages.append(record.getMessage())
    logger = logging.getLogger("parallel_reader")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)  # as in the preview server, which builds in threads
    if options.pop("thread", False):
        other.start()
    before = children()
    try:
        errors = build(Path(options.pop("content")), Path(options.pop("output")), options.pop("processes"),
                       **options)
    finally:
        stop.set()
    print(json.dumps({"errors": errors, "split": any(SPLIT_MESSAGE in message for message in messages),
                      "children_left": sorted(children() - before)}))


def build_in_fresh_process(content: Path, output: Path, processes: int, **options) -> dict:
    arguments = json.dumps({"content": str(content), "output": str(output), "processes": processes, **options})
    done = subprocess.run([sys.executable, "-c", "import sys; from tests.test_parallel_reader import report; "
                           "report(sys.argv[1])", arguments], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_a_split_build_writes_the_same_site_and_leaves_no_child(tmp_path):
    content = many_cases(tmp_path)

    sequential = build_in_fresh_process(content, tmp_path / "sequential", 1)
    split = build_in_fresh_process(content, tmp_path / "split", 2)

    assert sequential == {"errors": [], "split": False, "children_left": []}
    assert split == {"errors": [], "split": True, "children_left": []}
    sequential, split = files(tmp_path / "sequential"), files(tmp_path / "split")
    assert len([name for name in split if name.startswith("cases/")]) == 5 * COPIES
    assert split == sequential


def test_a_case_the_child_cannot_read_is_reported_as_in_a_sequential_build(tmp_path):
    content = many_cases(tmp_path)
    broken = sorted((content / "cases").glob("*.md"))
    for case in broken:  # every case: the child's share is broken too, whichever it is
        case.write_text("---\ntitle: [unclosed\n---\nBody.\n", encoding="utf-8")

    sequential = build_in_fresh_process(content, tmp_path / "sequential", 1)
    split = build_in_fresh_process(content, tmp_path / "split", 2)

    assert split["split"] and not sequential["split"]
    assert split["children_left"] == []
    for case in broken:
        assert any(f"cases/{case.name}" in error for error in split["errors"]), case.name
    assert split["errors"] == sequential["errors"]


@pytest.mark.parametrize("why", ["setting", "thread", "cache"])
def test_the_cases_are_read_in_the_build_process_where_a_split_does_not_fit(tmp_path, why):
    content = many_cases(tmp_path)
    options = {"setting": {}, "thread": {"thread": True},
               "cache": {"LOAD_CONTENT_CACHE": True, "CACHE_CONTENT": True, "CACHE_PATH": str(tmp_path / "cache")}}
    done = build_in_fresh_process(content, tmp_path / "output", 1 if why == "setting" else 2, **options[why])

    assert done == {"errors": [], "split": False, "children_left": []}
    assert len(list((tmp_path / "output" / "cases").iterdir())) == 5 * COPIES


@pytest.mark.parametrize("value", [0, 3, "2", True, None])
def test_a_bad_read_processes_setting_is_refused_before_reading(value, tmp_path):
    with pytest.raises(SettingsError, match="CASEBOOK_READ_PROCESSES.*must be one of 1, 2"):
        read_processes({"CASEBOOK_READ_PROCESSES": value})
    assert build(ROOT / "content", tmp_path / "output", value) == [
        f"CASEBOOK_READ_PROCESSES: {value!r} must be one of 1, 2"]


def test_read_processes_defaults_to_two():
    assert read_processes({}) == 2
    assert read_processes({"CASEBOOK_READ_PROCESSES": 1}) == 1
