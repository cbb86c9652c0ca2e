"""Shared fixtures: a site built once per test session, a local server, a Chromium page."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# CI replays the same examples on every run (a red CI must be reproducible); developers' runs
# explore new examples and keep the failures they find in .hypothesis/.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CASEBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-gpu", "--no-first-run", "--disable-sync"]
BROWSER_WAIT_MS = 20_000  # see the browser fixture


def run_invoke(*args: str, cwd: Path = ROOT, check: bool = False) -> subprocess.CompletedProcess:
    """Run an invoke task in a fresh process, as a user would."""
    result = subprocess.run([sys.executable, "-m", "invoke", *args], cwd=cwd, capture_output=True,
                            text=True, timeout=600)
    if check and result.returncode != 0:
        raise AssertionError(f"invoke {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The committed content built with the publishing settings into a temporary folder."""
    output = tmp_path_factory.mktemp("site") / "output"
    run_invoke("build", "--output", str(output), check=True)
    return output


@pytest.fixture(scope="session")
def english_site(tmp_path_factory) -> Path:
    """The committed content built with the publishing settings and CASEBOOK_UI_LANG = "en"."""
    from casebook.site import PUBLISH_SETTINGS, build

    output = tmp_path_factory.mktemp("site-en") / "output"
    build(ROOT / "content", output, PUBLISH_SETTINGS, {"CASEBOOK_UI_LANG": "en"})
    return output


@contextmanager
def serving(folder: Path):
    """``folder`` served on 127.0.0.1 by Casebook's own preview server; yields its base URL."""
    from casebook.serve import make_server, running

    with running(make_server(folder, 0)) as url:
        yield url


@pytest.fixture(scope="session")
def site_server(built_site):
    """The built site served on 127.0.0.1; yields its base URL."""
    with serving(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright, headless; never downloads a browser."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    # How long a browser test waits for what it expects before it fails (Playwright: 5 s). The
    # suite runs two workers on two cores, next to Chromium and Pagefind's worker: a loaded
    # machine is slower, not wrong. These are bounds on waiting, not timings: nothing asserts a
    # speed.
    expect.set_options(timeout=BROWSER_WAIT_MS)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def console(page):
    """What the page writes to its console, and its uncaught errors, as text."""
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    return messages


def file_tree(folder: Path, skip: str | None = None) -> dict[str, bytes]:
    """Every file's bytes under ``folder`` by relative path (POSIX), those under ``skip`` left out."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not (skip and p.relative_to(folder).as_posix().startswith(skip))}


def copy_content(destination: Path) -> Path:
    """A writable copy of the committed content folder."""
    shutil.copytree(ROOT / "content", destination)
    return destination


@pytest.fixture
def forks(monkeypatch) -> list[int]:
    """The processes forked during the test (by casebook/forked.py), recorded by pid. Two
    processes are allowed whatever the machine's cores, and whatever threads the session started
    before the test (an idle server fixture's): only the threads the test starts count."""
    # By identity, not by number: a thread of an earlier test (a server's) that ends during
    # this one must not hide a thread this test starts, nor make the count look like none.
    present = set(threading.enumerate())
    monkeypatch.setattr(threading, "active_count",
                        lambda: 1 + sum(1 for thread in threading.enumerate() if thread not in present))
    pids: list[int] = []
    fork = os.fork

    def recording() -> int:
        pid = fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recording)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    return pids


def reaped(pid: int) -> bool:
    """Whether a child of this process has ended and been waited for (no zombie, no stray)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.fixture
def fresh_processes(monkeypatch) -> list:
    """The new interpreters casebook/fresh.py starts during the test (their Popen objects)."""
    from casebook import fresh

    processes = []
    popen = fresh.subprocess.Popen

    def recording(*args, **kwargs):
        processes.append(popen(*args, **kwargs))
        return processes[-1]

    monkeypatch.setattr(fresh.subprocess, "Popen", recording)
    return processes
