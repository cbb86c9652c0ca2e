"""The search page gets Pagefind ready before the reader types, and searches while typing."""

from __future__ import annotations

import time

import pytest

from casebook.bench.measure import local_server
from tests.test_search_site import csp_violations, mentioning, open_search, result_urls, shown

READY = ("pagefind.js", "pagefind-entry.json", ".pf_meta", "wasm.")


def fetched(served, part):
    return [path for path, _ in served if part in path]


@pytest.mark.browser
def test_pagefind_is_ready_before_the_first_keystroke_and_typing_finds_the_last_words(page, built_site, console):
    served: list = []
    with local_server(built_site, served) as url:
        open_search(page, f"{url}/search/")
        deadline = time.monotonic() + 60
        while not all(fetched(served, part) for part in READY):
            assert time.monotonic() < deadline, f"Pagefind was not loaded before typing: {served}"
            page.wait_for_timeout(50)
        assert not fetched(served, ".pf_index"), "no index chunk before a word is typed"

        page.type("#search-q", "Renault", delay=40)  # letter by letter: searches start while typing
        shown(page, "?q=Renault")
        assert result_urls(page) == mentioning("renault")
        page.fill("#search-q", "")
        page.type("#search-q", "reseau", delay=40)
        shown(page, "?q=reseau")
        assert set(mentioning("cci-france")) <= set(result_urls(page)) != set(mentioning("renault"))
        assert len(fetched(served, "wasm.")) == 1 and len(fetched(served, "pagefind-entry.json")) == 1
    assert not csp_violations(page, console)
