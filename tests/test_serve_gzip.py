"""The preview server sends text gzip-compressed to clients that accept it, as static hosts do."""

from __future__ import annotations

import gzip
import http.client
import os
import time

import pytest

from casebook.serve import GzipCache, accepts_gzip, make_server, running

PAGE = "<!doctype html><p>" + "Une campagne de communication, réseau des CCI. " * 200 + "</p>"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    output = tmp_path_factory.mktemp("gzip") / "output"
    (output / "cases" / "un-cas").mkdir(parents=True)
    (output / "pagefind" / "index").mkdir(parents=True)
    (output / "index.html").write_text(PAGE, encoding="utf-8")
    (output / "cases" / "un-cas" / "index.html").write_text(PAGE + "<p>un cas</p>", encoding="utf-8")
    (output / "site.css").write_text("body { margin: 0; }\n" * 100, encoding="utf-8")
    (output / "pagefind" / "pagefind.js").write_text("export const a = 1;\n" * 100, encoding="utf-8")
    (output / "pagefind" / "pagefind-entry.json").write_text('{"version": "1"}' * 50, encoding="utf-8")
    (output / "pagefind" / "index" / "en_1.pf_index").write_bytes(gzip.compress(b"pagefind chunk" * 50))
    (output / "pagefind" / "wasm.unknown.pagefind").write_bytes(gzip.compress(b"\0asm" * 100))
    (output / "photo.png").write_bytes(b"\x89PNG" + b"\0" * 500)
    with running(make_server(output, 0)) as url:
        yield url.rsplit(":", 1)[1], output


def fetch(port: str, path: str, method: str = "GET", **headers) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
    try:
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("path, file", [
    ("/", "index.html"), ("/cases/un-cas/", "cases/un-cas/index.html"), ("/site.css", "site.css"),
    ("/pagefind/pagefind.js", "pagefind/pagefind.js"),
    ("/pagefind/pagefind-entry.json", "pagefind/pagefind-entry.json"),
])
def test_a_gzip_client_gets_compressed_text_that_decompresses_to_the_file(served, path, file):
    port, output = served
    status, headers, body = fetch(port, path, **{"Accept-Encoding": "gzip, deflate, br"})
    plain = (output / file).read_bytes()
    assert status == 200 and headers["content-encoding"] == "gzip" and headers["vary"] == "Accept-Encoding"
    assert int(headers["content-length"]) == len(body) < len(plain)
    assert gzip.decompress(body) == plain


@pytest.mark.parametrize("headers", [{}, {"Accept-Encoding": "identity"}, {"Accept-Encoding": "gzip;q=0, br"},
                                     {"Accept-Encoding": "br, *;q=0"}])
def test_a_client_without_gzip_gets_the_plain_file(served, headers):
    port, output = served
    status, answer, body = fetch(port, "/cases/un-cas/", **headers)
    assert status == 200 and "content-encoding" not in answer
    assert body == (output / "cases" / "un-cas" / "index.html").read_bytes()


@pytest.mark.parametrize("path", ["/pagefind/index/en_1.pf_index", "/pagefind/wasm.unknown.pagefind", "/photo.png"])
def test_pagefinds_own_compressed_files_and_images_go_out_as_they_are(served, path):
    port, output = served
    status, headers, body = fetch(port, path, **{"Accept-Encoding": "gzip"})
    assert status == 200 and "content-encoding" not in headers
    assert body == (output / path.lstrip("/")).read_bytes()


def test_head_redirect_missing_and_not_modified_behave_as_before(served):
    port, _ = served
    gzip_ok = {"Accept-Encoding": "gzip"}
    status, headers, body = fetch(port, "/", "HEAD", **gzip_ok)
    assert status == 200 and body == b"" and headers["content-encoding"] == "gzip"
    assert int(headers["content-length"]) == len(fetch(port, "/", **gzip_ok)[2])
    status, headers, _ = fetch(port, "/cases/un-cas", **gzip_ok)
    assert status == 301 and headers["location"] == "/cases/un-cas/"
    assert fetch(port, "/absent.css", **gzip_ok)[0] == 404
    assert fetch(port, "/../../etc/passwd", **gzip_ok)[0] == 404
    tag = fetch(port, "/site.css", **gzip_ok)[1]["etag"]
    status, headers, body = fetch(port, "/site.css", **gzip_ok, **{"If-None-Match": tag})
    assert status == 304 and body == b"" and headers["etag"] == tag


def test_a_file_rewritten_within_the_second_it_was_served_is_sent_again(tmp_path):
    """A preview rebuild can rewrite a page within the second it was last served: a browser
    revalidating its copy must get the new version. Its ETag tells the two versions apart, and
    no Last-Modified is sent for a file changed within the current second (that second could
    not tell them apart)."""
    page = tmp_path / "index.html"
    # "Now" for the server: a second ahead of the clock, which cannot tick past it during the test.
    second = (int(time.time()) + 30) * 1_000_000_000
    with running(make_server(tmp_path, 0)) as url:
        port = url.rsplit(":", 1)[1]
        for encoding in ("gzip", "identity"):
            page.write_text("<p>avant</p>", encoding="utf-8")
            os.utime(page, ns=(second, second + 100_000_000))
            _, first, _ = fetch(port, "/", **{"Accept-Encoding": encoding})
            assert "last-modified" not in first
            page.write_text("<p>après</p>", encoding="utf-8")
            os.utime(page, ns=(second, second + 600_000_000))
            status, headers, body = fetch(port, "/", **{"Accept-Encoding": encoding, "If-None-Match": first["etag"]})
            assert status == 200 and headers["cache-control"] == "no-cache" and headers["etag"] != first["etag"]
            text = gzip.decompress(body) if headers.get("content-encoding") == "gzip" else body
            assert text.decode() == "<p>après</p>"


@pytest.mark.parametrize("encoding", ["gzip", "identity"])
def test_an_unchanged_file_is_not_sent_again(tmp_path, encoding):
    """By ETag (what browsers send) and, for a file last changed in an earlier second, by
    If-Modified-Since; a gzip and a plain copy are different versions of the file."""
    (tmp_path / "site.css").write_text("body { margin: 0; }\n" * 100, encoding="utf-8")
    past = (int(time.time()) - 60) * 1_000_000_000
    os.utime(tmp_path / "site.css", ns=(past, past))
    with running(make_server(tmp_path, 0)) as url:
        port = url.rsplit(":", 1)[1]
        _, first, _ = fetch(port, "/site.css", **{"Accept-Encoding": encoding})
        other = "identity" if encoding == "gzip" else "gzip"
        for condition in ({"If-None-Match": first["etag"]}, {"If-None-Match": f'"x", W/{first["etag"]}'},
                          {"If-Modified-Since": first["last-modified"]}):
            status, headers, body = fetch(port, "/site.css", **{"Accept-Encoding": encoding}, **condition)
            assert (status, body) == (304, b"") and headers["etag"] == first["etag"]
        status, _, _ = fetch(port, "/site.css", **{"Accept-Encoding": other, "If-None-Match": first["etag"]})
        assert status == 200


def test_a_file_is_compressed_again_once_it_changed(tmp_path):
    page = tmp_path / "index.html"
    page.write_text(PAGE, encoding="utf-8")
    cache = GzipCache()
    first = cache.get(page, page.stat())
    assert cache.get(page, page.stat()) is first  # compressed once per version
    page.write_text(PAGE + "<p>modifié</p>", encoding="utf-8")
    assert gzip.decompress(cache.get(page, page.stat())) == page.read_bytes()


def test_the_cache_keeps_within_its_limit(tmp_path):
    cache = GzipCache(limit=100)
    for number in range(5):
        path = tmp_path / f"{number}.html"
        path.write_bytes(bytes(range(256)) * (number + 1))  # compresses badly: over 100 bytes each
        assert gzip.decompress(cache.get(path, path.stat())) == path.read_bytes()
    assert cache._size <= 100


@pytest.mark.parametrize("header, allowed", [
    ("gzip", True), ("gzip, deflate, br", True), ("GZIP;q=0.5", True), ("*", True), ("br, *", True),
    (None, False), ("", False), ("identity", False), ("gzip;q=0", False), ("gzip;q=0.0, *", False),
    ("*;q=0", False), ("br", False), ("gzip;q=nonsense", False),
])
def test_accept_encoding(header, allowed):
    assert accepts_gzip(header) is allowed


def test_the_bench_counts_the_bytes_sent_on_the_wire(tmp_path):
    from casebook.bench.measure import local_server

    (tmp_path / "index.html").write_text(PAGE, encoding="utf-8")
    served: list = []
    with local_server(tmp_path, served) as url:
        port = url.rsplit(":", 1)[1]
        compressed = fetch(port, "/", **{"Accept-Encoding": "gzip"})[2]
        plain = fetch(port, "/")[2]
        deadline = time.monotonic() + 30  # a handler notes its bytes just after sending them
        while len(served) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    assert sorted(served) == sorted([("/", len(compressed)), ("/", len(plain))])
    assert len(compressed) < len(plain) == (tmp_path / "index.html").stat().st_size


def test_a_304_on_a_kept_alive_connection_is_the_whole_answer(served):
    """A browser revalidating its cached CSS gets a 304, then asks for the next file on the same
    connection: that answer must be the next file, not a stray copy of the CSS sent after the
    304 (which Chromium read as the next answer: Pagefind's entry came back empty)."""
    port, _ = served
    connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
    try:
        connection.request("GET", "/site.css", headers={"Accept-Encoding": "gzip"})
        first = connection.getresponse()
        first.read()
        connection.request("GET", "/site.css", headers={"Accept-Encoding": "gzip",
                                                        "If-None-Match": first.getheader("ETag")})
        revalidated = connection.getresponse()
        assert revalidated.status == 304
        assert revalidated.read() == b""
        connection.request("GET", "/pagefind/pagefind-entry.json", headers={"Accept-Encoding": "gzip"})
        entry = connection.getresponse()
        assert entry.status == 200
        assert gzip.decompress(entry.read()) == ('{"version": "1"}' * 50).encode()
    finally:
        connection.close()
