"""Preview server for curators: serves output/ on 127.0.0.1, rebuilds on change, reloads pages.

Only files inside the output folder are served (the standard library handler drops ``..``
components; we check the resolved path again). The theme's live-reload script asks
``/__casebook__/version?since=N``; the answer waits until the version differs from N (a
rebuild finished) or LONG_POLL_SECONDS passed, so the page reloads as soon as a rebuild is
done without polling. N is the version the page was served at (the ``casebook_version``
cookie of every HTML answer): a rebuild that ended while the page loaded reloads it at once.
A missing page is answered with the site's own 404.html.

Text files (HTML, CSS, JavaScript, JSON, SVG, XML) go out gzip-compressed to a client that
accepts gzip, as every static host serves them, so that what the preview (and the benchmark,
which counts the bytes this server sends) downloads is what readers download. Each file
version is compressed once (GzipCache). Pagefind's index files and WebAssembly are already
compressed by Pagefind and go out as they are.

Every file goes out with an ETag (modification time in nanoseconds, size) and ``Cache-Control:
no-cache``: the browser revalidates each use, and a page that a fast rebuild rewrote within the
second it was last served at is sent again (a one-second Last-Modified kept the old copy).
"""

from __future__ import annotations

import datetime
import email.utils
import gzip
import io
import logging
import os
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from stat import S_ISREG
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
VERSION_PATH = "/__casebook__/version"
# The cookie that tells a page's live reload script which build version the page was served at.
VERSION_COOKIE = "casebook_version"
NOT_FOUND_PAGE = "404.html"  # the theme writes it at the site's root
# How long a version request with ``since`` waits for a rebuild (below the handler's timeout).
LONG_POLL_SECONDS = 10
# Content types sent gzip-compressed (besides every "+xml" type: SVG, Atom, RSS).
GZIP_TYPES = frozenset({"text/html", "text/css", "text/javascript", "application/javascript",
                        "application/json", "application/xml", "text/xml", "image/svg+xml"})
# Pagefind's own files that it compresses itself (index chunks, fragments, metadata, filters,
# and its WebAssembly, named wasm.<lang>.pagefind): compressing them again gains nothing.
PAGEFIND_COMPRESSED_SUFFIXES = (".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter")
# Compressed bodies kept in memory, least recently used dropped first (an archive's output is
# hundreds of MB; a reader's session touches a few files).
GZIP_CACHE_BYTES = 64 * 1024 * 1024


def accepts_gzip(header: str | None) -> bool:
    """Whether an Accept-Encoding header allows gzip (RFC 9110: "gzip" or "*", q above 0)."""
    allowed = {}
    for item in (header or "").split(","):
        name, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        allowed[name.strip().lower()] = quality
    if "gzip" in allowed:
        return allowed["gzip"] > 0
    return allowed.get("*", 0) > 0


def compressible(path: Path, content_type: str) -> bool:
    if path.name.endswith(PAGEFIND_COMPRESSED_SUFFIXES) or path.name.startswith("wasm."):
        return False
    return content_type in GZIP_TYPES or content_type.endswith("+xml")


class GzipCache:
    """Gzip-compressed bodies by file, each computed once per file version (path, modification
    time, size). Deterministic bytes: no timestamp in the gzip header."""

    def __init__(self, limit: int = GZIP_CACHE_BYTES) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, tuple[tuple[int, int], bytes]] = OrderedDict()
        self._size = 0
        self.limit = limit

    def get(self, path: Path, stat: os.stat_result, read=None) -> bytes:
        """The compressed body of ``path`` at version ``stat``; ``read()`` gives its bytes (by
        default, the file read again)."""
        key, version = str(path), (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] == version:
                self._entries.move_to_end(key)
                return entry[1]
        body = gzip.compress(read() if read is not None else path.read_bytes(), compresslevel=6, mtime=0)
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old[1])
            if len(body) <= self.limit:
                self._entries[key] = (version, body)
                self._size += len(body)
            while self._size > self.limit:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._size -= len(dropped)
        return body


class BuildVersion:
    """A counter bumped after each successful rebuild (shared with request threads)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._value = 0

    def bump(self) -> None:
        with self._changed:
            self._value += 1
            self._changed.notify_all()

    @property
    def value(self) -> int:
        with self._changed:
            return self._value

    def wait_for_change(self, since: int, timeout: float) -> int:
        """The version, once it differs from ``since`` or after ``timeout`` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self._value != since, timeout)
            return self._value


class PreviewHandler(SimpleHTTPRequestHandler):
    version_counter: BuildVersion
    # Seconds a connection may stay silent: a client that opens a connection and never finishes
    # its request (or half-closes it) does not hold a thread forever.
    timeout = 15
    # Keep-alive: a page's files and the search index's many small fragments come over a few
    # connections instead of one new connection each (every answer has a Content-Length).
    protocol_version = "HTTP/1.1"

    def __init__(self, *args, directory: str, version: BuildVersion, gzip_cache: GzipCache | None = None,
                 **kwargs):
        self.version_counter = version
        self.gzip_cache = gzip_cache if gzip_cache is not None else GzipCache()
        super().__init__(*args, directory=directory, **kwargs)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (stdlib signature)
        log.debug("%s - %s", self.address_string(), format % args)

    def end_headers(self) -> None:
        """Every answer for a page (200, 304 or 404) goes out with the build version the request
        came in at (a cookie, for the live reload script): a rebuild that ends while the page
        loads, before the script's first question, is then seen, not taken for the page's own."""
        if self.served_version is not None and urlsplit(self.path).path.endswith(("/", ".html")):
            self.send_header("Set-Cookie", f"{VERSION_COOKIE}={self.served_version}; Path=/; SameSite=Strict")
        super().end_headers()

    served_version: int | None = None  # the build version when this request came in

    def do_GET(self) -> None:  # noqa: N802 (stdlib API)
        self.served_version = self.version_counter.value  # before the file is read
        if self.path.split("?", 1)[0] == VERSION_PATH:
            since = parse_qs(urlsplit(self.path).query).get("since", [""])[0]
            if since.isdigit():
                value = self.version_counter.wait_for_change(int(since), LONG_POLL_SECONDS)
            else:
                value = self.version_counter.value
            body = str(value).encode()
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def translate_path(self, path: str) -> str:
        """The file for ``path``, or a name that does not exist (answered 404) when the path,
        once decoded and with every symbolic link followed, would leave the output folder."""
        root = Path(self.directory).resolve()
        try:
            translated = Path(super().translate_path(path)).resolve()
        except (ValueError, OSError, RuntimeError):  # an encoded NUL byte, a link loop, a long name
            return str(root / "__outside__")
        if translated != root and root not in translated.parents:
            return str(root / "__outside__")  # answered 404
        return str(translated)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A missing page gets the site's own 404.html (status 404) when the site has one."""
        if code == HTTPStatus.NOT_FOUND:
            try:
                body = Path(self.translate_path("/" + NOT_FOUND_PAGE)).read_bytes()
            except OSError:
                body = None
            if body is not None:
                self.send_response(code, message)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)
                return
        super().send_error(code, message, explain)

    def send_head(self):
        if self.path.split("?", 1)[0] != VERSION_PATH and not Path(self.directory).is_dir():
            self.send_error(HTTPStatus.SERVICE_UNAVAILABLE, "The site is being built")
            return None
        answered, body = self._send_head_file()
        if answered:
            return body
        return super().send_head()

    def _send_head_file(self):
        """(True, the body as a file object, or None for a 304) when this answered for a file,
        headers sent; (False, None) to answer as the standard handler does (a folder's URL
        without its slash, a folder without index.html, a missing file).

        Text goes out gzip-compressed to a client that accepts it. Every file carries an ETag
        made of its modification time in nanoseconds and its size, and ``Cache-Control:
        no-cache`` (a browser asks again on each use): a page rebuilt within the second it was
        last served at is then sent again, which a one-second Last-Modified cannot tell.

        A 304 has been answered too: on a kept-alive connection, a second answer after it would
        be read by the client as the answer to its next request."""
        path = Path(self.translate_path(self.path))
        if os.path.isdir(path):  # False, not an error, for a name too long
            if not urlsplit(self.path).path.endswith("/"):
                return False, None  # the standard handler redirects to the folder's URL
            path = path / "index.html"
        try:
            file = path.open("rb")
        except OSError:
            return False, None  # missing (or a folder without index.html): the standard handler
        try:
            stat = os.fstat(file.fileno())
            if not S_ISREG(stat.st_mode):
                file.close()
                return False, None
            content_type = self.guess_type(str(path))
            compress = compressible(path, content_type)
            gzipped = compress and accepts_gzip(self.headers.get("Accept-Encoding"))
            tag = entity_tag(stat, gzipped)
            if self._not_modified(stat, tag):
                file.close()
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self._validators(stat, tag, compress)
                self.end_headers()
                return True, None
            if gzipped:
                body = self.gzip_cache.get(path, stat, file.read)
                file.close()
                file, length = io.BytesIO(body), len(body)
            else:
                length = stat.st_size
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type)
            if gzipped:
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(length))
            self._validators(stat, tag, compress)
            self.end_headers()
            return True, file
        except BaseException:
            file.close()
            raise

    def _validators(self, stat: os.stat_result, tag: str, compress: bool) -> None:
        """ETag always; Last-Modified only for a file last changed in an earlier second than
        now (RFC 9110, 8.8.2.2): a file changed within the current second may change again
        within it, and a client revalidating with that second would keep its old copy."""
        self.send_header("ETag", tag)
        if int(stat.st_mtime) < int(time.time()):
            self.send_header("Last-Modified", self.date_time_string(int(stat.st_mtime)))
        self.send_header("Cache-Control", "no-cache")
        if compress:
            self.send_header("Vary", "Accept-Encoding")

    def _not_modified(self, stat: os.stat_result, tag: str) -> bool:
        """If-None-Match when the client sends it (RFC 9110: If-Modified-Since is then
        ignored); otherwise If-Modified-Since, as the standard handler reads it (the server
        sends a Last-Modified only once its second has passed, see ``_validators``)."""
        match = self.headers.get("If-None-Match")
        if match is not None:
            return match.strip() == "*" or tag in {item.strip().removeprefix("W/") for item in match.split(",")}
        since = self.headers.get("If-Modified-Since")
        if not since:
            return False
        try:
            when = email.utils.parsedate_to_datetime(since)
        except (TypeError, IndexError, OverflowError, ValueError):
            return False
        if when.tzinfo is None:  # the obsolete form without a zone is UTC
            when = when.replace(tzinfo=datetime.UTC)
        return int(stat.st_mtime) <= when.timestamp()


def entity_tag(stat: os.stat_result, gzipped: bool) -> str:
    """A strong ETag for one version of a file as sent (compressed or not)."""
    return f'"{stat.st_mtime_ns:x}-{stat.st_size:x}{"-gzip" if gzipped else ""}"'


class PreviewServer(ThreadingHTTPServer):
    block_on_close = False  # a page waiting for the next rebuild does not hold up Ctrl-C

    def handle_error(self, request, client_address) -> None:
        """A request that broke its handler is logged, not printed; the server goes on."""
        log.debug("request from %s failed", client_address, exc_info=True)


def make_server(output: str | Path, port: int, version: BuildVersion | None = None) -> ThreadingHTTPServer:
    """A server bound to the loopback address only; port 0 picks a free port."""
    handler = partial(PreviewHandler, directory=str(Path(output).resolve()), version=version or BuildVersion(),
                      gzip_cache=GzipCache())
    server = PreviewServer((HOST, port), handler)
    server.daemon_threads = True
    return server


@contextmanager
def running(server: ThreadingHTTPServer):
    """Run ``server`` in a background thread; yields its base URL and stops it on exit."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def serve(output: Path, port: int, watch: list[Path], rebuild, poll=None) -> None:
    """Serve ``output``; call ``rebuild(changed_paths)`` whenever a watched folder changes, and
    ``poll()`` about twice a second (a background rebuild may have finished). Either returning
    True reloads the open pages. Blocks until Ctrl-C."""
    from watchfiles import watch as watch_changes

    version = BuildVersion()
    with running(make_server(output, port, version)) as url:
        log.info("Serving %s at %s/ (Ctrl-C to stop)", output, url)
        for changes in watch_changes(*[p for p in watch if p.exists()], raise_interrupt=False,
                                     yield_on_timeout=True, rust_timeout=500):
            if changes:
                log.info("%d change(s); rebuilding", len(changes))
                if rebuild(sorted({Path(path) for _, path in changes})):
                    version.bump()
            if poll is not None and poll():
                version.bump()
