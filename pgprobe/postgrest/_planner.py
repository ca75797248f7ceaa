"""Stage 2 of the pipeline: an :class:`ApiRequest` and the schema cache -> a :class:`Planned`
request (read plan, mutate or call plan, negotiated media type). No SQL is written here.

Mirrors PostgREST's ``Plan`` module (``readPlan``, ``mutatePlan``, ``callPlan``) and the media
negotiation of ``ApiRequest``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from ._config import Config
from ._errors import PostgrestError
from ._mutate import MutatePlan, get_payload, infer_returnings, mutate_plan
from ._plan import PlanInput, ReadPlan, read_plan
from ._request import ApiRequest, _hdr, _to_mime, decode_media, negotiate
from ._rpc import CallPlan, filter_field_names, find_proc, rpc_args
from ._schema import SchemaCache, table_fuzzy_hint

WRITES = ("insert", "update", "delete", "upsert")


@dataclass
class Planned:
    """Everything decided before any SQL is written or the database is touched."""

    req: ApiRequest
    kind: str  # read | rpc | insert | update | delete | upsert
    plan: ReadPlan
    handler: str = "json"
    strip: bool = False
    content_type: str = "application/json"
    count_planned: bool = False
    table: str = ""
    warnings: list[tuple[str, str]] = field(default_factory=list)
    mutate: MutatePlan | None = None
    call: CallPlan | None = None
    routine: Any = None
    read_only: bool = True

    @property
    def writes(self) -> bool:
        """Would the transaction be read-write (a mutation, or a volatile function by POST)?"""
        return not self.read_only


def _not_found(sc: SchemaCache, schema: str, name: str) -> PostgrestError:
    return PostgrestError("PGRST205", f"Could not find the table '{schema}.{name}' in the "
                          "schema cache", None, table_fuzzy_hint(sc, schema, name), status=404)


def _strict_prefs(req: ApiRequest) -> None:
    if req.prefs.handling == "strict" and req.prefs.invalid:
        raise PostgrestError("PGRST122", "Invalid preferences given with handling=strict",
                             "Invalid preferences: " + ", ".join(req.prefs.invalid))


def _negotiate(sc: SchemaCache, cfg: Config, req: ApiRequest, rp: ReadPlan,
               ident: tuple[str, str]) -> tuple[str, bool, str]:
    default_select = (len(rp.select) == 1 and rp.select[0].field.name == "*"
                      and not rp.children)
    return negotiate(req.accepts, sc, ("rel", ident[0], ident[1]), default_select,
                     cfg.plan_enabled)


def _read_plan(sc: SchemaCache, cfg: Config, req: ApiRequest, ident: tuple[str, str],
               purpose: str, mutation: bool = False) -> ReadPlan:
    return read_plan(sc, ident, PlanInput(req.qp, req.ranges, purpose), max_rows=cfg.max_rows,
                     aggregates=cfg.aggregates, legacy_names=cfg.legacy_target_names,
                     mutation=mutation)


def options_allow(sc: SchemaCache, req: ApiRequest) -> str:
    """The ``Allow`` header PostgREST answers an OPTIONS request with."""
    kind, name = req.resource
    if kind == "schema":
        return "OPTIONS,GET,HEAD"
    if kind == "rpc":
        keys = {k for k, _ in req.qp.params}
        r = find_proc(sc, req.schema, name, keys, "json", False)
        return "OPTIONS,POST" if r.volatility == "volatile" else "OPTIONS,GET,HEAD,POST"
    t = sc.tables.get((req.schema, name))
    if t is None:
        raise _not_found(sc, req.schema, name)
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


def plan(sc: SchemaCache, cfg: Config, req: ApiRequest) -> Planned:
    """Plan a relation read, a mutation or a function call."""
    kind, name = req.resource
    if kind == "relation" and req.method in ("GET", "HEAD"):
        return _plan_read(sc, cfg, req, name)
    if kind == "relation" and req.method in _MUTATION:
        return _plan_mutation(sc, cfg, req, name)
    if kind == "rpc" and req.method in ("GET", "HEAD", "POST"):
        return _plan_rpc(sc, cfg, req, name)
    raise PostgrestError("PGRST127", "Feature not implemented",
                         f"pgprobe does not translate {req.method} {kind} requests yet")


def _plan_read(sc: SchemaCache, cfg: Config, req: ApiRequest, name: str) -> Planned:
    qi = (req.schema, name)
    if qi not in sc.tables:
        raise _not_found(sc, req.schema, name)
    rp = _read_plan(sc, cfg, req, qi, "read")
    handler, strip, ct = _negotiate(sc, cfg, req, rp, qi)
    _strict_prefs(req)
    if req.method == "HEAD":
        handler = "none"
    return Planned(req, "read", rp, handler, strip, ct,
                   req.prefs.count in ("planned", "estimated"), name, _legacy_warnings(rp))


_MUTATION = {"POST": "insert", "PATCH": "update", "PUT": "upsert", "DELETE": "delete"}


def _plan_mutation(sc: SchemaCache, cfg: Config, req: ApiRequest, name: str) -> Planned:
    mkind = _MUTATION[req.method]
    payload = None
    if mkind != "delete":
        payload = get_payload(req.body, _hdr(req.headers, "Content-Type"), req.qp.columns)
    qi = (req.schema, name)
    if qi not in sc.tables:
        raise _not_found(sc, req.schema, name)
    rp = _read_plan(sc, cfg, req, qi, "mutate", mutation=True)
    mp = mutate_plan(sc, mkind, qi, req.qp, req.prefs, payload, rp)
    _strict_prefs(req)
    handler, strip, ct = _negotiate(sc, cfg, req, rp, qi)
    if req.prefs.representation != "representation":
        handler = "none"
    return Planned(req, mkind, rp, handler, strip, ct, False, name, _legacy_warnings(rp),
                   mutate=mp, read_only=False)


_CONTENT = {"json": "json", "plain": "plain", "xml": "xml", "octet": "octet",
            "urlencoded": "urlencoded", "csv": "csv"}


def _rpc_body(req: ApiRequest) -> tuple[str, Any, list[tuple[str, str]] | None, Any, set[str]]:
    """(content kind, json payload, urlencoded pairs, raw body, argument names) of a POST."""
    ckind, _ = decode_media(_hdr(req.headers, "Content-Type") or "application/json")
    body = req.body
    if ckind == "json":
        payload = get_payload(body, "application/json", req.qp.columns, is_proc=True)
        return ckind, payload, None, None, set(payload.keys)
    if ckind == "csv":
        payload = get_payload(body, "text/csv", None, is_proc=True)
        return ckind, payload, None, None, set(payload.keys)
    if ckind == "urlencoded":
        text = body.decode() if isinstance(body, bytes) else (body or "")
        pairs = parse_qsl(text, keep_blank_values=True)
        return ckind, None, pairs, None, {k for k, _ in pairs}
    if ckind in ("plain", "xml", "octet"):
        return ckind, None, None, body if body is not None else "", set()
    ctype = _hdr(req.headers, "Content-Type") or "application/json"
    raise PostgrestError("PGRST102", "Content-Type not acceptable: " + _to_mime(ctype))


def _plan_rpc(sc: SchemaCache, cfg: Config, req: ApiRequest, name: str) -> Planned:
    is_post = req.method == "POST"
    if is_post:
        ckind, payload, pairs, raw_body, keys = _rpc_body(req)
    else:
        ckind, payload, pairs, raw_body = "json", None, None, None
        keys = {k for k, _ in req.qp.params}
    r = find_proc(sc, req.schema, name, keys, _CONTENT.get(ckind, "other"), is_post)
    ident = (r.schema, r.table_name or r.name)
    rp = _read_plan(sc, cfg, req, ident, "rpc")
    if not is_post:
        args: dict[str, Any] | None = rpc_args(r, req.qp.params)
    elif pairs is not None:
        args = rpc_args(r, pairs)
    else:
        args = None
    params: Any = r.params[0] if len(r.params) == 1 and not r.params[0].name else \
        [p for p in r.params if p.name in keys]
    if not isinstance(params, list) and args is None:
        raw_body = payload.raw if payload is not None else raw_body
    cp = CallPlan(r, params, args, payload, raw_body, filter_field_names(rp),
                  sorted(infer_returnings(rp, ())))
    handler, strip, ct = _negotiate(sc, cfg, req, rp, ident)
    _strict_prefs(req)
    if req.prefs.handling == "strict" and req.prefs.max_affected is not None and r.single:
        raise PostgrestError("PGRST128", "Function must return SETOF or TABLE when max-affected "
                             "preference is used with handling=strict")
    if req.method == "HEAD":
        handler = "none"
    read_only = not is_post or r.volatility != "volatile"
    return Planned(req, "rpc", rp, handler, strip, ct, False, name, _legacy_warnings(rp),
                   call=cp, routine=r, read_only=read_only)


def _legacy_warnings(rp: ReadPlan) -> list[tuple[str, str]]:
    out = []
    if rp.legacy_match and rp.rel_alias:
        out.append((rp.rel_name, rp.rel_alias))
    for c in rp.children:
        out.extend(_legacy_warnings(c))
    return out
