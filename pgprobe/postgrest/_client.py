"""A supabase-py ``postgrest`` query builder as the PostgREST request it would send.

``supabase.table("tickets").select("id,title").eq("status", "open")`` (or a
``SyncPostgrestClient``/``AsyncPostgrestClient`` builder) holds its method, path, query
parameters, headers and JSON body; this reads them without sending anything, so the request
can go to :func:`pgprobe.postgrest.explain` / ``request`` or :func:`compare_with_endpoint`.

>>> from postgrest import SyncPostgrestClient                             # doctest: +SKIP
>>> b = SyncPostgrestClient("http://x/rest/v1").from_("tickets").select("id").eq("id", 1)  # doctest: +SKIP
>>> from_query_builder(b)                                                # doctest: +SKIP
('GET', '/tickets?select=id&id=eq.1', {}, None)
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from pgprobe._errors import InputError

__all__ = ["from_query_builder", "is_query_builder"]

# headers the client library adds for itself, not part of the PostgREST request's meaning
_CLIENT_HEADERS = {"x-client-info", "accept-encoding", "connection", "user-agent", "host",
                   "content-length"}
_SECRET_HEADERS = {"apikey", "authorization"}
# PostgREST's query-string syntax characters stay readable; everything else is escaped
_SAFE = ",.:()!*-_~'\"@$><"


def is_query_builder(obj: Any) -> bool:
    """Does ``obj`` look like a supabase-py / postgrest-py request builder?"""
    req = getattr(obj, "request", None)
    return req is not None and hasattr(req, "http_method") and hasattr(req, "params") \
        and hasattr(req, "path")


def _relative_path(full: str, base: str) -> str:
    if base and full.startswith(base.rstrip("/")):
        rel = full[len(base.rstrip("/")):]
    else:
        rel = urlsplit(full).path
    return "/" + rel.lstrip("/")


def from_query_builder(builder: Any, *, keep_auth: bool = False
                       ) -> tuple[str, str, dict[str, str], Any]:
    """``(method, path, headers, body)`` of a supabase-py ``postgrest`` query builder.

    ``path`` is relative to the API root (``/tickets?select=id``, ``/rpc/f``); ``headers`` keep
    what changes PostgREST's answer (``Prefer``, ``Accept``, ``Accept-Profile`` /
    ``Content-Profile`` for a non-public schema, ``Range``...) and drop the client's own;
    ``apikey``/``Authorization`` only with ``keep_auth=True``. ``body`` is the JSON payload
    (``None`` for GET/HEAD).
    """
    if not is_query_builder(builder):
        raise InputError(f"expected a supabase-py postgrest query builder, got "
                         f"{type(builder).__name__}",
                         hint="pass e.g. supabase.table('tickets').select('id').eq('id', 1)")
    req = builder.request
    method = str(req.http_method).upper()
    session = getattr(req, "session", None)
    base = str(getattr(session, "base_url", "") or "")
    path = _relative_path(str(req.path), base)
    pairs = list(req.params.multi_items()) if hasattr(req.params, "multi_items") \
        else list(dict(req.params).items())
    if pairs:
        path += "?" + "&".join(f"{quote(str(k), safe=_SAFE)}={quote(str(v), safe=_SAFE)}"
                               for k, v in pairs)
    headers: dict[str, str] = {}
    body_less = method in ("GET", "HEAD", "DELETE")
    profile_header = "accept-profile" if method in ("GET", "HEAD") else "content-profile"
    raw_headers = req.headers.multi_items() if hasattr(req.headers, "multi_items") \
        else list(dict(req.headers).items())
    for k, v in raw_headers:
        low = k.lower()
        if low in _CLIENT_HEADERS or (low in _SECRET_HEADERS and not keep_auth):
            continue
        if low in ("accept-profile", "content-profile") and (
                low != profile_header or v == "public"):
            continue
        if (low == "accept" and v in ("*/*", "application/json")) or (
                low == "content-type" and (body_less or v == "application/json")):
            continue
        name = "apikey" if low == "apikey" else "-".join(p.capitalize() for p in k.split("-"))
        headers[name] = f"{headers[name]},{v}" if name in headers and low == "prefer" else v
    body = None if body_less else getattr(req, "json", None)
    return method, path, headers, body
