"""Bad URLs, non-JSON answers, error statuses and timeouts give one-line errors, over real
sockets (small local servers that answer garbage or never answer); keys never leak."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pgprobe._errors import ConnectError, InputError
from pgprobe.catalog._model import Snapshot
from pgprobe.endpoint import fetch, parse_header, redact_headers, staleness

SECRET = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LWtleS1wYXlsb2Fk.c2lnbmF0dXJl"


class _Garbage(BaseHTTPRequestHandler):
    status = 200
    body = b"<html><body>Welcome to nginx!</body></html>"
    ctype = "text/html"
    seen: list[dict[str, str]] = []

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        type(self).seen.append(dict(self.headers.items()))
        self.send_response(self.status)
        self.send_header("Content-Type", self.ctype)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)


def _serve(handler: type[BaseHTTPRequestHandler]) -> tuple[ThreadingHTTPServer, str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


@pytest.fixture()
def garbage() -> Iterator[str]:
    httpd, url = _serve(_Garbage)
    yield url
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture()
def unauthorized() -> Iterator[str]:
    class H(_Garbage):
        status = 401
        ctype = "application/json"
        body = b'{"message":"Invalid API key","hint":"Double check your Supabase anon key"}'

    httpd, url = _serve(H)
    yield url
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture()
def silent() -> Iterator[str]:
    """Accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(sock.accept()[0])
            except OSError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    stop.set()
    t.join(2)
    for c in accepted:
        c.close()
    sock.close()


def _one_line(err: Exception) -> str:
    text = str(err)
    assert "\n" not in text and "Traceback" not in text
    assert SECRET not in text and "c2VjcmV0" not in text
    return text


def test_non_json_answer(garbage: str) -> None:
    with pytest.raises(InputError) as e:
        staleness(garbage, Snapshot(), headers={"apikey": SECRET})
    text = _one_line(e.value)
    assert "did not answer JSON" in text and "text/html" in text and "Welcome to nginx" in text
    # the key was sent, but is nowhere in the error
    sent = {k.lower(): v for k, v in _Garbage.seen[-1].items()}
    assert sent["apikey"] == SECRET
    assert "openapi+json" in sent["accept"]


def test_json_but_not_openapi(garbage: str) -> None:
    class H(_Garbage):
        ctype = "application/json"
        body = b'[1, 2, 3]'

    httpd, url = _serve(H)
    try:
        with pytest.raises(InputError) as e:
            staleness(url, Snapshot())
        assert "is not a PostgREST OpenAPI description" in _one_line(e.value)
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_timeout_is_bounded(silent: str) -> None:
    start = time.monotonic()
    with pytest.raises(ConnectError) as e:
        staleness(silent, Snapshot(), headers={"Authorization": f"Bearer {SECRET}"},
                  timeout=0.5)
    assert time.monotonic() - start < 5
    assert "no answer within 0.5s" in _one_line(e.value)


def test_connection_refused() -> None:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with pytest.raises(ConnectError) as e:
        fetch(f"http://127.0.0.1:{port}/", timeout=2)
    assert "cannot connect" in _one_line(e.value)


def test_unauthorized_says_which_key(unauthorized: str) -> None:
    with pytest.raises(ConnectError) as e:
        staleness(unauthorized + "/rest/v1/", Snapshot(), headers={"apikey": SECRET})
    text = _one_line(e.value)
    assert "HTTP 401" in text and "Invalid API key" in text and "service_role" in text


@pytest.mark.parametrize("url", [
    "localhost:3000", "ftp://example.com/", "not a url", "http://", "",
    f"https://user:{SECRET}@/rest/v1?apikey={SECRET}",
])
def test_bad_urls(url: str) -> None:
    with pytest.raises(InputError) as e:
        fetch(url)
    assert "bad endpoint URL" in _one_line(e.value)


def test_error_message_hides_query_and_userinfo(garbage: str) -> None:
    with pytest.raises(InputError) as e:
        fetch(garbage.replace("http://", f"http://u:{SECRET}@"))
    assert "user:password@" in _one_line(e.value)
    url = garbage + f"/?apikey={SECRET}"
    with pytest.raises(InputError) as e:
        fetch(url).json()
    _one_line(e.value)
    assert SECRET not in repr(fetch(url))


def test_headers_helpers() -> None:
    assert parse_header("apikey:  abc ") == ("apikey", "abc")
    with pytest.raises(InputError) as e:
        parse_header(SECRET)
    assert SECRET not in str(e.value)
    assert redact_headers({"apikey": SECRET, "Authorization": SECRET, "Prefer": "x"}) == {
        "apikey": "***", "Authorization": "***", "Prefer": "x"}
