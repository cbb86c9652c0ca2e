"""An archive indexed in shards (one Pagefind run each, then merged) gets the index one run gives."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from plugins.search import pagefind_index
from plugins.search.merge import CHUNKS, FILTERS, META_FIELDS, PAGES, SORTS, Names, merge_bundles, read_file, write_file
from plugins.search.records import SearchRecord
from tests.conftest import ROOT, serving
from tests.test_search_site import csp_violations, open_search


def case(slug: str, date: str, text: str, organizations: str = "", lang: str = "fr", theme: str = "crise"):
    return SearchRecord(
        url=f"/cases/{slug}/", content=text,
        meta={"title": f"Cas {slug}", "date": date, "datetime": date, "organizations": organizations, "lang": lang},
        filters={"theme": [theme], "lang": [lang], "year": [date[:4]] if date else []},
        sort={"date": date} if date else {})


# Undated cases sort first, so the first shard has no date metadata: its meta fields are numbered
# differently from the other shards'. Accented and unaccented forms of a word are spread over shards.
RECORDS = [
    case("a", "2013-04-24", "Le réseau des CCI lance une campagne.\nRenault et Voiture&Co", "CCI France"),
    case("b", "", "Una campagna per l'apprendistato nel settore dell'industria", lang="it", theme="emploi"),
    case("c", "2020-01-02", "Crème brûlée: la campagne du reseau, créée en 2020", "Opco 2i"),
    case("d", "", "A campaign for apprenticeships in industry", lang="en"),
    case("e", "2013-04-24", "La crise du commerce: une campagne à Nantes", "CCI Nantes", theme="commerce"),
    case("f", "2024-11-30", "Campagne, campagnes et campagnard: le réseau réseaux", "Renault"),
    case("g", "2016-07-01", "L'industrie s'offre une vaste campagne de communication", "UIMM"),
]


def decoded(bundle):
    """A bundle by URL rather than page number: each page's fragment, each word's positions per
    page (meta positions by field name), each filter value's pages, each sort's dates, and the
    index chunks' word ranges."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    [(language, info)] = entry["languages"].items()
    meta = read_file(bundle / f"pagefind.{info['hash']}.pf_meta")
    fragments = [read_file(bundle / "fragment" / f"{name}.pf_fragment") for name, _ in meta[PAGES]]
    urls = [fragment["url"] for fragment in fragments]

    def postings(pages):
        number, found = 0, []
        for delta, locations, meta_locations in pages:
            number += delta
            found.append((urls[number], locations, [meta[META_FIELDS][-v - 1] if v < 0 else v for v in meta_locations]))
        return sorted(found)

    words = {}
    for *_, name in meta[CHUNKS]:
        for word, pages, variants in read_file(bundle / "index" / f"{name}.pf_index")[0]:
            words[word] = (postings(pages), sorted((form, postings(pages)) for form, pages in variants))
    filters = {}
    for _, name in meta[FILTERS]:
        filter_name, values = read_file(bundle / "filter" / f"{name}.pf_filter")
        filters[filter_name] = {value: sorted(urls[page] for page in pages) for value, pages in values}
    dates = {record.url: record.sort.get("date") for record in RECORDS}
    return {
        "language": language,
        "pages": sorted((fragment["url"], json.dumps(fragment, sort_keys=True), count)
                        for fragment, (_, count) in zip(fragments, meta[PAGES], strict=True)),
        "words": words,
        "filters": filters,
        "sorts": {sort: [dates[urls[page]] for page in pages] for sort, pages in meta[SORTS]},
        "chunks": [chunk[:2] for chunk in meta[CHUNKS]],
    }


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    """The records indexed in one Pagefind run, and in shards of two (four runs)."""
    folder = tmp_path_factory.mktemp("bundles")
    pagefind_index.write_bundle(RECORDS, folder / "one", "fr")
    runs = []
    index_folder = pagefind_index._index_folder

    async def counted(*args):
        runs.append(args)
        return await index_folder(*args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pagefind_index, "_index_folder", counted)
        pagefind_index.write_bundle(RECORDS, folder / "shards", "fr", shard_size=2)
    # four shards, one Pagefind run each (a run Pagefind left incomplete on a loaded machine is
    # retried: counted by the shard folders it indexed, not by calls)
    assert len({str(folder) for folder, *_ in runs}) == 4
    return decoded(folder / "one"), decoded(folder / "shards")


@pytest.mark.slow
def test_shards_merge_into_the_words_filters_and_fragments_of_one_index(bundles):
    one, shards = bundles
    assert shards["pages"] == one["pages"] and len(one["pages"]) == len(RECORDS)
    assert shards["words"] == one["words"]
    assert one["words"]["reseau"][1], "réseau is indexed as a diacritic variant of reseau"
    assert shards["filters"] == one["filters"] and one["filters"]["theme"]["crise"]
    assert shards["chunks"] == one["chunks"] and shards["language"] == one["language"] == "fr"


@pytest.mark.slow
def test_shards_merge_into_one_sort_by_date(bundles):
    one, shards = bundles
    dated = sorted(record.sort["date"] for record in RECORDS if record.sort)
    assert shards["sorts"] == one["sorts"] == {"date": dated}


def test_records_in_shards_come_in_the_order_of_their_sort_value():
    parts = pagefind_index.shards(RECORDS, 3)
    assert [[record.url[7] for record in part] for part in parts] == [["b", "d", "a"], ["e", "g", "c"], ["f"]]
    assert pagefind_index.shards(RECORDS, 7) == [RECORDS]
    both = [*RECORDS, SearchRecord(url="/cases/h/", content="x", meta={}, sort={"title": "h"})]
    with pytest.raises(ValueError, match="keeps one sort"):
        pagefind_index.shards(both, 3)


@pytest.mark.slow
def test_a_bundle_of_another_pagefind_version_is_refused(tmp_path):
    pagefind_index.write_bundle(RECORDS[:2], tmp_path / "shard", "fr")
    entry_path = tmp_path / "shard" / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    meta_path = tmp_path / "shard" / f"pagefind.{entry['languages']['fr']['hash']}.pf_meta"
    meta = read_file(meta_path)
    meta_path.unlink()
    entry["languages"]["fr"]["hash"] = write_file(tmp_path / "shard", Names("fr", 10), ".pf_meta",
                                                  ["1.6.0", *meta[1:]], prefix="pagefind.")
    entry_path.write_text(json.dumps(entry), encoding="utf-8")
    with pytest.raises(ValueError, match="written by Pagefind 1.6.0"):
        merge_bundles([tmp_path / "shard"], tmp_path / "merged")


# --- in the browser ----------------------------------------------------------------------------

# Searches that exercise what issue 7 asks of search: names and aliases, unaccented words, a
# French query finding the Italian case, a filter, the sort by date.
SEARCHES = ("q=Renault", "q=reseau", "q=CCI", "q=Chambres+de+commerce", "q=industria", "q=campagne",
            "q=campagne&lang=it", "q=campagne&sort=date-desc", "q=campagne&sort=date-asc")


def seen(page, base, search):
    """What a reader sees for ``search``: the status line, each result (title, date and
    organizations, excerpt with its highlighted words), the dates in the order shown, and the
    filters' values with their counts."""
    open_search(page, f"{base}/search/?{search}")
    # Opening the filters (a filter in the URL opened them already) loads their totals and
    # searches again: wait for the toggle event, whose handler (the page's, registered first)
    # marks the results busy at once, then for the results to settle.
    page.locator("#search-filters-box").evaluate("""box => new Promise((opened) => {
        if (box.open) return opened();
        box.addEventListener("toggle", () => opened(), { once: true });
        box.open = true;
    })""")
    expect(page.locator("#search-results")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#search-filters-box .search-count").first).to_be_visible()
    results = page.locator("#search-results li").evaluate_all(
        """items => items.map(li => [new URL(li.querySelector("h2 a").href).pathname,
                                     li.querySelector("h2").textContent,
                                     li.querySelector(".search-meta").textContent,
                                     li.querySelector(".search-excerpt").innerHTML])""")
    return {
        "status": page.locator("#search-status").text_content(),
        "results": sorted(map(tuple, results)),
        "dates": page.locator("#search-results time").evaluate_all("times => times.map(t => t.dateTime)"),
        "filters": page.locator("#search-filters-box label").all_inner_texts(),
    }


@pytest.fixture(scope="module")
def sharded_site(tmp_path_factory):
    """The committed content built with the publishing settings, indexed in shards of two."""
    from casebook.site import PUBLISH_SETTINGS, build

    output = tmp_path_factory.mktemp("site-shards") / "output"
    build(ROOT / "content", output, PUBLISH_SETTINGS, {"CASEBOOK_SEARCH_SHARD_SIZE": 2})
    return output


@pytest.mark.browser
def test_a_site_indexed_in_shards_finds_and_shows_what_one_index_does(page, site_server, sharded_site, console):
    with serving(sharded_site) as sharded:
        for search in SEARCHES:
            one = seen(page, site_server, search)
            assert one["results"] and one["filters"], search
            assert seen(page, sharded, search) == one, search
    assert not csp_violations(page, console)
