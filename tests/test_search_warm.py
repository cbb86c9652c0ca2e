"""The search page gets Pagefind ready before the reader types, and hands Pagefind's worker
one search at a time, for the latest words, while the reader types."""

from __future__ import annotations

import time
from itertools import pairwise

import pytest

from casebook.bench.measure import local_server
from tests.test_search_site import cases, csp_violations, mentioning, open_search, result_urls, search_for, shown

READY = ("pagefind-worker.js", "pagefind-entry.json", ".pf_meta", "wasm.")
# Records the searches the page hands Pagefind's worker, and counts its requests for results'
# data (fragments: excerpts); with __hold set, the next search is kept back (as if the worker
# were busy with it) until __release().
SEARCHES = """
window.__searches = [];
window.__data = 0;
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (message, ...rest) {
  if (message && message.method === "getData") window.__data += 1;
  if (message && message.method === "search") {
    window.__searches.push(message.args[0]);
    if (window.__hold) {
      window.__hold = false;
      window.__release = () => post.call(this, message, ...rest);
      return;
    }
  }
  return post.call(this, message, ...rest);
};
"""

# Holds the typing pause (search.js: TYPING_DELAY_MS = 150) until __endPause().
HOLD_PAUSE = """
window.__paused = [];
const later = window.setTimeout;
window.setTimeout = (fn, ms, ...args) =>
  (ms === 150 ? window.__paused.push(() => fn(...args)) : later(fn, ms, ...args));
window.__endPause = () => window.__paused.splice(0).forEach((fn) => fn());
"""


def fetched(served, part):
    return [path for path, _ in served if part in path]


def worker_busy_with(page, site, words):
    """The search page with ``words`` typed, their search held back as if Pagefind's worker were
    busy with it (SEARCHES: window.__release() lets it go)."""
    page.add_init_script(SEARCHES)
    open_search(page, f"{site}/search/")
    page.evaluate("window.__hold = true")
    page.fill("#search-q", words)
    page.wait_for_function("() => typeof window.__release === 'function'")


def ready(page, served):
    deadline = time.monotonic() + 60
    while not all(fetched(served, part) for part in READY):
        assert time.monotonic() < deadline, f"Pagefind was not loaded before typing: {served}"
        page.wait_for_timeout(50)


@pytest.mark.browser
def test_pagefind_is_ready_before_the_first_keystroke_and_typing_finds_the_last_words(page, built_site, console):
    served: list = []
    with local_server(built_site, served) as url:
        open_search(page, f"{url}/search/")
        ready(page, served)
        assert not fetched(served, ".pf_index"), "no index chunk before a word is typed"
        # Pagefind's worker searches; pagefind.js (its API, with a second copy of the engine for
        # pages without workers) and the browsing pages' stylesheet are not needed.
        assert not fetched(served, "/pagefind.js") and not fetched(served, "browse.css"), served

        page.type("#search-q", "Renault", delay=40)  # letter by letter
        shown(page, "?q=Renault")
        assert result_urls(page) == mentioning("renault")
        page.fill("#search-q", "")
        page.type("#search-q", "reseau", delay=40)
        shown(page, "?q=reseau")
        assert set(mentioning("cci-france")) <= set(result_urls(page)) != set(mentioning("renault"))
        assert len(fetched(served, "wasm.")) == 1 and len(fetched(served, "pagefind-entry.json")) == 1
        assert not fetched(served, "/pagefind.js")
    assert not csp_violations(page, console)


@pytest.mark.browser
def test_a_word_typed_letter_by_letter_is_searched_once_and_pasted_words_at_once(page, site_server):
    page.add_init_script(SEARCHES + HOLD_PAUSE)
    open_search(page, f"{site_server}/search/")
    page.evaluate("""window.__keys = [];
        document.addEventListener("input", (event) => window.__keys.push(event.timeStamp), true);""")
    page.type("#search-q", "Renault")  # keystrokes closer than the typing pause
    page.evaluate("window.__endPause()")
    shown(page, "?q=Renault")
    searches = page.evaluate("window.__searches")
    keys = page.evaluate("window.__keys")
    if max(b - a for a, b in pairwise(keys)) < 150:  # else the machine stalled the typing
        assert searches == ["Renault"], f"not one search per letter: {searches}"
    assert searches[-1] == "Renault"

    page.fill("#search-q", "reseau")  # words that arrive at once are searched before the pause ends
    page.wait_for_function("window.__searches.includes('reseau')")
    page.evaluate("window.__endPause()")
    shown(page, "?q=reseau")
    assert page.evaluate("window.__searches")[len(searches):] == ["reseau"], "searched once"


@pytest.mark.browser
def test_searches_wanted_while_the_worker_is_busy_give_way_to_the_latest(page, site_server):
    worker_busy_with(page, site_server, "Renault")
    for words in ("campagne", "Opco", "reseau"):
        page.fill("#search-q", words)
        page.wait_for_timeout(200)  # past the typing pause: each one is committed to the URL
    page.evaluate("window.__release()")
    shown(page, "?q=reseau")
    assert page.evaluate("window.__searches") == ["Renault", "reseau"]
    assert set(mentioning("cci-france")) <= set(result_urls(page))


@pytest.mark.browser
@pytest.mark.parametrize("failure", ["no worker", "worker not found"])
def test_without_a_worker_the_page_searches_with_pagefind_js(page, built_site, console, failure):
    if failure == "no worker":
        page.add_init_script("window.Worker = class { constructor() { throw new Error('no worker here'); } };")
    else:
        page.route("**/pagefind-worker.js", lambda route: route.fulfill(status=404, body="missing"))
    served: list = []
    with local_server(built_site, served) as url:
        open_search(page, f"{url}/search/?q=Renault")
        assert result_urls(page) == mentioning("renault")
        assert fetched(served, "/pagefind.js")
    assert not csp_violations(page, console)
    assert [message for message in console if "searching on the page instead" in message]


@pytest.mark.browser
def test_words_changed_and_changed_back_while_the_worker_is_busy_are_still_searched(page, site_server):
    worker_busy_with(page, site_server, "campagne")
    page.wait_for_timeout(200)
    page.fill("#search-q", "Renault")
    page.wait_for_timeout(200)  # committed: its search waits for the worker
    page.fill("#search-q", "reseau")  # wanted for a moment: takes the turn...
    page.fill("#search-q", "Renault")  # ...and given back before the typing pause ends
    page.evaluate("window.__release()")
    shown(page, "?q=Renault")
    assert result_urls(page) == mentioning("renault")


@pytest.mark.browser
def test_pasted_words_fetch_their_excerpts_during_the_typing_pause_and_typed_words_after_it(page, site_server):
    page.add_init_script(SEARCHES + HOLD_PAUSE)
    open_search(page, f"{site_server}/search/")
    page.type("#search-q", "Renault")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__data") == 0, "typed words: no fragment before the pause ends"
    page.evaluate("window.__endPause()")
    shown(page, "?q=Renault")
    after_typing = page.evaluate("window.__data")
    assert after_typing == len(mentioning("renault")), "one request per result shown, none twice"

    page.fill("#search-q", "reseau")  # arrives whole, as pasted
    page.wait_for_function(f"window.__data > {after_typing}")
    assert page.evaluate("location.search") == "?q=Renault", "fetched while the pause still runs"
    page.evaluate("window.__endPause()")
    shown(page, "?q=reseau")
    assert set(mentioning("cci-france")) <= set(result_urls(page))
    assert page.evaluate("window.__data") - after_typing == len(result_urls(page)), "none fetched twice"


@pytest.mark.browser
def test_a_search_in_the_url_is_searched_in_the_worker(page, built_site, console):
    served: list = []
    with local_server(built_site, served) as url:
        open_search(page, f"{url}/search/?q=campagne&lang=it", "1 résultat")
        assert fetched(served, "pagefind-worker.js") and not fetched(served, "/pagefind.js"), served
    assert not [message for message in console if "search:" in message], console


@pytest.mark.browser
def test_a_search_by_filters_only_downloads_no_word_of_the_index(page, built_site, console):
    """A reader browsing by facet (/search/?lang=fr) gets the cases of the filter from the
    filter chunks alone: Pagefind 1.5's worker would fetch every word chunk of the index for a
    search without words (theme/static/js/search-worker.js). A search with words is unchanged."""
    by_lang = {lang: sorted(url for url, data in cases().items() if data.get("lang") == lang) for lang in ("fr", "it")}
    assert len(by_lang["fr"]) > 1 and by_lang["it"]
    served: list = []
    with local_server(built_site, served) as url:
        for lang, expected in by_lang.items():
            open_search(page, f"{url}/search/?lang={lang}")
            assert result_urls(page) == expected
        assert fetched(served, ".pf_filter") and fetched(served, "search-worker.js")
        assert not fetched(served, ".pf_index"), served
        open_search(page, f"{url}/search/")
        search_for(page, "campagne")
        assert set(by_lang["it"]) < set(result_urls(page)) and fetched(served, ".pf_index")
    assert not csp_violations(page, console)
