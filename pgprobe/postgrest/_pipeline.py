"""A PostgREST request through pgprobe, one stage after the other, each visited once::

    parse (authenticate, ApiRequest) -> plan (Planned) -> SQL (Transaction)
          -> guard (writes) -> execute (Executed) -> respond (Result)

Requests PostgREST answers without SQL (CORS preflight, ``OPTIONS``, the OpenAPI root) leave
after parsing. Nothing here opens a connection or takes a snapshot: :mod:`pgprobe.postgrest`
does that and hands in the schema cache.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from typing import Any

import psycopg

from ._config import Config
from ._cors import cors_headers, preflight
from ._errors import PostgrestError
from ._execute import execute, pg_error
from ._guard import explain_write, may_execute, warning_line
from ._jwt import authenticate, claimed_role
from ._planner import Planned, options_allow, plan
from ._request import ApiRequest, _to_mime, api_request, decode_media
from ._response import respond
from ._result import Result
from ._schema import SchemaCache
from ._statements import Limits, Transaction, transaction


class WriteWarning(UserWarning):
    """A write really ran (rolled back) on a database that is not marked scratch."""


@dataclass
class Call:
    """The request as the caller gave it."""

    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    role: str | None = None
    claims: dict[str, Any] | None = None


@dataclass
class Options:
    """How far to go: ``execute=False`` translates only; writes run when ``execute_writes``
    (None: on a scratch database only); ``commit`` lets a write persist."""

    execute: bool = True
    execute_writes: bool | None = None
    commit: bool = False
    limits: Limits = field(default_factory=Limits)


def run(conn: psycopg.Connection[Any] | None, sc: SchemaCache, cfg: Config, call: Call,
        opts: Options) -> Result:
    """Answer ``call`` as PostgREST would (on ``conn`` unless ``opts.execute`` is False)."""
    pre = preflight(cfg.keys, call.method, call.headers)
    if pre is not None:  # answered by PostgREST's CORS middleware, the request is not run
        return Result(200, None, pre, body_text="")
    result = _answer(conn, sc, cfg, call, opts)
    _finish_headers(result, cfg, call.headers)
    return result


def _finish_headers(result: Result, cfg: Config, headers: dict[str, str]) -> None:
    result.headers.update(cors_headers(cfg.keys, headers))
    if result.error is None and not any(k.lower() == "vary" for k in result.headers):
        # PostgREST's default on every answer that is not an error (a pre-request function
        # may set its own through response.headers)
        result.headers["Vary"] = "Accept, Prefer, Range"
    trace = cfg.keys.get("server-trace-header")
    if trace:  # PostgREST echoes the configured request header on every response
        value = next((v for k, v in headers.items() if k.lower() == str(trace).lower()), None)
        if value is not None:
            result.headers[str(trace)] = value


# -- stage 1: parse ----------------------------------------------------------------------
def _parse(cfg: Config, call: Call) -> tuple[ApiRequest, str | None, dict[str, Any] | None]:
    role, claims = call.role, call.claims
    if "jwt-secret" in cfg.keys and call.method.upper() != "OPTIONS":
        # PostgREST authenticates before it looks at the request; an explicit role /
        # claims of the caller win over the token's (which is still checked)
        jwt_role, jwt_claims = authenticate(cfg.keys, call.headers, cfg.anon_role)
        if role is None:
            role, claims = jwt_role, (jwt_claims if claims is None else claims)
    if role is None and claims:
        # claims given without a role: the role they name, as PostgREST reads a JWT's
        role = claimed_role(cfg.keys, claims)
    req = api_request(cfg, call.method.upper(), call.path, call.headers, call.body)
    return req, role, claims


def _without_sql(sc: SchemaCache, cfg: Config, req: ApiRequest, role: str | None
                 ) -> Result | None:
    """OPTIONS and the OpenAPI root: answered from the schema cache alone."""
    if req.method == "OPTIONS":
        return Result(200, None, {"Content-Length": "0", "Access-Control-Allow-Origin": "*",
                                  "Allow": options_allow(sc, req)})
    if req.resource[0] != "schema" or req.method not in ("GET", "HEAD"):
        return None
    if not any(decode_media(m)[0] in ("openapi", "json", "any") for m in req.accepts):
        raise PostgrestError("PGRST107", "None of these media types are available: " +
                             ", ".join(_to_mime(m) for m in req.accepts), status=406)
    mode = str(cfg.keys.get("openapi-mode") or "follow-privileges").lower()
    if mode == "disabled":
        raise PostgrestError("PGRST126", "Root endpoint metadata is disabled", status=404)
    hdrs = {"Content-Type": "application/openapi+json; charset=utf-8"}
    if req.negotiated_by_profile:
        hdrs["Content-Profile"] = req.schema
    if req.method == "HEAD":
        return Result(200, None, hdrs)
    from pgprobe.openapi import openapi_from_snapshot

    # openapi-mode follow-privileges (PostgREST's default): what the request's role may see
    as_role = (role or cfg.anon_role) if mode == "follow-privileges" else None
    doc = openapi_from_snapshot(sc.snapshot, [req.schema], role=as_role)
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    return Result(200, doc, hdrs, body_text=text)


# -- the stages in order -----------------------------------------------------------------
def _answer(conn: psycopg.Connection[Any] | None, sc: SchemaCache, cfg: Config, call: Call,
            opts: Options) -> Result:
    try:
        req, role, claims = _parse(cfg, call)
        answered = _without_sql(sc, cfg, req, role)
        if answered is not None:
            return answered
        planned = plan(sc, cfg, req)
    except PostgrestError as e:
        return _error_result(e, cfg)
    role = role or cfg.anon_role or "anon"
    # PostgREST picks the transaction mode per request (read-only for reads); inside a
    # transaction the caller already opened the mode cannot change any more
    set_mode = conn is None or conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    tx = transaction(planned, cfg, role, claims or {}, limits=opts.limits, set_mode=set_mode)
    result = Result(200, sql=tx.main, plan=planned.plan, statements=tx.statements, role=role,
                    claims=dict(claims or {}))
    if planned.writes:
        stop = _guard(conn, sc, cfg, planned, role, opts, result)
        if stop:
            return result
    if not opts.execute or conn is None:
        result.executed = False
        return result
    answer = _execute_and_respond(conn, planned, tx, cfg, role, opts, result)
    answer.role, answer.claims, answer.plan = role, dict(claims or {}), planned.plan
    return answer


def _guard(conn: psycopg.Connection[Any] | None, sc: SchemaCache, cfg: Config, p: Planned,
           role: str, opts: Options, result: Result) -> bool:
    """Explain a write instead of running it unless allowed; True when it must not run."""
    if not opts.execute or conn is None:
        result.write = explain_write(sc, p, role, "translated only")
        return False
    allowed, scratch, why = may_execute(conn, opts.execute_writes)
    result.write = explain_write(sc, p, role, why)
    if not allowed:
        result.executed = False
        result.status = 0
        result.notes.extend(result.write.lines())
        return True
    if not scratch:
        commit = opts.commit and _pgrst_commits(cfg, p.req)
        line = warning_line(p, result.write, conn.info.dbname, commit)
        result.notes.append(line)
        warnings.warn(line, WriteWarning, stacklevel=4)
    return False


def _pgrst_commits(cfg: Config, req: ApiRequest) -> bool:
    # db-tx-end says so (or Prefer: tx=commit overrides it with a *-allow-override setting)
    return req.prefs.tx == "commit" or (cfg.tx_end.startswith("commit") and
                                        req.prefs.tx != "rollback")


def _execute_and_respond(conn: psycopg.Connection[Any], p: Planned, tx: Transaction,
                         cfg: Config, role: str, opts: Options, result: Result) -> Result:
    commit = opts.commit and p.writes and _pgrst_commits(cfg, p.req)
    try:
        done = execute(conn, p, tx, cfg, commit=commit)
        return respond(p, done.row, done.explain_total, cfg, result)
    except PostgrestError as e:
        return _error_result(e, cfg, tx)
    except psycopg.Error as e:
        r = _error_result(pg_error(e, role != cfg.anon_role), cfg, tx)
        r.notes.extend(_notes_for(e, opts.limits))
        return r


def _notes_for(exc: psycopg.Error, limits: Limits) -> list[str]:
    if exc.sqlstate == "55P03":
        return [f"pgprobe: lock_timeout ({limits.lock_timeout}) expired: another session holds "
                "a lock this request needs (a migration?); see pg_locks / pg_stat_activity"]
    if exc.sqlstate == "57014":
        return [f"pgprobe: statement_timeout ({limits.statement_timeout}) expired"]
    return []


def _error_result(e: PostgrestError, cfg: Config, tx: Transaction | None = None) -> Result:
    body = e.body if cfg.verbosity != "minimal" else {"code": e.code,
                                                      "message": e.pgrst_message}
    text = json.dumps(body, separators=(",", ":"))
    headers = {"Content-Type": "application/json; charset=utf-8",
               "Proxy-Status": f"PostgREST; error={e.code}", **e.headers}
    if e.status == 401 and "WWW-Authenticate" not in headers:
        headers["WWW-Authenticate"] = "Bearer"
    r = Result(e.status, body, headers, tx.main if tx else None, None, body, text)
    if tx is not None:
        r.statements = tx.statements
    return r
