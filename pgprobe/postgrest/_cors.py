"""PostgREST's CORS answers (its wai-cors policy), for requests that carry an ``Origin``.

``server-cors-allowed-origins`` empty: any origin gets ``*``; otherwise only the listed
origins get themselves back (with ``Access-Control-Allow-Credentials: true``) and others get
no CORS headers at all.

>>> preflight({}, "OPTIONS", {"Origin": "http://a", "Access-Control-Request-Method": "POST",
...                           "Access-Control-Request-Headers": "X-A"})["Access-Control-Allow-Headers"]
'Authorization, X-A, Accept, Accept-Language, Content-Language'
>>> cors_headers({"server-cors-allowed-origins": "http://b"}, {"Origin": "http://a"})
{}
"""

from __future__ import annotations

from typing import Any

_METHODS = "GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD"
_SIMPLE_HEADERS = ("Accept", "Accept-Language", "Content-Language")
_EXPOSED = ("Content-Encoding, Content-Location, Content-Range, Content-Type, Date, Location, "
            "Server, Transfer-Encoding, Range-Unit")


def _hdr(headers: dict[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name.lower()), None)


def _origins(cfg: dict[str, Any]) -> list[str]:
    v = cfg.get("server-cors-allowed-origins") or []
    if isinstance(v, str):
        v = v.split(",")
    return [o.strip() for o in v if o.strip()]


def _allow_origin(cfg: dict[str, Any], origin: str) -> dict[str, str]:
    allowed = _origins(cfg)
    if not allowed:
        return {"Access-Control-Allow-Origin": "*"}
    if origin in allowed:
        return {"Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Credentials": "true"}
    return {}


def preflight(cfg: dict[str, Any], method: str, headers: dict[str, str]) -> dict[str, str] | None:
    """The headers of PostgREST's answer to a CORS preflight, or None (not one / refused)."""
    origin = _hdr(headers, "Origin")
    if method.upper() != "OPTIONS" or origin is None or \
            _hdr(headers, "Access-Control-Request-Method") is None:
        return None
    out = _allow_origin(cfg, origin)
    if not out:
        return None
    names = ["Authorization"] + [h.strip() for h in
                                 (_hdr(headers, "Access-Control-Request-Headers") or "").split(",")
                                 if h.strip()]
    for simple in _SIMPLE_HEADERS:
        if simple.lower() not in {n.lower() for n in names}:
            names.append(simple)
    out.update({"Access-Control-Allow-Methods": _METHODS,
                "Access-Control-Allow-Headers": ", ".join(names),
                "Access-Control-Max-Age": "86400"})
    return out


def cors_headers(cfg: dict[str, Any], headers: dict[str, str]) -> dict[str, str]:
    """CORS headers PostgREST adds to an ordinary answer (empty without ``Origin``)."""
    origin = _hdr(headers, "Origin")
    if origin is None:
        return {}
    out = _allow_origin(cfg, origin)
    if out:
        out["Access-Control-Expose-Headers"] = _EXPOSED
    return out
