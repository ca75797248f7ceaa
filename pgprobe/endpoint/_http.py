"""Talking to a PostgREST/Supabase endpoint with the standard library only.

Every failure is one line (:class:`~pgprobe._errors.ConnectError` when the endpoint cannot be
reached or answers with an error, :class:`~pgprobe._errors.InputError` for a bad URL or a body
that is not JSON). Header values (apikey, JWT) never appear in messages or reprs.

>>> join_url("https://x.supabase.co/rest/v1", "/tickets?select=id")
'https://x.supabase.co/rest/v1/tickets?select=id'
>>> parse_header("apikey: abc")
('apikey', 'abc')
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from pgprobe._errors import ConnectError, InputError

__all__ = ["HttpAnswer", "fetch", "join_url", "parse_header", "redact_headers"]

DEFAULT_TIMEOUT = 10.0
_SECRET_HEADERS = {"apikey", "authorization", "cookie", "x-api-key"}


def parse_header(text: str) -> tuple[str, str]:
    """``"Name: value"`` -> ``("Name", "value")`` (a CLI ``--header``)."""
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise InputError(f"bad header {name.strip()[:40]!r}: expected 'Name: value'",
                         hint="e.g. --header 'apikey: <key>'")
    return name.strip(), value.strip()


def redact_headers(headers: dict[str, str] | None) -> dict[str, str]:
    """Headers safe to show: secrets replaced by ``***``."""
    return {k: ("***" if k.lower() in _SECRET_HEADERS else v)
            for k, v in (headers or {}).items()}


def join_url(base: str, path: str) -> str:
    """``base`` (the API root, e.g. ``<project>/rest/v1``) joined with a request path."""
    return base.rstrip("/") + "/" + path.lstrip("/")


def _check_url(url: str) -> str:
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError as e:
        raise InputError(f"bad endpoint URL: {e}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        shown = urllib.parse.urlunsplit(parts._replace(netloc=parts.hostname or "",
                                                       query=""))
        raise InputError(f"bad endpoint URL {shown!r}: expected http(s)://host[:port]/...",
                         hint="for Supabase use https://<project>.supabase.co/rest/v1/")
    if parts.username is not None or parts.password is not None:
        raise InputError(f"bad endpoint URL {_shown(url)!r}: it carries user:password@",
                         hint="pass credentials as headers (apikey, Authorization)")
    return url


def _shown(url: str) -> str:
    """The URL without userinfo or query string (they may carry keys)."""
    p = urllib.parse.urlsplit(url)
    host = p.hostname or ""
    if p.port:
        host = f"{host}:{p.port}"
    return urllib.parse.urlunsplit((p.scheme, host, p.path, "", ""))


@dataclass
class HttpAnswer:
    """One HTTP response: status, headers (lower-case names), raw body and its JSON."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    text: str = ""
    url: str = ""

    def json(self) -> Any:
        if not self.text.strip():
            return None
        try:
            return json.loads(self.text)
        except ValueError:
            ctype = self.headers.get("content-type", "?")
            start = " ".join(self.text[:60].split())
            raise InputError(f"{_shown(self.url)} did not answer JSON "
                             f"(HTTP {self.status}, {ctype}): {start!r}",
                             hint="is this the PostgREST root? Supabase: <project>/rest/v1/"
                             ) from None

    def __repr__(self) -> str:
        return f"<HttpAnswer {self.status} {len(self.text)} chars from {_shown(self.url)}>"


def fetch(url: str, method: str = "GET", *, headers: dict[str, str] | None = None,
          body: Any = None, timeout: float = DEFAULT_TIMEOUT,
          raise_for_status: bool = False) -> HttpAnswer:
    """Send one request; HTTP error statuses come back as answers unless
    ``raise_for_status``; network failures and timeouts raise ``ConnectError``."""
    _check_url(url)
    data: bytes | None = None
    hdrs = dict(headers or {})
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        if not any(k.lower() == "content-type" for k in hdrs):
            hdrs["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, method=method.upper(), headers=hdrs)
    where = _shown(url)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - http(s) only
            status, raw, rh = resp.status, resp.read(), resp.headers
    except urllib.error.HTTPError as e:
        try:
            raw = e.read()
        except OSError:
            raw = b""
        status, rh = e.code, e.headers
    except TimeoutError:
        raise ConnectError(f"{method.upper()} {where}: no answer within {timeout:g}s",
                           hint="is the endpoint up? raise the timeout") from None
    except urllib.error.URLError as e:
        reason = e.reason
        if isinstance(reason, TimeoutError):
            raise ConnectError(f"{method.upper()} {where}: no answer within {timeout:g}s",
                               hint="is the endpoint up? raise the timeout") from None
        raise ConnectError(f"{method.upper()} {where}: cannot connect ({reason})") from None
    except (OSError, ValueError) as e:
        text = " ".join(str(e).split()) or type(e).__name__
        raise ConnectError(f"{method.upper()} {where}: {text}") from None
    answer = HttpAnswer(status, {k.lower(): v for k, v in (rh or {}).items()},
                        raw.decode("utf-8", "replace"), url)
    if raise_for_status and status >= 400:
        detail = ""
        try:
            j = json.loads(answer.text)
            if isinstance(j, dict):
                detail = " ".join(str(j.get(k, "")) for k in ("code", "message") if j.get(k))
        except ValueError:
            detail = " ".join(answer.text[:80].split())
        hint = None
        if status in (401, 403):
            hint = ("pass the project's apikey (and Authorization: Bearer <key>); Supabase may "
                    "only serve the OpenAPI description to the service_role/secret key")
        raise ConnectError(f"{method.upper()} {where}: HTTP {status}"
                           + (f": {detail}" if detail else ""), hint=hint)
    return answer
