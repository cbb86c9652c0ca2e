"""`invoke serve`: loopback only, nothing served from outside output/, malformed requests survived."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from casebook.serve import make_server, running
from tests.conftest import ROOT, copy_content

SECRET = "SECRET-OUTSIDE-OUTPUT"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A small output folder served in this process, with a secret and links that lead outside."""
    base = tmp_path_factory.mktemp("serve")
    output = base / "output"
    (output / "cases" / "un-cas").mkdir(parents=True)
    (output / "index.html").write_text("<p>accueil</p>", encoding="utf-8")
    (output / "cases" / "un-cas" / "index.html").write_text("<p>un cas</p>", encoding="utf-8")
    (base / "secret.txt").write_text(SECRET, encoding="utf-8")
    (base / "private").mkdir()
    (base / "private" / "secret.txt").write_text(SECRET, encoding="utf-8")
    (output / "leak.txt").symlink_to(base / "secret.txt")
    (output / "leakdir").symlink_to(base / "private")
    (output / "cases" / "loop").symlink_to(output / "cases" / "loop")
    (output / "inside.html").symlink_to(output / "index.html")  # a link that stays inside is fine
    server = make_server(output, 0)
    with running(server):
        yield server.server_address[1], base


def raw(port: int, data: bytes, half_close: bool = True, timeout: float = 10) -> bytes:
    """Send bytes as they are (no client library tidies them) and read the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(data)
        if half_close:
            connection.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def status(answer: bytes) -> int:
    """The status code; an answer to an unparsable request has no status line (HTTP/0.9 style),
    only the stdlib's error page, which states its code. 0 when the server just closed."""
    if answer.startswith(b"HTTP/"):
        return int(answer.split(b" ", 2)[1])
    code = re.search(rb"Error code: (\d{3})", answer)
    return int(code.group(1)) if code else 0


def get(port: int, path: str) -> bytes:
    return raw(port, f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode("latin-1"))


TRAVERSALS = [
    "/../secret.txt", "/../../../../../../etc/passwd", "/%2e%2e/secret.txt", "/%2E%2E/%2e%2e/etc/passwd",
    "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt", "/cases/..%2f..%2fsecret.txt", "/cases/%2e%2e/%2e%2e/secret.txt",
    "/..%5csecret.txt", "/..\\secret.txt", "/%252e%252e/secret.txt", "/..;/secret.txt", "/./.././secret.txt",
    "//etc/passwd", "/etc/passwd", "http://127.0.0.1/../secret.txt", "http://evil.example/../../secret.txt",
    "/leak.txt", "/leakdir/secret.txt", "/leakdir/", "/leakdir", "/cases/loop", "/cases/loop/x",
    "/%00", "/index.html%00.txt", "/..%00/secret.txt", "/" + "a" * 5000,
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_nothing_outside_output_is_served(served, path):
    port, base = served
    answer = get(port, path)
    assert SECRET.encode() not in answer and b"root:" not in answer
    assert status(answer) in (301, 400, 404, 414), answer[:200]
    if status(answer) == 301:  # a folder: the redirect must stay on this site
        location = next(line for line in answer.split(b"\r\n") if line.lower().startswith(b"location:"))
        assert location.split(b":", 1)[1].strip().startswith(b"/"), location


def test_the_absolute_path_of_the_secret_is_not_served(served):
    port, base = served
    for path in (str(base / "secret.txt"), "/" + str(base / "secret.txt"), "/%2F" + str(base / "secret.txt")[1:]):
        assert SECRET.encode() not in get(port, path)


def test_pages_inside_output_are_served(served):
    port, _ = served
    assert b"accueil" in get(port, "/") and status(get(port, "/")) == 200
    assert b"un cas" in get(port, "/cases/un-cas/")
    assert b"un cas" in get(port, "/cases/%75n-cas/")
    assert b"accueil" in get(port, "/inside.html")


def test_a_missing_page_gets_the_sites_own_404_page(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("<p>accueil</p>", encoding="utf-8")
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    server = make_server(output, 0)
    port = server.server_address[1]
    with running(server):
        answer = get(port, "/cases/absent/")
        assert status(answer) == 404 and b"Error code: 404" in answer  # no 404.html: the standard page
        (output / "404.html").write_text("<h1>Page introuvable</h1>", encoding="utf-8")
        for path in ("/cases/absent/", "/absent.css", "/../secret.txt", "/%2e%2e/secret.txt"):
            answer = get(port, path)
            head, _, body = answer.partition(b"\r\n\r\n")
            assert status(answer) == 404, path
            assert body == b"<h1>Page introuvable</h1>", path
            assert b"content-type: text/html; charset=utf-8" in head.lower()
        answer = raw(port, b"HEAD /absent/ HTTP/1.0\r\n\r\n")
        assert status(answer) == 404 and answer.endswith(b"\r\n\r\n")  # no body
        assert status(get(port, "/")) == 200


# request -> the answers that are right for it (0: the server closes without answering)
MALFORMED = {
    "garbage bytes": (b"\x00\xff\xfe\xfd\x80\x81 \x16\x03\x01\r\n\r\n", {400}),
    "tls handshake": (bytes.fromhex("160301012c010001280303") + b"\x00" * 64, {400}),
    "overlong request line": (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", {414}),
    "bad method": (b"FROB / HTTP/1.1\r\nHost: x\r\n\r\n", {501}),
    "lowercase method": (b"get / HTTP/1.1\r\n\r\n", {501}),
    "bad version": (b"GET / HTTP/9.9\r\n\r\n", {400, 505}),
    "no version": (b"GET / HTTP/\r\n\r\n", {400}),
    "too many headers": (b"GET / HTTP/1.1\r\n" + b"X-A: b\r\n" * 500 + b"\r\n", {431}),
    "overlong header": (b"GET / HTTP/1.1\r\nX-A: " + b"b" * 70000 + b"\r\n\r\n", {431}),
    "header without colon": (b"GET / HTTP/1.1\r\nnot a header\r\n\r\n", {200, 400}),
    "bad content length": (b"POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n", {400, 501}),
    "only a newline": (b"\r\n", {0, 400}),
    "nothing": (b"", {0}),
    "half a request line": (b"GET /ind", {0, 400, 404}),
    "non-ascii path": ("GET /cafè/☃ HTTP/1.0\r\n\r\n".encode(), {404}),
    "bad percent escape": (b"GET /%zz%e9%%/ HTTP/1.0\r\n\r\n", {404}),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_request_is_answered_or_dropped_and_serving_goes_on(served, name):
    port, _ = served
    request, expected = MALFORMED[name]
    assert status(raw(port, request)) in expected
    assert status(get(port, "/")) == 200


def test_silent_and_half_open_connections_do_not_block_others(served):
    port, _ = served
    idle = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(12)]
    try:
        for index, connection in enumerate(idle):
            connection.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n" if index % 2 else b"GE")
        assert status(get(port, "/")) == 200
    finally:
        for connection in idle:
            connection.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def other_addresses() -> list[str]:
    """Addresses of this machine other than 127.0.0.1 (127.0.0.2 is always there on Linux)."""
    found = {"127.0.0.2"}
    try:
        found |= {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    except OSError:
        pass
    return sorted(found - {"127.0.0.1"})


@pytest.mark.slow
def test_invoke_serve_listens_on_loopback_only_survives_a_bad_edit_and_stops_cleanly(tmp_path):
    content = copy_content(tmp_path / "content")
    output = tmp_path / "output"
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "invoke", "serve", "--port", str(port), "--content",
                                str(content), "--output", str(output)], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stderr), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, "".join(lines)
            try:
                answer = get(port, "/")
                break
            except OSError:
                assert time.monotonic() < deadline, "invoke serve never answered"
                time.sleep(0.1)
        assert status(answer) == 200 and b"Content-Security-Policy" in answer
        raw(port, b"\x00\xff garbage\r\n\r\n")
        assert status(get(port, "/../../../../etc/passwd")) == 404
        for address in other_addresses():
            with pytest.raises(OSError), socket.create_connection((address, port), timeout=2):
                pass
        assert status(get(port, "/")) == 200

        # a curator saves a broken case: the rebuild is refused, the previous site still served
        (content / "cases" / "casse.md").write_text("---\ntitle: [pas fermé\n---\n", encoding="utf-8")
        while not any("build refused" in line for line in lines):
            assert process.poll() is None and time.monotonic() < deadline, "".join(lines)
            time.sleep(0.1)
        assert any("casse.md:2: front matter: YAML error" in line for line in lines), "".join(lines)
        assert status(get(port, "/")) == 200
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        reader.join(timeout=10)
    stderr = "".join(lines)
    assert "Traceback" not in stderr, stderr
    assert sorted(p.name for p in Path(tmp_path).iterdir() if p.name.startswith(".output.")) == []
