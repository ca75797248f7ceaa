"""Stage 3 of the pipeline: a :class:`Planned` request -> the statements of its transaction.

The transaction mirrors PostgREST's: the access mode, pgprobe's time limits, ``set_config`` of
``search_path``, ``role``, ``request.jwt.claims``, ``request.method``/``path``/``headers``/
``cookies`` and the app settings (transaction-local), the ``db-pre-request`` function, the main
query (``mainRead``/``mainWrite``/``mainCall``) and, for ``count=planned|estimated``, the
``EXPLAIN`` of the count.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ._config import Config
from ._mutate import main_write
from ._planner import Planned
from ._request import ApiRequest, _hdr
from ._result import Statement
from ._rpc import main_call
from ._sql import Ident, Param, Parts, count_query, join, main_read, quote_ident


@dataclass(frozen=True)
class Limits:
    """pgprobe's time limits, set transaction-locally (``SET LOCAL``) before anything runs."""

    statement_timeout: str = "30s"
    lock_timeout: str = "2s"


@dataclass
class Transaction:
    """The statements of one request: ``setup`` (mode, limits, settings, pre-request),
    ``main`` and the optional ``explain_count``."""

    setup: list[Statement]
    main: Statement
    explain_count: Statement | None = None

    @property
    def statements(self) -> list[Statement]:
        return [*self.setup, self.main]


def main_query(p: Planned, cfg: Config) -> Parts:
    """PostgREST's main query for the planned request."""
    prefs = p.req.prefs
    if p.kind == "read":
        return main_read(p.plan, prefs.count, cfg.max_rows, p.req.top_range, p.handler, p.strip)
    if p.kind == "rpc":
        assert p.call is not None
        return main_call(p.routine, p.call, p.plan, prefs.count, cfg.max_rows, p.req.top_range,
                         p.handler, p.strip)
    assert p.mutate is not None
    return main_write(p.plan, p.mutate, p.handler, prefs.representation, prefs.resolution,
                      p.strip)


def transaction(p: Planned, cfg: Config, role: str, claims: dict[str, Any], *,
                limits: Limits | None, set_mode: bool) -> Transaction:
    """Every statement of the request's transaction, in order.

    ``set_mode``: the transaction is new, so its access mode can be set (inside a transaction
    the caller already opened it cannot change any more). ``limits=None`` leaves them out (a
    translation that will not run).
    """
    setup: list[Statement] = []
    if set_mode:
        setup.append(Statement(["SET TRANSACTION READ ONLY" if p.read_only else
                                "SET TRANSACTION READ WRITE"]))
    if limits is not None:
        setup.append(Statement(["select set_config('statement_timeout', ",
                                Param(limits.statement_timeout), ", true), "
                                "set_config('lock_timeout', ", Param(limits.lock_timeout),
                                ", true)"]))
    setup.append(Statement(tx_settings(cfg, p.req, role, claims)))
    pre = _pre_request(cfg)
    if pre:
        setup.append(Statement(pre))
    explain = Statement(["EXPLAIN (FORMAT JSON) "] + count_query(p.plan)) \
        if p.count_planned else None
    return Transaction(setup, Statement(main_query(p, cfg)), explain)


def tx_settings(cfg: Config, req: ApiRequest, role: str, claims: dict[str, Any]) -> Parts:
    def setc(name: str, value: str) -> Parts:
        return [f"set_config('{name}', ", Param(value), ", true)"]

    search_path = ", ".join(quote_ident(s) for s in (req.schema, *cfg.extra_search_path))
    cl = dict(claims)
    cl["role"] = role
    hdrs = {k.lower(): v for k, v in req.headers.items() if k.lower() != "cookie"}
    items: list[Parts] = [setc("search_path", search_path), setc("role", role),
                          setc("request.jwt.claims", json.dumps(cl, separators=(",", ":"))),
                          setc("request.method", req.method), setc("request.path", req.path),
                          setc("request.headers", json.dumps(hdrs, separators=(",", ":"))),
                          setc("request.cookies", json.dumps(_cookies(req),
                                                             separators=(",", ":")))]
    if req.prefs.timezone:
        items.append(setc("timezone", req.prefs.timezone))
    for k, v in cfg.app_settings:
        items.append(["set_config(", Param(k), ", ", Param(v), ", true)"])
    return ["select "] + join(", ", items)


def _cookies(req: ApiRequest) -> dict[str, str]:
    cookies: dict[str, str] = {}
    for part in (_hdr(req.headers, "Cookie") or "").split(";"):
        k, eq, v = part.strip().partition("=")
        if eq:
            cookies[k] = v
    return cookies


def _pre_request(cfg: Config) -> Parts | None:
    if not cfg.pre_request:
        return None
    s, dot, n = cfg.pre_request.partition(".")
    qi: Parts = [Ident(s), ".", Ident(n)] if dot else [Ident(s)]
    return ["select "] + qi + ["()"]
