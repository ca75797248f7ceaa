"""Run a PostgREST request the way PostgREST does: parse, plan, build SQL, execute, respond.

The transaction mirrors PostgREST's: ``BEGIN``; ``set_config`` of ``search_path``,
``role``, ``request.jwt.claims``, ``request.method``/``path``/``headers``/``cookies`` and
the app settings (transaction-local); the ``db-pre-request`` function; the main query;
``ROLLBACK`` unless the caller opted in to commit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.adapt import Loader
from psycopg.types.string import TextBinaryLoader

from pgprobe.catalog._model import Snapshot

from ._config import Config
from ._cors import cors_headers, preflight
from ._errors import PostgrestError, sqlstate_status
from ._jwt import authenticate
from ._plan import PlanInput, ReadPlan, read_plan
from ._request import ApiRequest, _hdr, _to_mime, api_request, decode_media, negotiate
from ._response import _check_mutation, respond
from ._schema import SchemaCache, table_fuzzy_hint
from ._sql import Param, Parts, join, main_read, quote_ident, to_composed, to_text


class _RawJsonbLoader(Loader):
    """jsonb in binary wire format, version byte included (what PostgREST puts in a body)."""

    format = psycopg.pq.Format.BINARY

    def load(self, data: Any) -> bytes:
        return bytes(data)


@dataclass
class Statement:
    """One SQL statement: ``composed`` (psycopg.sql, ``$n`` placeholders) and ``params``."""

    parts: Parts

    @property
    def composed(self) -> Any:
        return to_composed(self.parts)[0]

    @property
    def params(self) -> list[Any]:
        return to_composed(self.parts)[1]

    @property
    def text(self) -> str:
        """Readable text with the parameters inlined as literals (for display only)."""
        return to_text(self.parts)

    def __str__(self) -> str:
        return self.text


@dataclass
class Result:
    """What PostgREST would answer, plus the SQL it would run."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    sql: Statement | None = None
    plain_sql: str | None = None
    error: dict[str, Any] | None = None
    body_text: str = ""
    statements: list[Statement] = field(default_factory=list)
    """Every statement of the transaction (tx settings, pre-request, main)."""
    plan: Any = field(default=None, repr=False)

    def __repr__(self) -> str:
        what = self.error["code"] if self.error else f"{len(self.body_text)} bytes"
        return f"<Result {self.status} {what}>"


# -- the engine --------------------------------------------------------------------------
@dataclass
class Prepared:
    """Everything decided before touching the database."""

    req: ApiRequest
    kind: str
    main: Parts
    plan: ReadPlan | None = None
    handler: str = "json"
    strip: bool = False
    content_type: str = "application/json"
    explain_count: Parts | None = None
    table: str = ""
    warnings: list[tuple[str, str]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def options_allow(sc: SchemaCache, req: ApiRequest) -> str:
    """The ``Allow`` header PostgREST answers an OPTIONS request with."""
    kind, name = req.resource
    if kind == "schema":
        return "OPTIONS,GET,HEAD"
    if kind == "rpc":
        from ._rpc import find_proc

        keys = {k for k, _ in req.qp.params}
        r = find_proc(sc, req.schema, name, keys, "json", False)
        return "OPTIONS,POST" if r.volatility == "volatile" else "OPTIONS,GET,HEAD,POST"
    t = sc.tables.get((req.schema, name))
    if t is None:
        raise PostgrestError("PGRST205", f"Could not find the table '{req.schema}.{name}' in the "
                             "schema cache", None, table_fuzzy_hint(sc, req.schema, name),
                             status=404)
    allow = ["OPTIONS,GET,HEAD"]
    if t.insertable:
        allow.append("POST")
    if t.insertable and t.updatable and t.pk_cols:
        allow.append("PUT")
    if t.updatable:
        allow.append("PATCH")
    if t.deletable:
        allow.append("DELETE")
    return ",".join(allow)


def prepare(sc: SchemaCache, cfg: Config, req: ApiRequest) -> Prepared:
    kind, name = req.resource
    if kind == "relation" and req.method in ("GET", "HEAD"):
        qi = (req.schema, name)
        if qi not in sc.tables:
            raise PostgrestError("PGRST205",
                                 f"Could not find the table '{req.schema}.{name}' in the schema "
                                 "cache", None, table_fuzzy_hint(sc, req.schema, name),
                                 status=404)
        pin = PlanInput(req.qp, req.ranges, "read")
        rp = read_plan(sc, qi, pin, max_rows=cfg.max_rows, aggregates=cfg.aggregates,
                       legacy_names=cfg.legacy_target_names)
        default_select = (len(rp.select) == 1 and rp.select[0].field.name == "*"
                          and not rp.children)
        handler, strip, ct = negotiate(req.accepts, sc, ("rel", qi[0], qi[1]), default_select,
                                       cfg.plan_enabled)
        if req.prefs.handling == "strict" and req.prefs.invalid:
            raise PostgrestError("PGRST122", "Invalid preferences given with handling=strict",
                                 "Invalid preferences: " + ", ".join(req.prefs.invalid))
        if req.method == "HEAD":
            handler = "none"
        main = main_read(rp, req.prefs.count, cfg.max_rows, req.top_range, handler, strip)
        from ._sql import count_query
        explain = None
        if req.prefs.count in ("planned", "estimated"):
            explain = ["EXPLAIN (FORMAT JSON) "] + count_query(rp)
        return Prepared(req, "read", main, rp, handler, strip, ct, explain, name,
                        _legacy_warnings(rp))
    if kind == "relation" and req.method in ("POST", "PATCH", "PUT", "DELETE"):
        return _prepare_mutation(sc, cfg, req, name)
    if kind == "rpc" and req.method in ("GET", "HEAD", "POST"):
        return _prepare_rpc(sc, cfg, req, name)
    raise PostgrestError("PGRST127", "Feature not implemented",
                         f"pgprobe does not translate {req.method} {kind} requests yet")


def _prepare_rpc(sc: SchemaCache, cfg: Config, req: ApiRequest, name: str) -> Prepared:
    from urllib.parse import parse_qsl

    from ._mutate import get_payload, infer_returnings
    from ._rpc import CallPlan, find_proc, main_call, rpc_args

    is_post = req.method == "POST"
    ctype = _hdr(req.headers, "Content-Type") or "application/json"
    ckind, _ = decode_media(ctype)
    payload = None
    pairs: list[tuple[str, str]] | None = None
    raw_body: Any = None
    if is_post:
        body = req.body
        if ckind == "json":
            payload = get_payload(body, "application/json", req.qp.columns, is_proc=True)
            keys = set(payload.keys)
        elif ckind == "csv":
            payload = get_payload(body, "text/csv", None, is_proc=True)
            keys = set(payload.keys)
        elif ckind == "urlencoded":
            text = body.decode() if isinstance(body, bytes) else (body or "")
            pairs = parse_qsl(text, keep_blank_values=True)
            keys = {k for k, _ in pairs}
        elif ckind in ("plain", "xml", "octet"):
            raw_body = body if body is not None else ""
            keys = set()
        else:
            raise PostgrestError("PGRST102", "Content-Type not acceptable: " + _to_mime(ctype))
    else:
        keys = {k for k, _ in req.qp.params}
    content = {"json": "json", "plain": "plain", "xml": "xml", "octet": "octet",
               "urlencoded": "urlencoded", "csv": "csv"}.get(ckind, "other")
    r = find_proc(sc, req.schema, name, keys, content, is_post)
    ident = (r.schema, r.table_name or r.name)
    pin = PlanInput(req.qp, req.ranges, "rpc")
    rp = read_plan(sc, ident, pin, max_rows=cfg.max_rows, aggregates=cfg.aggregates,
                   legacy_names=cfg.legacy_target_names)
    if not is_post:
        args: dict[str, Any] | None = rpc_args(r, req.qp.params)
    elif pairs is not None:
        args = rpc_args(r, pairs)
    else:
        args = None
    if len(r.params) == 1 and not r.params[0].name:
        params: Any = r.params[0]
    else:
        params = [p for p in r.params if p.name in keys]
    json_args = payload
    if isinstance(params, list) is False and args is None:
        raw_body = payload.raw if payload is not None else raw_body
    from ._rpc import filter_field_names
    cp = CallPlan(r, params, args, json_args, raw_body, filter_field_names(rp),
                  sorted(infer_returnings(rp, ())))
    default_select = (len(rp.select) == 1 and rp.select[0].field.name == "*"
                      and not rp.children)
    handler, strip, ct = negotiate(req.accepts, sc, ("rel", ident[0], ident[1]), default_select,
                                   cfg.plan_enabled)
    if req.prefs.handling == "strict" and req.prefs.invalid:
        raise PostgrestError("PGRST122", "Invalid preferences given with handling=strict",
                             "Invalid preferences: " + ", ".join(req.prefs.invalid))
    if req.prefs.handling == "strict" and req.prefs.max_affected is not None and r.single:
        raise PostgrestError("PGRST128", "Function must return SETOF or TABLE when max-affected "
                             "preference is used with handling=strict")
    if req.method == "HEAD":
        handler = "none"
    main = main_call(r, cp, rp, req.prefs.count, cfg.max_rows, req.top_range, handler, strip)
    read_only = req.method != "POST" or r.volatility != "volatile"
    return Prepared(req, "rpc", main, rp, handler, strip, ct, None, name, _legacy_warnings(rp),
                    {"routine": r, "read_only": read_only})


_MUTATION = {"POST": "insert", "PATCH": "update", "PUT": "upsert", "DELETE": "delete"}


def _prepare_mutation(sc: SchemaCache, cfg: Config, req: ApiRequest, name: str) -> Prepared:
    from ._mutate import get_payload, main_write, mutate_plan

    mkind = _MUTATION[req.method]
    payload = None
    if mkind != "delete":
        payload = get_payload(req.body, _hdr(req.headers, "Content-Type"), req.qp.columns)
    qi = (req.schema, name)
    if qi not in sc.tables:
        raise PostgrestError("PGRST205",
                             f"Could not find the table '{req.schema}.{name}' in the schema "
                             "cache", None, table_fuzzy_hint(sc, req.schema, name), status=404)
    pin = PlanInput(req.qp, req.ranges, "mutate")
    rp = read_plan(sc, qi, pin, max_rows=cfg.max_rows, aggregates=cfg.aggregates,
                   legacy_names=cfg.legacy_target_names, mutation=True)
    mp = mutate_plan(sc, mkind, qi, req.qp, req.prefs, payload, rp)
    if req.prefs.handling == "strict" and req.prefs.invalid:
        raise PostgrestError("PGRST122", "Invalid preferences given with handling=strict",
                             "Invalid preferences: " + ", ".join(req.prefs.invalid))
    default_select = (len(rp.select) == 1 and rp.select[0].field.name == "*"
                      and not rp.children)
    handler, strip, ct = negotiate(req.accepts, sc, ("rel", qi[0], qi[1]), default_select,
                                   cfg.plan_enabled)
    if req.prefs.representation != "representation":
        handler = "none"
    main = main_write(rp, mp, handler, req.prefs.representation, req.prefs.resolution, strip)
    return Prepared(req, mkind, main, rp, handler, strip, ct, None, name, _legacy_warnings(rp),
                    {"mutate": mp})


def _legacy_warnings(rp: ReadPlan) -> list[tuple[str, str]]:
    out = []
    if rp.legacy_match and rp.rel_alias:
        out.append((rp.rel_name, rp.rel_alias))
    for c in rp.children:
        out.extend(_legacy_warnings(c))
    return out


def tx_settings(cfg: Config, req: ApiRequest, role: str, claims: dict[str, Any]) -> Parts:
    def setc(name: str, value: str) -> Parts:
        return [f"set_config('{name}', ", Param(value), ", true)"]

    search_path = ", ".join(quote_ident(s) for s in (req.schema, *cfg.extra_search_path))
    cl = dict(claims)
    cl["role"] = role
    hdrs = {k.lower(): v for k, v in req.headers.items() if k.lower() != "cookie"}
    cookies: dict[str, str] = {}
    ck = _hdr(req.headers, "Cookie")
    if ck:
        for part in ck.split(";"):
            k, eq, v = part.strip().partition("=")
            if eq:
                cookies[k] = v
    items: list[Parts] = [setc("search_path", search_path), setc("role", role),
                          setc("request.jwt.claims", json.dumps(cl, separators=(",", ":"))),
                          setc("request.method", req.method), setc("request.path", req.path),
                          setc("request.headers", json.dumps(hdrs, separators=(",", ":"))),
                          setc("request.cookies", json.dumps(cookies, separators=(",", ":")))]
    if req.prefs.timezone:
        items.append(setc("timezone", req.prefs.timezone))
    for k, v in cfg.app_settings:
        items.append(["set_config(", Param(k), ", ", Param(v), ", true)"])
    return ["select "] + join(", ", items)


def _pre_request(cfg: Config) -> Parts | None:
    if not cfg.pre_request:
        return None
    from ._sql import Ident
    s, dot, n = cfg.pre_request.partition(".")
    qi: Parts = [Ident(s), ".", Ident(n)] if dot else [Ident(s)]
    return ["select "] + qi + ["()"]


def _error_result(e: PostgrestError, cfg: Config, prep: Prepared | None = None) -> Result:
    body = e.body if cfg.verbosity != "minimal" else {"code": e.code,
                                                      "message": e.pgrst_message}
    text = json.dumps(body, separators=(",", ":"))
    headers = {"Content-Type": "application/json; charset=utf-8",
               "Proxy-Status": f"PostgREST; error={e.code}", **e.headers}
    if e.status == 401 and "WWW-Authenticate" not in headers:
        headers["WWW-Authenticate"] = "Bearer"
    return Result(e.status, body, headers, Statement(prep.main) if prep else None, None, body,
                  text)


def _pg_error(exc: psycopg.Error, authed: bool) -> PostgrestError:
    diag = exc.diag
    code = diag.sqlstate or "PGRSTX00"
    msg = diag.message_primary or str(exc)
    if code == "PGRST":
        det_hint = ("DETAIL must be a JSON object with obligatory keys: 'status', 'headers' and "
                    "optional key: 'status_text'.")

        def parse_err(details: str, hint: str) -> PostgrestError:
            return PostgrestError("PGRST121", "Could not parse JSON in the \"RAISE SQLSTATE "
                                  "'PGRST'\" error", details, hint, status=500)
        try:
            m = json.loads(msg)
            if not isinstance(m, dict) or "code" not in m or "message" not in m:
                raise ValueError
        except ValueError:
            return parse_err(f"Invalid JSON value for MESSAGE: '{msg}'",
                             "MESSAGE must be a JSON object with obligatory keys: 'code', "
                             "'message' and optional keys: 'details', 'hint'.")
        if diag.message_detail is None:
            return parse_err("DETAIL is missing in the RAISE statement", det_hint)
        try:
            d = json.loads(diag.message_detail)
            if not isinstance(d, dict) or "status" not in d or "headers" not in d:
                raise ValueError
        except ValueError:
            return parse_err(f"Invalid JSON value for DETAIL: '{diag.message_detail}'", det_hint)
        hdrs = {str(k): str(v) for k, v in (d.get("headers") or {}).items()}
        return PostgrestError(str(m["code"]), str(m["message"]), m.get("details"),
                              m.get("hint"), status=int(d["status"]), headers=hdrs)
    return PostgrestError(code, msg, diag.message_detail, diag.message_hint,
                          status=sqlstate_status(code, msg, authed))


def run(conn: psycopg.Connection[Any], sc: SchemaCache, cfg: Config, method: str, path: str,
        headers: dict[str, str], body: Any, role: str | None, claims: dict[str, Any] | None,
        execute: bool = True, allow_commit: bool = False) -> Result:
    pre = preflight(cfg.keys, method, headers)
    if pre is not None:  # answered by PostgREST's CORS middleware, the request is not run
        return Result(200, None, pre, body_text="")
    result = _run(conn, sc, cfg, method, path, headers, body, role, claims, execute,
                  allow_commit)
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
    return result


def _openapi_root(sc: SchemaCache, cfg: Config, schema: str, role: str | None,
                  headers: dict[str, str]) -> Result:
    """``GET /``: the OpenAPI description of the schema, built from the snapshot as PostgREST
    builds it from its schema cache (``openapi-mode`` follow-privileges by default)."""
    from pgprobe.endpoint import openapi_from_snapshot

    mode = str(cfg.keys.get("openapi-mode") or "follow-privileges").lower()
    as_role = (role or cfg.anon_role) if mode == "follow-privileges" else None
    doc = openapi_from_snapshot(sc.snapshot, [schema], role=as_role)
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    return Result(200, doc, headers, body_text=text)


def _run(conn: psycopg.Connection[Any], sc: SchemaCache, cfg: Config, method: str, path: str,
         headers: dict[str, str], body: Any, role: str | None, claims: dict[str, Any] | None,
         execute: bool = True, allow_commit: bool = False) -> Result:
    prep: Prepared | None = None
    try:
        if "jwt-secret" in cfg.keys and method.upper() != "OPTIONS":
            # PostgREST authenticates before it looks at the request; an explicit role /
            # claims of the caller win over the token's (which is still checked)
            jwt_role, jwt_claims = authenticate(cfg.keys, headers, cfg.anon_role)
            if role is None:
                role, claims = jwt_role, (jwt_claims if claims is None else claims)
        req = api_request(cfg, method.upper(), path, headers, body)
        if req.method == "OPTIONS":
            allow = options_allow(sc, req)
            return Result(200, None, {"Content-Length": "0", "Access-Control-Allow-Origin": "*",
                                      "Allow": allow})
        if req.resource[0] == "schema" and req.method in ("GET", "HEAD"):
            # the OpenAPI root: negotiated, no body for HEAD (GET is not generated)
            if not any(decode_media(m)[0] in ("openapi", "json", "any") for m in req.accepts):
                raise PostgrestError("PGRST107", "None of these media types are available: " +
                                     ", ".join(_to_mime(m) for m in req.accepts), status=406)
            if str(cfg.keys.get("openapi-mode") or "").lower() == "disabled":
                raise PostgrestError("PGRST126", "Root endpoint metadata is disabled",
                                     status=404)
        if req.resource[0] == "schema" and req.method in ("GET", "HEAD"):
            hdrs = {"Content-Type": "application/openapi+json; charset=utf-8"}
            if req.negotiated_by_profile:
                hdrs["Content-Profile"] = req.schema
            if req.method == "HEAD":
                return Result(200, None, hdrs)
            return _openapi_root(sc, cfg, req.schema, role, hdrs)
        prep = prepare(sc, cfg, req)
    except PostgrestError as e:
        return _error_result(e, cfg, prep)
    role = role or cfg.anon_role or "anon"
    result = Result(200, sql=Statement(prep.main), plain_sql=None, plan=prep.plan)
    stmts = [Statement(tx_settings(cfg, req, role, claims or {}))]
    # PostgREST picks the transaction mode per request (read-only for reads); inside a
    # transaction the caller already opened the mode cannot change any more
    read_only = prep.kind == "read" or prep.extra.get("read_only")
    if conn is None or conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
        stmts.insert(0, Statement(["SET TRANSACTION READ ONLY" if read_only else
                                   "SET TRANSACTION READ WRITE"]))
    pre = _pre_request(cfg)
    if pre:
        stmts.append(Statement(pre))
    stmts.append(Statement(prep.main))
    result.statements = stmts
    if not execute:
        return result
    authed = role != cfg.anon_role
    # PostgREST would commit when db-tx-end says so (or Prefer: tx=commit overrides it);
    # pgprobe commits only when the caller also opted in (allow_commit)
    pgrst_commits = req.prefs.tx == "commit" or (cfg.tx_end.startswith("commit") and
                                                 req.prefs.tx != "rollback")
    commit = allow_commit and pgrst_commits
    # db-prepared-statements: PostgREST prepares every statement (true) or none (false, e.g.
    # behind a transaction-mode pooler); left out, psycopg's own policy applies
    prepared = cfg.keys.get("db-prepared-statements")
    use_prepared = None if prepared is None else \
        str(prepared).lower() in ("true", "1", "on", "yes")
    cur = psycopg.RawCursor(conn)
    # the main statement is read in binary, as PostgREST (hasql) reads it: a json body is its
    # text, a jsonb body keeps its version byte, bytea stays bytes
    cur.adapters.register_loader("json", TextBinaryLoader)
    cur.adapters.register_loader("jsonb", _RawJsonbLoader)
    row: Any = None
    explain_total: int | None = None
    try:
        with conn.transaction(force_rollback=not commit):
            for st in stmts[:-1]:
                q, params = to_composed(st.parts)
                cur.execute(q, params, prepare=use_prepared)
            q, params = to_composed(stmts[-1].parts)
            cur.execute(q, params, binary=True, prepare=use_prepared)
            row = cur.fetchone()
            singular = prep.content_type.startswith("application/vnd.pgrst.object")
            mutation = prep.kind in ("insert", "update", "delete", "upsert")
            if mutation:
                row = (None, row[1], row[3], row[4], row[5], row[2], row[6])
            if singular and row[1] != 1 and prep.kind != "upsert":
                raise PostgrestError("PGRST116",
                                     "Cannot coerce the result to a single JSON object",
                                     f"The result contains {row[1]} rows", status=406)
            if mutation:
                _check_mutation(prep, row)
            if prep.kind == "rpc":
                p = prep.req.prefs
                if p.max_affected is not None and p.handling == "strict" \
                        and row[1] > p.max_affected:
                    raise PostgrestError("PGRST124", "Query result exceeds max-affected "
                                         "preference constraint",
                                         f"The query affects {row[1]} rows", status=400)
            if not commit:
                # PostgREST's optionalRollback (or the COMMIT it would run) surfaces deferred
                # constraint violations before the transaction ends
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            if prep.explain_count is not None:
                q, params = to_composed(prep.explain_count)
                cur.execute(q, params)
                prow = cur.fetchone()
                assert prow is not None
                plan = prow[0]
                if isinstance(plan, str):
                    plan = json.loads(plan)
                explain_total = int(plan[0]["Plan"]["Plan Rows"])
    except PostgrestError as e:
        r = _error_result(e, cfg, prep)
        r.statements = stmts
        return r
    except psycopg.Error as e:
        if conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR:
            pass
        r = _error_result(_pg_error(e, authed), cfg, prep)
        r.statements = stmts
        return r
    finally:
        cur.close()
    try:
        return respond(prep, row, explain_total, cfg, result)
    except PostgrestError as e:
        return _error_result(e, cfg, prep)


def snapshot_for(conn: psycopg.Connection[Any], snapshot: Snapshot | None) -> Snapshot:
    if snapshot is not None:
        return snapshot
    cached = _SNAPSHOTS.get(id(conn))
    if cached is not None and cached[0] is conn:
        return cached[1]
    import pgprobe

    read_only, autocommit = conn.read_only, conn.autocommit
    try:
        snap = pgprobe.snapshot(conn)
    finally:  # the catalog reader may change the session; give it back as it was
        if conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
            conn.read_only, conn.autocommit = read_only, autocommit
    _SNAPSHOTS[id(conn)] = (conn, snap)
    return snap


_SNAPSHOTS: dict[int, tuple[Any, Snapshot]] = {}

