"""The same request sent to a live endpoint and to pgprobe's local PostgREST engine, diffed.

Relaxed comparison: row order is ignored unless the request orders (``order=``), object key
order never matters, and an error answer is compared by status and ``code``.

>>> diff_bodies([{"id": 2}, {"id": 1}], [{"id": 1}, {"id": 2}], ordered=False)
[]
>>> diff_bodies([{"id": 1, "title": "a"}], [{"id": 1, "title": "b"}], ordered=True)
["$[0].title: endpoint 'a', local 'b'"]
"""

from __future__ import annotations

import html
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from pgprobe._errors import InputError

from ._http import DEFAULT_TIMEOUT, _shown, fetch, join_url

__all__ = ["Comparison", "compare_with_endpoint", "diff_bodies"]

_SECRET = {"apikey", "authorization"}
_MAX_SHOWN = 20
# headers whose difference matters to a client (counts, pagination); others vary by server
_COMPARED_HEADERS = ("content-range",)


def _canon(v: Any) -> str:
    return json.dumps(v, sort_keys=True, separators=(",", ":"), default=str)


def _short(v: Any) -> str:
    text = repr(v) if not isinstance(v, (dict, list)) else _canon(v)
    return text if len(text) <= 80 else text[:77] + "..."


def diff_bodies(endpoint: Any, local: Any, *, ordered: bool, at: str = "$") -> list[str]:
    """Differences between two JSON values, one line each (empty when they agree)."""
    out: list[str] = []
    if isinstance(endpoint, dict) and isinstance(local, dict):
        for k in endpoint.keys() | local.keys():
            if k not in local:
                out.append(f"{at}.{k}: only at the endpoint ({_short(endpoint[k])})")
            elif k not in endpoint:
                out.append(f"{at}.{k}: only local ({_short(local[k])})")
            else:
                out += diff_bodies(endpoint[k], local[k], ordered=False, at=f"{at}.{k}")
        return sorted(out)
    if isinstance(endpoint, list) and isinstance(local, list):
        if ordered:
            for i, (a, b) in enumerate(zip(endpoint, local, strict=False)):
                out += diff_bodies(a, b, ordered=False, at=f"{at}[{i}]")
            if len(endpoint) != len(local):
                out.append(f"{at}: {len(endpoint)} rows at the endpoint, {len(local)} local")
            return out
        ca, cb = Counter(map(_canon, endpoint)), Counter(map(_canon, local))
        only_e, only_l = ca - cb, cb - ca
        if len(endpoint) != len(local):
            out.append(f"{at}: {len(endpoint)} rows at the endpoint, {len(local)} local")
        for text in list(only_e.elements())[:_MAX_SHOWN]:
            out.append(f"{at}: row only at the endpoint: {_short(json.loads(text))}")
        for text in list(only_l.elements())[:_MAX_SHOWN]:
            out.append(f"{at}: row only local: {_short(json.loads(text))}")
        return out
    if _canon(endpoint) != _canon(local):
        out.append(f"{at}: endpoint {_short(endpoint)}, local {_short(local)}")
    return out


@dataclass
class Comparison:
    """One request, answered by the endpoint and by the local engine."""

    method: str
    path: str
    endpoint: str
    endpoint_status: int
    local_status: int
    endpoint_body: Any = None
    local_body: Any = None
    differences: list[str] = field(default_factory=list)
    local_sql: str | None = None

    @property
    def same(self) -> bool:
        return not self.differences

    def __bool__(self) -> bool:
        """True when the two answers differ (like a non-empty report)."""
        return bool(self.differences)

    def summary(self) -> str:
        head = f"{self.method} {self.path}: endpoint {self.endpoint_status}, " \
               f"local {self.local_status}"
        if self.same:
            return head + ": same answer"
        n = len(self.differences)
        return head + f": {n} difference{'s' if n != 1 else ''}"

    def to_records(self) -> list[dict[str, Any]]:
        return [{"method": self.method, "path": self.path, "difference": d}
                for d in self.differences]

    def to_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame(self.to_records(), columns=["method", "path", "difference"])

    frame = to_frame

    def to_text(self) -> str:
        return "\n".join([self.summary()] + [f"  {d}" for d in self.differences])

    def to_markdown(self) -> str:
        out = [f"**{self.summary()}**"]
        if self.differences:
            out += [""] + [f"- `{d}`" for d in self.differences]
        return "\n".join(out)

    def _repr_html_(self) -> str:
        from .._html import box, note

        items = "".join(f"<li><code>{html.escape(d)}</code></li>" for d in self.differences)
        return box(note(self.summary(), "ok" if self.same else "error")
                   + (f"<ul>{items}</ul>" if items else ""), "pgprobe-endpoint")

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"<Comparison {self.summary()}>"


def _ordered(path: str) -> bool:
    query = path.partition("?")[2]
    return any(k == "order" for k, _ in parse_qsl(query, keep_blank_values=True))


def _json_or_text(text: str) -> Any:
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _compare(method: str, path: str, where: str, e_status: int, e_body: Any,
             l_status: int, l_body: Any) -> list[str]:
    out: list[str] = []
    if e_status != l_status:
        out.append(f"status: endpoint {e_status}, local {l_status}")
    e_err = e_status >= 400 and isinstance(e_body, dict)
    l_err = l_status >= 400 and isinstance(l_body, dict)
    if e_err or l_err:
        ecode = e_body.get("code") if e_err else None
        lcode = l_body.get("code") if l_err else None
        if ecode != lcode:
            emsg = f"{ecode} {e_body.get('message', '')}".strip() if e_err else "no error"
            lmsg = f"{lcode} {l_body.get('message', '')}".strip() if l_err else "no error"
            out.append(f"error: endpoint {emsg!r}, local {lmsg!r}")
        return out
    return out + diff_bodies(e_body, l_body, ordered=_ordered(path))


def _claims_from(headers: dict[str, str]) -> dict[str, Any] | None:
    """The payload of ``Authorization: Bearer <jwt>``, *not verified*: only to run the local
    side of a comparison as the same user the endpoint (which verifies it) answers as."""
    import jwt

    auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    if not auth.lower().startswith("bearer "):
        return None
    try:
        claims = jwt.decode(auth[7:].strip(), options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    return claims if isinstance(claims, dict) else None


def compare_with_endpoint(endpoint_url: str, conn_or_dsn: Any, method: Any,
                          path: str | None = None, *,
                          headers: dict[str, str] | None = None, body: Any = None,
                          role: str | None = None, claims: dict[str, Any] | None = None,
                          config: Any = None, snapshot: Any = None,
                          timeout: float = DEFAULT_TIMEOUT) -> Comparison:
    """Send ``method path`` to the endpoint and run it locally; diff status and JSON.

    ``method`` may be a supabase-py query builder in place of method and path (its apikey and
    Authorization headers go to the endpoint too). ``headers`` go to the endpoint as given (apikey, Authorization); the local run gets the
    same headers without those, as ``role``/``claims`` (by default the unverified payload of
    the Bearer token, so both sides act as the same user). The local run is always rolled
    back, and planned on a fresh snapshot (the catalog as it is now) unless ``snapshot`` is
    given.

    >>> c = compare_with_endpoint(url, dsn, "GET", "/tickets?select=id")  # doctest: +SKIP
    >>> c.same                                                           # doctest: +SKIP
    True
    """
    import pgprobe.postgrest as pgrst

    if not isinstance(method, str):
        from pgprobe.postgrest import from_query_builder

        method, path, built, built_body = from_query_builder(method, keep_auth=True)
        headers = {**built, **(headers or {})}
        body = built_body if body is None else body
    if path is None:
        raise InputError("a path is needed with a method", hint="e.g. '/tickets?select=*'")
    method = method.upper()
    if not path.startswith("/"):
        path = "/" + path
    sent = dict(headers or {})
    payload = body if body is None or isinstance(body, (str, bytes)) else json.dumps(body)
    answer = fetch(join_url(endpoint_url, path), method, headers=sent,
                   body=payload.encode() if isinstance(payload, str) else payload,
                   timeout=timeout)
    if claims is None:
        claims = _claims_from(sent)
    if role is None and claims and isinstance(claims.get("role"), str):
        role = claims["role"]
    local_headers = {k: v for k, v in sent.items() if k.lower() not in _SECRET}
    res = pgrst.request(conn_or_dsn, method, path, headers=local_headers, body=payload,
                        role=role, claims=claims, config=config, snapshot=snapshot)
    e_body = _json_or_text(answer.text)
    l_body = _json_or_text(res.body_text or "")
    diffs = _compare(method, path, _shown(endpoint_url), answer.status, e_body, res.status,
                     l_body)
    local_h = {k.lower(): v for k, v in res.headers.items()}
    for name in _COMPARED_HEADERS:
        ev, lv = answer.headers.get(name), local_h.get(name)
        if ev != lv and (ev is not None or lv is not None):
            diffs.append(f"header {name}: endpoint {ev!r}, local {lv!r}")
    sql = res.plain_sql or (res.sql.text if res.sql is not None else None)
    return Comparison(method, path, _shown(endpoint_url), answer.status, res.status, e_body,
                      l_body, diffs, sql)
