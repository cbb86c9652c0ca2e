"""Preview server for curators: serves output/ on 127.0.0.1, rebuilds on change, reloads pages.

Only files inside the output folder are served (the standard library handler drops ``..``
components; we check the resolved path again). The theme's live-reload script asks
``/__casebook__/version?since=N``; the answer waits until the version differs from N (a
rebuild finished) or LONG_POLL_SECONDS passed, so the page reloads as soon as a rebuild is
done without polling. A missing page is answered with the site's own 404.html.
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
VERSION_PATH = "/__casebook__/version"
NOT_FOUND_PAGE = "404.html"  # the theme writes it at the site's root
# How long a version request with ``since`` waits for a rebuild (below the handler's timeout).
LONG_POLL_SECONDS = 10


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

    def __init__(self, *args, directory: str, version: BuildVersion, **kwargs):
        self.version_counter = version
        super().__init__(*args, directory=directory, **kwargs)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (stdlib signature)
        log.debug("%s - %s", self.address_string(), format % args)

    def do_GET(self) -> None:  # noqa: N802 (stdlib API)
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
        response = super().send_head()
        return response


class PreviewServer(ThreadingHTTPServer):
    block_on_close = False  # a page waiting for the next rebuild does not hold up Ctrl-C

    def handle_error(self, request, client_address) -> None:
        """A request that broke its handler is logged, not printed; the server goes on."""
        log.debug("request from %s failed", client_address, exc_info=True)


def make_server(output: str | Path, port: int, version: BuildVersion | None = None) -> ThreadingHTTPServer:
    """A server bound to the loopback address only; port 0 picks a free port."""
    handler = partial(PreviewHandler, directory=str(Path(output).resolve()), version=version or BuildVersion())
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
