"""The preview server's live reload: a page reloads as soon as a rebuild finished."""

from __future__ import annotations

import shutil
import threading
import urllib.request

import pytest

from casebook.serve import VERSION_PATH, BuildVersion, make_server, running
from tests.conftest import ROOT


def test_a_waiting_reader_wakes_up_on_the_next_rebuild():
    version = BuildVersion()
    assert version.wait_for_change(0, timeout=0.01) == 0  # nothing happened: the same version
    bumper = threading.Timer(0.05, version.bump)
    bumper.start()
    assert version.wait_for_change(0, timeout=60) == 1
    bumper.join()


def test_the_version_request_with_since_waits_for_a_rebuild(tmp_path):
    version = BuildVersion()
    with running(make_server(tmp_path, 0, version)) as url:
        with urllib.request.urlopen(url + VERSION_PATH, timeout=10) as response:  # noqa: S310 (loopback)
            assert response.read() == b"0"
        bumper = threading.Timer(0.1, version.bump)
        bumper.start()
        with urllib.request.urlopen(f"{url}{VERSION_PATH}?since=0", timeout=60) as response:  # noqa: S310
            assert response.read() == b"1"
        bumper.join()
        with urllib.request.urlopen(f"{url}{VERSION_PATH}?since=nonsense", timeout=10) as response:  # noqa: S310
            assert response.read() == b"1"  # answered at once


@pytest.mark.browser
def test_an_open_page_reloads_when_a_rebuild_finishes(page, tmp_path):
    (tmp_path / "theme" / "js").mkdir(parents=True)
    shutil.copy(ROOT / "theme" / "static" / "js" / "livereload.js", tmp_path / "theme" / "js")
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="fr"><title>t</title><script src="/theme/js/livereload.js"></script></html>',
        encoding="utf-8")
    version = BuildVersion()
    with running(make_server(tmp_path, 0, version)) as url:
        with page.expect_request(lambda request: "since=0" in request.url):
            page.goto(url + "/")  # the script has asked for the next version
        page.evaluate("() => { window.casebookBeforeReload = true; }")
        with page.expect_navigation():
            version.bump()
        assert page.evaluate("() => window.casebookBeforeReload === undefined")
