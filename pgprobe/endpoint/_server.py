"""A local PostgREST stand-in: a small threaded HTTP server on loopback.

``GET /`` answers the OpenAPI description of its *schema cache* (a Snapshot); every other
request goes through :func:`pgprobe.postgrest.request` on a real database, planned with that
same cached snapshot. ``NOTIFY pgrst, 'reload schema'`` on the database re-reads the cache, as
PostgREST does. Serving an older snapshot while the database has moved on is exactly a stale
schema cache, which makes it a faithful target for :func:`staleness` and
:func:`compare_with_endpoint` when no PostgREST binary is around.

>>> srv = serve(Snapshot())          # an empty schema cache, no database
>>> from pgprobe.endpoint import fetch
>>> fetch(srv.url + "/").json()["swagger"]
'2.0'
>>> srv.stop()
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pgprobe._errors import InputError, PgprobeError
from pgprobe.catalog._model import Snapshot
from pgprobe.openapi import openapi_from_snapshot

__all__ = ["StandIn", "serve"]


class _Server(ThreadingHTTPServer):
    """A threading HTTP server that, when stopped, also ends the connections a client keeps
    alive: their handler threads would otherwise outlive the stand-in (and a process with a
    stray thread can no longer fork safely)."""

    daemon_threads = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._open: dict[threading.Thread, Any] = {}
        self._open_lock = threading.Lock()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open[threading.current_thread()] = request
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._open_lock:
                self._open.pop(threading.current_thread(), None)

    def end_connections(self, timeout: float = 5.0) -> None:
        with self._open_lock:
            open_now = list(self._open.items())
        for _thread, request in open_now:
            with contextlib.suppress(OSError):
                request.shutdown(socket.SHUT_RDWR)
        for thread, _request in open_now:
            thread.join(timeout)

_HOP_HEADERS = {"content-length", "connection", "transfer-encoding", "keep-alive"}


_VERB = {"insert": "INSERT", "upsert": "INSERT", "update": "UPDATE", "delete": "DELETE"}


def _refused(res: Any) -> Any:
    """A write the stand-in does not run, answered as PostgREST answers on a read-only
    database (a ``Result`` with status 405 and SQLSTATE 25006)."""
    from pgprobe.postgrest import Result

    body = {"code": "25006", "details": None,
            "hint": "the pgprobe stand-in runs writes only when started with write=True",
            "message": f"cannot execute {_VERB.get(res.write.kind, 'a volatile function')} "
                       "in a read-only transaction"}
    text = json.dumps(body, separators=(",", ":"))
    return Result(405, body, {"Content-Type": "application/json; charset=utf-8",
                              "Proxy-Status": "PostgREST; error=25006"}, res.sql, None, body,
                  text, res.statements, executed=False, write=res.write)


class StandIn:
    """A running stand-in: ``.url``, ``.snapshot`` (the schema cache), ``.reload()``,
    ``.wait_reload(n)``, ``.stop()``; also a context manager."""

    def __init__(self, snapshot: Snapshot | None, dsn: str | None, host: str, port: int,
                 config: dict[str, Any] | None, listen: bool, write: bool = False) -> None:
        if snapshot is None and dsn is None:
            raise InputError("serve() needs a Snapshot or a DSN")
        self.dsn = dsn
        self.write = write
        self.config = dict(config or {})
        self.schemas = [s.strip() for s in str(self.config.get("db-schemas", "public"))
                        .split(",") if s.strip()]
        self.reloads = 0
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self.snapshot: Snapshot = snapshot if snapshot is not None else self._read()
        self._httpd = _Server((host, port), self._handler())
        self.host, self.port = str(self._httpd.server_address[0]), \
            int(self._httpd.server_address[1])
        self.url = f"http://{self.host}:{self.port}"
        self._threads = [threading.Thread(target=self._httpd.serve_forever,
                                          name="pgprobe-standin", daemon=True)]
        if listen and dsn is not None:
            self._listen_ready = threading.Event()
            self._threads.append(threading.Thread(target=self._listen,
                                                  name="pgprobe-standin-listen", daemon=True))
        for t in self._threads:
            t.start()
        if listen and dsn is not None:
            self._listen_ready.wait(10)

    # -- schema cache --------------------------------------------------------------------
    def _read(self) -> Snapshot:
        from pgprobe.catalog import snapshot

        assert self.dsn is not None
        return snapshot(self.dsn)

    def reload(self) -> None:
        """Re-read the schema cache from the database (what ``NOTIFY pgrst`` triggers)."""
        if self.dsn is None:
            return
        snap = self._read()
        with self._cond:
            self.snapshot = snap
            self.reloads += 1
            self._cond.notify_all()

    def wait_reload(self, count: int = 1, timeout: float = 10.0) -> bool:
        """Wait until the cache has been reloaded ``count`` times in total."""
        with self._cond:
            return self._cond.wait_for(lambda: self.reloads >= count, timeout)

    def _listen(self) -> None:
        import psycopg

        assert self.dsn is not None
        try:
            conn = psycopg.connect(self.dsn, autocommit=True)
        except psycopg.Error:
            self._listen_ready.set()
            return
        try:
            conn.execute("LISTEN pgrst")
            self._listen_ready.set()
            while not self._stopping.is_set():
                for note in conn.notifies(timeout=0.2):
                    if note.payload in ("", "reload schema"):
                        self.reload()
        except psycopg.Error:
            pass
        finally:
            self._listen_ready.set()
            conn.close()

    # -- requests --------------------------------------------------------------------------
    def role_of(self, headers: dict[str, str]) -> str | None:
        """The role of the request: from a token verified with the configured ``jwt-secret``
        (an unsigned or forged token is never trusted), else the anonymous role."""
        anon = self.config.get("db-anon-role")
        if not self.config.get("jwt-secret"):
            return str(anon) if anon else None
        from pgprobe.postgrest._jwt import authenticate

        try:
            return authenticate(self.config, headers, str(anon) if anon else None)[0]
        except PgprobeError:
            return str(anon) if anon else None

    def answer(self, method: str, path: str, headers: dict[str, str], body: Any) -> Any:
        """PostgREST's answer through the engine, planned with this stand-in's schema cache.

        The engine verifies the ``Authorization`` token against ``jwt-secret`` (without one the
        token is ignored and the anonymous role answers). Writes run only when the stand-in was
        started with ``write=True`` (then they commit as PostgREST's default ``db-tx-end``
        does); otherwise nothing runs and the answer is PostgREST's own for a read-only
        database: 405, SQLSTATE 25006.
        """
        import psycopg

        from pgprobe.postgrest import request

        # a connection (not the DSN) so the engine's per-DSN cache stays out of it:
        # the schema cache is this stand-in's snapshot, nothing else
        assert self.dsn is not None
        with psycopg.connect(self.dsn, autocommit=True, application_name="pgprobe-standin",
                             options="-c statement_timeout=30s -c lock_timeout=2s") as conn:
            res = request(conn, method, path, headers=headers, body=body,
                          config=self.config, snapshot=self.snapshot,
                          execute_writes=self.write, commit=self.write)
        if not res.executed and res.write is not None:
            return _refused(res)
        return res

    # -- HTTP ----------------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
                return

            def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for k, v in headers.items():
                    if k.lower() not in _HOP_HEADERS:
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def _handle(self) -> None:
                headers = {k: v for k, v in self.headers.items()}
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8", "replace") if length else None
                path = self.path
                if path.split("?")[0] in ("", "/") and self.command in ("GET", "HEAD"):
                    schema = headers.get("Accept-Profile") or standin.schemas[0]
                    if schema not in standin.schemas:
                        err = {"code": "PGRST106", "details": None, "hint": None,
                               "message": "The schema must be one of the following: "
                                          + ", ".join(standin.schemas)}
                        self._send(406, {"Content-Type": "application/json"},
                                   json.dumps(err).encode())
                        return
                    # PostgREST's openapi-mode follow-privileges: the role of a verified token
                    doc = openapi_from_snapshot(standin.snapshot, [schema],
                                                role=standin.role_of(headers),
                                                host=standin.host, port=standin.port)
                    self._send(200, {"Content-Type": "application/openapi+json; charset=utf-8"},
                               json.dumps(doc).encode())
                    return
                if standin.dsn is None:
                    err = {"code": "PGRST001", "message": "no database behind this stand-in",
                           "details": None, "hint": "serve(snapshot, dsn=...)"}
                    self._send(503, {"Content-Type": "application/json"},
                               json.dumps(err).encode())
                    return
                res = standin.answer(self.command, path, headers, body)
                self._send(res.status, dict(res.headers), (res.body_text or "").encode())

            def _safe(self) -> None:
                try:
                    self._handle()
                except Exception as e:  # noqa: BLE001 - a server answers, never dies
                    msg = " ".join(str(e).split()) or type(e).__name__
                    err = {"code": "PGRSTX00", "message": msg, "details": None, "hint": None}
                    with contextlib.suppress(OSError):
                        self._send(500, {"Content-Type": "application/json"},
                                   json.dumps(err).encode())

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = _safe

        return Handler

    def stop(self) -> None:
        """Stop serving (and listening); idempotent."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.end_connections()
        self._httpd.server_close()
        for t in self._threads:
            t.join(5)

    def __enter__(self) -> StandIn:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        n = sum(1 for _ in self.snapshot.relations)
        return f"<StandIn {self.url} cache={n} relations reloads={self.reloads}>"


def serve(snapshot_or_dsn: Snapshot | str, host: str = "127.0.0.1", port: int = 0, *,
          dsn: str | None = None, config: dict[str, Any] | None = None,
          listen: bool = True, write: bool = False) -> StandIn:
    """Start a stand-in on ``host:port`` (``port=0``: a free one; see ``.url``).

    ``snapshot_or_dsn``: a Snapshot is the schema cache as it is (requests need ``dsn=``);
    a DSN takes the cache from the database now. With a DSN, ``NOTIFY pgrst, 'reload schema'``
    reloads the cache (``listen=False`` to turn that off). ``config`` takes PostgREST keys
    (``db-schemas``, ``db-anon-role``, ``jwt-secret``, ...): with a ``jwt-secret`` the role
    comes from the verified ``Authorization`` token, without one the anonymous role answers.
    Writes run (and commit) only with ``write=True``; otherwise they are refused (405).
    """
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise InputError(f"the stand-in serves loopback only, not {host!r}",
                         hint="it has no authentication; use 127.0.0.1")
    if isinstance(snapshot_or_dsn, Snapshot):
        return StandIn(snapshot_or_dsn, dsn, host, port, config, listen, write)
    if isinstance(snapshot_or_dsn, str):
        return StandIn(None, dsn or snapshot_or_dsn, host, port, config, listen, write)
    raise InputError(f"serve() takes a Snapshot or a DSN, got {type(snapshot_or_dsn).__name__}")
