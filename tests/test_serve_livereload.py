"""The preview server's live reload: a page reloads as soon as a rebuild finished."""

from __future__ import annotations

import os
import shutil
import threading
import time
import urllib.error
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


def page_with_live_reload(folder) -> None:
    """A site in ``folder``: one page that runs the theme's live reload script."""
    (folder / "theme" / "js").mkdir(parents=True)
    shutil.copy(ROOT / "theme" / "static" / "js" / "livereload.js", folder / "theme" / "js")
    (folder / "index.html").write_text(
        '<!doctype html><html lang="fr"><title>t</title><script src="/theme/js/livereload.js"></script></html>',
        encoding="utf-8")


@pytest.mark.browser
def test_an_open_page_reloads_when_a_rebuild_finishes(page, tmp_path):
    page_with_live_reload(tmp_path)
    version = BuildVersion()
    with running(make_server(tmp_path, 0, version)) as url:
        with page.expect_request(lambda request: "since=0" in request.url):
            page.goto(url + "/")  # the script has asked for the next version
        page.evaluate("() => { window.casebookBeforeReload = true; }")
        with page.expect_navigation():
            version.bump()
        assert page.evaluate("() => window.casebookBeforeReload === undefined")


@pytest.mark.browser
def test_a_page_reloads_when_a_rebuild_ends_while_it_loads(page, tmp_path):
    """A rebuild that ends after the page was served but before its script first asks (a save
    right after a reload) still reloads the page: the script starts from the version the page
    was served at, not from the server's current one."""
    page_with_live_reload(tmp_path)
    version = BuildVersion()
    with running(make_server(tmp_path, 0, version)) as url:
        def rebuilt_meanwhile(route):
            if version.value == 0:
                version.bump()  # the page is served at version 0; its script arrives at version 1
            route.continue_()

        page.route("**/livereload.js", rebuilt_meanwhile)
        loads = []
        page.on("load", lambda _: loads.append(page.url))
        with page.expect_request(lambda request: "since=1" in request.url, timeout=10000):
            page.goto(url + "/")  # served at 0, reloaded at once, then waits past version 1
        page.wait_for_timeout(500)
        assert len(loads) == 2  # reloaded once (its page answered 304 with the new version), no loop


@pytest.mark.browser
def test_a_page_rewritten_within_the_second_it_was_served_reloads_with_its_new_text(page, tmp_path):
    """A fast rebuild right after the last one rewrites the page within the same second: the
    reloaded page must show the new text, not the browser's copy revalidated by a one-second
    Last-Modified (at 50 cases, one save in four showed only after the next full rebuild)."""
    page_with_live_reload(tmp_path)
    index = tmp_path / "index.html"
    second = (int(time.time()) - 60) * 1_000_000_000
    os.utime(index, ns=(second, second + 100_000_000))
    version = BuildVersion()
    with running(make_server(tmp_path, 0, version)) as url:
        with page.expect_request(lambda request: "since=0" in request.url):
            page.goto(url + "/")
        text = index.read_text(encoding="utf-8")
        index.write_text(text.replace("<title>t</title>", "<title>t</title><p>Nouveau texte"), encoding="utf-8")
        os.utime(index, ns=(second, second + 600_000_000))  # rewritten within the same second
        with page.expect_navigation():
            version.bump()
        assert "Nouveau texte" in page.inner_text("body")


def test_every_answer_for_a_page_carries_the_version_it_was_served_at(tmp_path):
    """200 and 304 alike: a page revalidated after a rebuild learns the new version."""
    (tmp_path / "index.html").write_text("<p>x</p>", encoding="utf-8")
    (tmp_path / "style.css").write_text("p{}", encoding="utf-8")
    version = BuildVersion()
    version.bump()
    with running(make_server(tmp_path, 0, version)) as url:
        with urllib.request.urlopen(url + "/", timeout=10) as response:  # noqa: S310 (loopback)
            assert response.headers["Set-Cookie"].startswith("casebook_version=1;")
            tag = response.headers["ETag"]
        version.bump()
        request = urllib.request.Request(url + "/index.html", headers={"If-None-Match": tag})
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(request, timeout=10)  # noqa: S310 (loopback)
        assert answer.value.code == 304 and answer.value.headers["Set-Cookie"].startswith("casebook_version=2;")
        with urllib.request.urlopen(url + "/style.css", timeout=10) as response:  # noqa: S310 (loopback)
            assert response.headers["Set-Cookie"] is None  # not a page: its version is not the page's
