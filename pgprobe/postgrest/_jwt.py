"""PostgREST's JWT check of the ``Authorization: Bearer`` header (HMAC secrets only).

Active only when the configuration has a ``jwt-secret``: the token is split, verified with
HS256/HS384/HS512, its ``exp``/``nbf``/``iat``/``aud`` claims checked (30 s skew), and the
role read from ``jwt-role-claim-key`` (default ``.role``), falling back to the anonymous
role. Failures are PostgREST's PGRST301/302/303 errors (HTTP 401 with a
``WWW-Authenticate`` header).

>>> authenticate({"jwt-secret": "s"}, {}, "anon")
('anon', {})
>>> try:
...     authenticate({"jwt-secret": "s"}, {"Authorization": "Bearer a.b"}, "anon")
... except PostgrestError as e:
...     print(e.status, e.body["message"])
401 Expected 3 parts in JWT; got 2
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import time
from typing import Any

from ._errors import PostgrestError

_HASHES = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}
_SKEW = 30


def _invalid(code: str, message: str, details: Any = None) -> PostgrestError:
    return PostgrestError(code, message, details, status=401, headers={
        "WWW-Authenticate": f'Bearer error="invalid_token", error_description="{message}"'})


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _secret(cfg: dict[str, Any]) -> bytes:
    raw = cfg["jwt-secret"]
    if isinstance(raw, str) and raw.startswith("@"):  # postgrest.conf: the secret's file
        with open(raw[1:], "rb") as f:
            raw = f.read()
    secret = raw.encode() if isinstance(raw, str) else bytes(raw)
    if str(cfg.get("jwt-secret-is-base64", "")).lower() in ("true", "1", "on", "yes"):
        secret = base64.b64decode(secret)
    return secret


def _claim_path(key: str) -> list[str]:
    """``.role`` / ``.a.b`` / ``."x-y".role`` -> the object keys to follow."""
    return [q or p for q, p in re.findall(r'\."([^"]*)"|\.([^."\[]+)', key or ".role")]


def _verify(token: str, secret: bytes) -> dict[str, Any]:
    if token == "":
        raise _invalid("PGRST301", "Empty JWT is sent in Authorization header")
    parts = token.split(".")
    if len(parts) != 3:
        raise _invalid("PGRST301", f"Expected 3 parts in JWT; got {len(parts)}")
    try:
        header = json.loads(_b64(parts[0]))
        signature = _b64(parts[2])
    except (ValueError, binascii.Error):
        raise _invalid("PGRST301", "JWT cryptographic operation failed") from None
    alg = header.get("alg") if isinstance(header, dict) else None
    if alg == "none":
        raise _invalid("PGRST301", "Wrong or unsupported encoding algorithm",
                       "JWT is unsecured but expected 'alg' was not 'none'")
    if alg not in _HASHES:
        raise _invalid("PGRST301", "No suitable key or wrong key type",
                       "None of the keys was able to decode the JWT")
    mac = hmac.new(secret, f"{parts[0]}.{parts[1]}".encode(), _HASHES[alg]).digest()
    if not hmac.compare_digest(mac, signature):
        raise _invalid("PGRST301", "No suitable key or wrong key type",
                       "None of the keys was able to decode the JWT")
    try:
        claims = json.loads(_b64(parts[1]))
    except (ValueError, binascii.Error):
        claims = None
    if not isinstance(claims, dict):
        raise _invalid("PGRST303", "Parsing claims failed")
    return claims


def _check_claims(claims: dict[str, Any], audience: str | None, now: float) -> None:
    def number(key: str) -> float | None:
        v = claims.get(key)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise _invalid("PGRST303", f"The JWT '{key}' claim must be a number")
        # a fractional number counts as 0, as PostgREST's toBoundedInteger does
        return float(v) if float(v).is_integer() else 0.0

    exp, nbf, iat = number("exp"), number("nbf"), number("iat")
    if exp is not None and now - _SKEW > int(exp):
        raise _invalid("PGRST303", "JWT expired")
    if nbf is not None and now + _SKEW < int(nbf):
        raise _invalid("PGRST303", "JWT not yet valid")
    if iat is not None and now + _SKEW < int(iat):
        raise _invalid("PGRST303", "JWT issued at future")
    aud = claims.get("aud")
    if aud is None:
        return
    if isinstance(aud, str):
        auds = [aud]
    elif isinstance(aud, list) and all(isinstance(a, str) for a in aud):
        auds = aud
        if not auds:
            return
    else:
        raise _invalid("PGRST303",
                       "The JWT 'aud' claim must be a string or an array of strings")
    if audience is not None and audience not in auds:
        raise _invalid("PGRST303", "JWT not in audience")


def authenticate(cfg: dict[str, Any], headers: dict[str, str], anon_role: str | None,
                 now: float | None = None) -> tuple[str | None, dict[str, Any]]:
    """The (role, claims) PostgREST derives from the request's ``Authorization`` header.

    Without a bearer token: the anonymous role and no claims (PGRST302 when anonymous
    access is disabled). Raises :class:`PostgrestError` for a token PostgREST rejects.
    """
    auth = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
    m = re.match(r"\s*bearer(?:\s+(.*)|\s*)$", auth or "", re.IGNORECASE | re.DOTALL)
    if m is None:
        if anon_role is None:
            raise PostgrestError("PGRST302", "Anonymous access is disabled", status=401,
                                 headers={"WWW-Authenticate": "Bearer"})
        return anon_role, {}
    if not cfg.get("jwt-secret"):
        raise PostgrestError("PGRST300", "Server lacks JWT secret", status=500)
    claims = _verify((m.group(1) or "").strip(), _secret(cfg))
    _check_claims(claims, cfg.get("jwt-aud"), time.time() if now is None else now)
    value: Any = claims
    for key in _claim_path(str(cfg.get("jwt-role-claim-key") or ".role")):
        value = value.get(key) if isinstance(value, dict) else None
    if value is None:
        if anon_role is None:
            raise PostgrestError("PGRST302", "Anonymous access is disabled", status=401,
                                 headers={"WWW-Authenticate": "Bearer"})
        return anon_role, claims
    role = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return role, claims
