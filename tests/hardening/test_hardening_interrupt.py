"""An interrupted build (SIGINT, SIGTERM) leaves the previous site intact and no partial file.

`python -m invoke build` runs in a subprocess, as a user runs it; the test waits until the
build's staging folder appears (Pelican reading) or holds files (Pelican writing), sends the
signal, then compares the output folder byte for byte with what it was.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from casebook import site
from casebook.frontmatter import parse, render
from tests.conftest import ROOT, copy_content, run_invoke

pytestmark = pytest.mark.slow

CLONES = 8  # enough cases for Pelican to spend a moment writing


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(output: Path) -> list[str]:
    return sorted(p.name for p in output.parent.iterdir() if p.name.startswith(f".{output.name}."))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A content folder with a few dozen cases, its site, then one more case not yet built."""
    base = tmp_path_factory.mktemp("interrupt")
    content = copy_content(base / "content")
    first = parse(sorted((content / "cases").glob("*.md"))[0].read_text(encoding="utf-8"))
    for index in range(CLONES):
        data = {k: v for k, v in first.data.items() if k not in ("translation_of", "translations")}
        data["slug"] = f"copie-{index:03d}"
        (content / "cases" / f"copie-{index:03d}.md").write_text(render(data, first.body), encoding="utf-8")
    output = base / "site" / "output"
    run_invoke("build", "--content", str(content), "--output", str(output), check=True)
    data["slug"] = "cas-ajoute-ensuite"
    (content / "cases" / "cas-ajoute-ensuite.md").write_text(render(data, first.body), encoding="utf-8")
    return content, output


def start_build(content: Path, output: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "invoke", "build", "--content", str(content), "--output",
                             str(output)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_staging(output: Path, process: subprocess.Popen, writing: bool) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, "the build ended before the test could interrupt it"
        for staging in output.parent.glob(f".{output.name}.build-*"):
            if not writing or any(path.is_file() for path in staging.rglob("*")):
                return
        time.sleep(0.002)
    raise AssertionError("the build never reached its staging folder")


@pytest.mark.parametrize(("signum", "moment"), [(signal.SIGINT, "writing"), (signal.SIGTERM, "writing"),
                                               (signal.SIGTERM, "reading")],
                         ids=["SIGINT-writing", "SIGTERM-writing", "SIGTERM-reading"])
def test_an_interrupted_build_leaves_the_previous_site_and_the_next_run_completes(built, tmp_path, signum, moment):
    content, shared_output = built
    output = tmp_path / "output"
    shutil.copytree(shared_output, output)
    before = snapshot(output)

    process = start_build(content, output)
    wait_for_staging(output, process, writing=moment == "writing")
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)

    assert process.returncode == 130, stderr
    assert f"build interrupted; {output}/ is unchanged" in stderr
    assert snapshot(output) == before
    assert leftovers(output) == []
    if moment == "reading":
        return
    run_invoke("build", "--content", str(content), "--output", str(output), check=True)
    assert (output / "cases" / "cas-ajoute-ensuite" / "index.html").is_file()
    assert leftovers(output) == []


def test_folders_left_by_a_killed_build_are_removed_by_the_next_one(tmp_path):
    output = tmp_path / "output"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    stale = [tmp_path / f".output.build-{dead_pid}-x1y2", tmp_path / f".output.old-{dead_pid}"]
    alive = [tmp_path / f".output.build-{os.getppid()}-abcd", tmp_path / f".other.build-{dead_pid}-abcd"]
    for folder in stale + alive:
        (folder / "cases").mkdir(parents=True)
        (folder / "cases" / "partial.html").write_text("<p>half", encoding="utf-8")
    assert sorted(site.remove_stale_folders(output)) == sorted(stale)
    assert [folder.exists() for folder in stale + alive] == [False, False, True, True]


def make_site(folder: Path, text: str) -> Path:
    (folder / "cases").mkdir(parents=True)
    (folder / "index.html").write_text(text, encoding="utf-8")
    return folder


def test_the_swap_leaves_no_moment_without_a_site(tmp_path):
    output = make_site(tmp_path / "output", "ancien")
    new = make_site(tmp_path / ".output.build-1-x", "nouveau")
    site.swap_in(new, output)
    assert (output / "index.html").read_text(encoding="utf-8") == "nouveau"
    assert (new / "index.html").read_text(encoding="utf-8") == "ancien"  # the caller removes it


def test_the_swap_without_renameat2_gives_the_same_result(tmp_path, monkeypatch):
    monkeypatch.setattr(site, "_exchange", lambda first, second: False)
    output = make_site(tmp_path / "output", "ancien")
    new = make_site(tmp_path / ".output.build-1-x", "nouveau")
    site.swap_in(new, output)
    assert (output / "index.html").read_text(encoding="utf-8") == "nouveau"
    assert (new / "index.html").read_text(encoding="utf-8") == "ancien"
    assert leftovers(output) == [".output.build-1-x"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_the_swap_waits_until_the_swap_is_done(tmp_path, monkeypatch, signum):
    exchange = site._exchange

    def exchange_signalled(first, second):
        os.kill(os.getpid(), signum)  # arrives in the middle of the swap
        return exchange(first, second)

    monkeypatch.setattr(site, "_exchange", exchange_signalled)
    output = make_site(tmp_path / "output", "ancien")
    new = make_site(tmp_path / ".output.build-1-x", "nouveau")
    with pytest.raises(site.BuildInterrupted) as raised:
        site.swap_in(new, output)
    assert raised.value.published
    assert (output / "index.html").read_text(encoding="utf-8") == "nouveau"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_an_unreadable_pelican_cache_is_rebuilt_not_a_crash(tmp_path):
    """A build killed while Pelican saved its cache leaves it cut short; the next preview build
    (which loads the cache) must not die of EOFError."""
    content = copy_content(tmp_path / "content")
    cache = tmp_path / "cache"
    overrides = {"CACHE_PATH": str(cache)}
    site.build(content, tmp_path / "output", site.DEVELOP_SETTINGS, overrides)
    saved = sorted(cache.iterdir())
    assert saved
    for path in saved:
        path.write_bytes(path.read_bytes()[:100])
    result = site.build(content, tmp_path / "output", site.DEVELOP_SETTINGS, overrides)
    assert result.pages > 0
    assert any(path.stat().st_size > 100 for path in cache.iterdir())
