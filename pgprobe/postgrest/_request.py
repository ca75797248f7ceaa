"""The HTTP side of a request: path and resource, profiles, ranges, Prefer, Accept.

Mirrors ``PostgREST.ApiRequest`` (with ``Preferences``, ``MediaType`` and ``RangeQuery``):
everything decided from the request alone, before the schema cache is consulted, with the
same error codes (PGRST100/101/103/106/107/114/117/125).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from ._config import Config
from ._errors import PostgrestError
from ._parser import parse_query
from ._plan import ALL_RANGE, LIMIT_ZERO
from ._schema import SchemaCache
from ._types import QueryParams


@dataclass
class Prefs:
    resolution: str | None = None
    representation: str | None = None
    count: str | None = None
    tx: str | None = None
    missing: str | None = None
    handling: str | None = None
    timezone: str | None = None
    max_affected: int | None = None
    invalid: list[str] = field(default_factory=list)


_PREF_GROUPS = {
    "resolution": ("resolution=merge-duplicates", "resolution=ignore-duplicates"),
    "representation": ("return=representation", "return=minimal", "return=headers-only"),
    "count": ("count=exact", "count=planned", "count=estimated"),
    "tx": ("tx=commit", "tx=rollback"),
    "missing": ("missing=default", "missing=null"),
    "handling": ("handling=strict", "handling=lenient"),
}


def parse_prefs(value: str | None, allow_tx: bool) -> Prefs:
    prefs = [p.strip() for p in (value or "").split(",")] if value else []
    out = Prefs()
    accepted = {v for vs in _PREF_GROUPS.values() for v in vs}
    for name, vals in _PREF_GROUPS.items():
        if name == "tx" and not allow_tx:
            continue
        hit = next((p for p in prefs if p in vals), None)
        if hit is not None:
            setattr(out, name, hit.split("=", 1)[1])
    out.timezone = next((p[9:] for p in prefs if p.startswith("timezone=")), None)
    ma = next((p[13:] for p in prefs if p.startswith("max-affected=")), None)
    if ma is not None and re.fullmatch(r"-?\d+", ma.strip()):
        out.max_affected = int(ma)
    out.invalid = [p for p in prefs if p not in accepted and not p.startswith("timezone=")
                   and not p.startswith("max-affected=")]
    return out


def preference_applied(p: Prefs, kind: str) -> str | None:
    vals = []
    if p.resolution and kind == "create":
        vals.append(f"resolution={p.resolution}")
    if p.missing and kind in ("create", "update"):
        vals.append(f"missing={p.missing}")
    if p.representation and kind in ("create", "update", "delete", "upsert"):
        rep = {"representation": "return=representation", "minimal": "return=minimal",
               "headers-only": "return=headers-only"}[p.representation]
        vals.append(rep)
    if p.count:
        vals.append(f"count={p.count}")
    if p.tx:
        vals.append(f"tx={p.tx}")
    if p.handling:
        vals.append(f"handling={p.handling}")
    if p.timezone:
        vals.append(f"timezone={p.timezone}")
    if p.handling == "strict" and p.max_affected is not None and kind in ("update", "delete",
                                                                          "rpc"):
        vals.append(f"max-affected={p.max_affected}")
    return ", ".join(vals) if vals else None


def parse_accept(value: str | None) -> list[str]:
    if not value:
        return ["*/*"]
    items = []
    for i, raw in enumerate(value.split(",")):
        parts = [x.strip() for x in raw.split(";")]
        q = 1.0
        keep = []
        for x in parts[1:]:
            if x.lower().startswith("q="):
                try:
                    q = float(x[2:])
                except ValueError:
                    q = 0.0
            elif x:
                keep.append(x)
        mt = ";".join([parts[0]] + keep)
        if not parts[0]:
            continue
        stars = parts[0].count("*")
        items.append((-q, stars, -len(keep), i, mt))
    items.sort()
    return [x[-1] for x in items]


def decode_media(mt: str) -> tuple[str, dict[str, str]]:
    """(kind, params): kinds json, geojson, csv, plain, xml, openapi, urlencoded, octet, any,
    object, array, plan, other."""
    main, _, rest = mt.partition(";")
    params = {}
    for x in rest.split(";"):
        k, eq, v = x.partition("=")
        if eq:
            params[k.strip().lower()] = v.strip().strip('"')
    t = main.strip().lower()
    kinds = {"application/json": "json", "application/geo+json": "geojson", "text/csv": "csv",
             "text/plain": "plain", "text/xml": "xml", "application/openapi+json": "openapi",
             "application/x-www-form-urlencoded": "urlencoded",
             "application/octet-stream": "octet", "*/*": "any",
             "application/vnd.pgrst.object+json": "object",
             "application/vnd.pgrst.object": "object",
             "application/vnd.pgrst.array+json": "array", "application/vnd.pgrst.array": "array",
             "application/vnd.pgrst.plan": "plan", "application/vnd.pgrst.plan+text": "plan",
             "application/vnd.pgrst.plan+json": "plan"}
    return kinds.get(t, "other"), params


def negotiate(accepts: list[str], sc: SchemaCache | None = None, ident: Any = None,
              default_select: bool = False, plan_enabled: bool = False
              ) -> tuple[Any, bool, str]:
    """(handler, strip nulls, content type) for the first acceptable media type."""
    from ._schema import media_key

    handlers = sc.media_handlers if sc is not None else {}
    for mt in accepts:
        kind, params = decode_media(mt)
        strip = params.get("nulls") == "stripped"
        if kind == "object":
            ct = "application/vnd.pgrst.object+json" + (";nulls=stripped" if strip else "")
            return "single", strip, ct + "; charset=utf-8"
        if kind == "array" and strip:
            return "json", True, "application/vnd.pgrst.array+json;nulls=stripped; charset=utf-8"
        if kind == "plan":
            continue
        key = "json" if kind == "array" else media_key(mt)
        hit = None
        if default_select and ident is not None:
            hit = handlers.get((ident, "any")) or handlers.get((ident, key))
        hit = hit or handlers.get(("any", key))
        if hit is None:
            continue
        h, fn, target, resolved = hit
        ct = resolved
        rkey = media_key(resolved)
        if not rkey.startswith("other:") and rkey != "octet":
            ct += "; charset=utf-8"
        if h == "custom":
            return ("custom", fn, target), False, ct
        return h, False, ct
    raise PostgrestError("PGRST107", "None of these media types are available: " +
                         ", ".join(_to_mime(m) for m in accepts), status=406)


def _to_mime(mt: str) -> str:
    kind, params = decode_media(mt)
    strip = params.get("nulls") == "stripped"
    fixed = {"json": "application/json", "geojson": "application/geo+json", "csv": "text/csv",
             "plain": "text/plain", "xml": "text/xml", "openapi": "application/openapi+json",
             "urlencoded": "application/x-www-form-urlencoded",
             "octet": "application/octet-stream", "any": "*/*"}
    if kind in fixed:
        return fixed[kind]
    if kind == "object":
        return "application/vnd.pgrst.object+json" + (";nulls=stripped" if strip else "")
    if kind == "array":
        return ("application/vnd.pgrst.array+json;nulls=stripped" if strip
                else "application/json")
    return mt


def _range_header(value: str | None) -> tuple[int, int | None]:
    if value is None:
        return ALL_RANGE
    m = re.fullmatch(r"([0-9]+)-([0-9]*)", value)
    if not m:
        return ALL_RANGE
    lo = int(m.group(1))
    hi = int(m.group(2)) if m.group(2) else None
    return (lo, hi)


def _is_empty(r: tuple[int, int | None]) -> bool:
    return r[1] is not None and r[1] < r[0]


def _intersect(a: tuple[int, int | None], b: tuple[int, int | None]) -> tuple[int, int | None]:
    if _is_empty(a) or _is_empty(b):
        return (1, 0)
    hi = a[1] if b[1] is None else b[1] if a[1] is None else min(a[1], b[1])
    return (max(a[0], b[0]), hi)


@dataclass
class ApiRequest:
    method: str
    path: str
    query: str
    resource: tuple[str, str]  # ("relation"|"rpc"|"schema", name)
    schema: str
    negotiated_by_profile: bool
    qp: QueryParams
    top_range: tuple[int, int | None]
    ranges: dict[str, tuple[int, int | None]]
    prefs: Prefs
    headers: dict[str, str]
    accepts: list[str]
    body: Any


def _hdr(headers: dict[str, str], name: str) -> str | None:
    for k, v in headers.items():
        if k.lower() == name.lower():
            return v
    return None


def api_request(cfg: Config, method: str, path: str, headers: dict[str, str],
                body: Any) -> ApiRequest:
    raw_path, _, query = path.partition("?")
    segs = [unquote(s) for s in raw_path.split("/") if s]
    root_spec = str(cfg.keys.get("db-root-spec") or "")
    if not segs and root_spec and method in ("GET", "HEAD"):
        # db-root-spec: the root endpoint answers with that function's result, like /rpc/<fn>
        resource = ("rpc", root_spec.rsplit(".", 1)[-1].strip('"'))
    elif not segs:
        resource = ("schema", "")
    elif len(segs) == 1:
        resource = ("relation", segs[0])
    elif len(segs) == 2 and segs[0] == "rpc":
        resource = ("rpc", segs[1])
    else:
        raise PostgrestError("PGRST125", "Invalid path specified in request URL", status=404)
    # schema (profile negotiation)
    if method in ("DELETE", "PATCH", "POST", "PUT"):
        profile = _hdr(headers, "Content-Profile")
    else:
        profile = _hdr(headers, "Accept-Profile")
    if profile is not None:
        if profile not in cfg.schemas:
            raise PostgrestError("PGRST106", f"Invalid schema: {profile}", None,
                                 "Only the following schemas are exposed: " +
                                 ", ".join(cfg.schemas), status=406)
        schema, by_profile = profile, True
    else:
        schema, by_profile = cfg.schemas[0], len(cfg.schemas) != 1
    kind = resource[0]
    if kind == "rpc":
        if method not in ("GET", "HEAD", "POST", "OPTIONS"):
            raise PostgrestError("PGRST101", f"Cannot use the {method} method on RPC",
                                 status=405)
    elif kind == "relation":
        if method not in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
            raise PostgrestError("PGRST117", f"Unsupported HTTP method: {method}", status=405)
    elif method not in ("GET", "HEAD", "OPTIONS"):
        raise PostgrestError("PGRST117", f"Unsupported HTTP method: {method}", status=405)
    qp = parse_query(query, rpc_read=(kind == "rpc" and method in ("GET", "HEAD")))
    # ranges
    header_range = _range_header(_hdr(headers, "Range")) if method == "GET" else ALL_RANGE
    limit_range = qp.ranges.get("limit", ALL_RANGE)
    both = _intersect(header_range, limit_range)
    has_limit_zero = limit_range[1] == -1
    ranges = dict(qp.ranges)
    ranges["limit"] = LIMIT_ZERO if has_limit_zero else both
    top = ranges["limit"]
    if _is_empty(top) and not has_limit_zero:
        if _is_empty(header_range):
            det = ("The lower boundary must be lower than or equal to the upper boundary in the "
                   "Range header.")
        else:
            det = "Limit should be greater than or equal to zero."
        raise PostgrestError("PGRST103", "Requested range not satisfiable", det, status=416)
    if method == "PUT" and top != ALL_RANGE:
        raise PostgrestError("PGRST114",
                             "limit/offset querystring parameters are not allowed for PUT")
    allow_tx = cfg.tx_end.endswith("allow-override")
    prefs = parse_prefs(_hdr(headers, "Prefer"), allow_tx)
    return ApiRequest(method, raw_path, query, resource, schema, by_profile, qp, top, ranges,
                      prefs, headers, parse_accept(_hdr(headers, "Accept")), body)


