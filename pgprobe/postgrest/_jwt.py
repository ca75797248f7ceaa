"""PostgREST's JWT check of the ``Authorization: Bearer`` header, on PyJWT.

Active only when the configuration has a ``jwt-secret``. The secret is, as in PostgREST, a
plain HMAC secret (``jwt-secret-is-base64`` to decode it, ``@file`` to read it), a JSON Web
Key, or a JWK set (``{"keys": [...]}``): HS256/384/512, RS256/384/512, PS256/384/512,
ES256/384/512 and EdDSA tokens are verified by PyJWT against every key that fits (a ``kid``
in the token picks the key). Then PostgREST's claim rules: ``exp``/``nbf``/``iat`` must be
numbers and are checked with a 30 s skew, ``aud`` (a string or an array of strings) must
contain ``jwt-aud`` when that is set. The role comes from ``jwt-role-claim-key`` (default
``.role``), else the anonymous role. Failures are PostgREST's PGRST300/301/302/303 errors
(HTTP 500/401, ``WWW-Authenticate``), with PostgREST's messages.

What is hand-written here is only PostgREST's own logic (which error for which failure, the
claim-type rules, the role claim path); parsing keys, algorithms and signatures is PyJWT's.

>>> authenticate({"jwt-secret": "s"}, {}, "anon")
('anon', {})
>>> try:
...     authenticate({"jwt-secret": "s"}, {"Authorization": "Bearer a.b"}, "anon")
... except PostgrestError as e:
...     print(e.status, e.body["message"])
401 Expected 3 parts in JWT; got 2
>>> import jwt
>>> secret = "reallyreallyreallyreallyverysafe"
>>> tok = jwt.encode({"role": "author"}, secret, algorithm="HS256")
>>> authenticate({"jwt-secret": secret}, {"Authorization": f"Bearer {tok}"}, "anon")
('author', {'role': 'author'})
"""

from __future__ import annotations

import base64
import json
import re
import time
import warnings
from typing import Any

import jwt
from jwt import PyJWK, PyJWKSet

from ._errors import PostgrestError

_SKEW = 30
ALGORITHMS = ("HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
              "ES256", "ES384", "ES512", "EdDSA")


def _invalid(code: str, message: str, details: Any = None) -> PostgrestError:
    return PostgrestError(code, message, details, status=401, headers={
        "WWW-Authenticate": f'Bearer error="invalid_token", error_description="{message}"'})


def _no_key() -> PostgrestError:
    return _invalid("PGRST301", "No suitable key or wrong key type",
                    "None of the keys was able to decode the JWT")


def _secret_bytes(cfg: dict[str, Any]) -> bytes:
    raw = cfg["jwt-secret"]
    if isinstance(raw, str) and raw.startswith("@"):  # postgrest.conf: the secret's file
        with open(raw[1:], "rb") as f:
            raw = f.read()
    secret = raw.encode() if isinstance(raw, str) else bytes(raw)
    if str(cfg.get("jwt-secret-is-base64", "")).lower() in ("true", "1", "on", "yes"):
        secret = base64.b64decode(secret)
    return secret


def keys(cfg: dict[str, Any]) -> list[tuple[str | None, Any]]:
    """``(kid, key)`` pairs from ``jwt-secret``: a JWK set, one JWK, or an HMAC secret."""
    secret = _secret_bytes(cfg)
    try:
        doc = json.loads(secret)
    except ValueError:
        doc = None
    if isinstance(doc, dict) and isinstance(doc.get("keys"), list):
        return [(k.key_id, k.key) for k in PyJWKSet.from_dict(doc).keys]
    if isinstance(doc, dict) and "kty" in doc:
        jwk = PyJWK.from_dict(doc)
        return [(jwk.key_id, jwk.key)]
    return [(None, secret)]


def _claim_path(key: str) -> list[str]:
    """``.role`` / ``.a.b`` / ``."x-y".role`` -> the object keys to follow."""
    return [q or p for q, p in re.findall(r'\."([^"]*)"|\.([^."\[]+)', key or ".role")]


def _header(token: str) -> dict[str, Any]:
    if token == "":
        raise _invalid("PGRST301", "Empty JWT is sent in Authorization header")
    parts = token.split(".")
    if len(parts) != 3:
        raise _invalid("PGRST301", f"Expected 3 parts in JWT; got {len(parts)}")
    try:
        return jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise _invalid("PGRST301", "JWT cryptographic operation failed") from None


def _verified_payload(token: str, cfg: dict[str, Any]) -> tuple[bytes, Any]:
    """The signed payload and the key that verified it (PGRST301 when none does)."""
    header = _header(token)
    alg = header.get("alg")
    if alg == "none":
        raise _invalid("PGRST301", "Wrong or unsupported encoding algorithm",
                       "JWT is unsecured but expected 'alg' was not 'none'")
    if alg not in ALGORITHMS:
        raise _no_key()
    kid = header.get("kid")
    for key_id, key in keys(cfg):
        if kid is not None and key_id is not None and key_id != kid:
            continue
        try:
            with warnings.catch_warnings():  # PyJWT warns about short HMAC secrets
                warnings.simplefilter("ignore")
                return jwt.api_jws.decode(token, key, algorithms=[alg]), key
        except jwt.InvalidSignatureError:
            continue
        except jwt.DecodeError:
            raise _invalid("PGRST301", "JWT cryptographic operation failed") from None
        except (jwt.PyJWTError, TypeError, ValueError):  # a key of another type
            continue
    raise _no_key()


def _check_types(claims: dict[str, Any]) -> None:
    for key in ("exp", "nbf", "iat"):
        v = claims.get(key)
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
            raise _invalid("PGRST303", f"The JWT '{key}' claim must be a number")
    aud = claims.get("aud")
    if aud is not None and not isinstance(aud, str) and not (
            isinstance(aud, list) and all(isinstance(a, str) for a in aud)):
        raise _invalid("PGRST303", "The JWT 'aud' claim must be a string or an array of strings")


def _check_claims(token: str, key: Any, claims: dict[str, Any], audience: str | None,
                  now: float | None) -> None:
    """exp/nbf/iat (30 s skew) and aud, validated by PyJWT, answered as PostgREST."""
    _check_types(claims)
    check_aud = audience is not None and claims.get("aud") not in (None, [])
    leeway = _SKEW if now is None else _SKEW + (time.time() - now)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            jwt.decode(token, key, algorithms=[jwt.get_unverified_header(token)["alg"]],
                       audience=audience if check_aud else None, leeway=leeway,
                       options={"verify_aud": check_aud, "require": []})
    except jwt.ExpiredSignatureError:
        raise _invalid("PGRST303", "JWT expired") from None
    except jwt.ImmatureSignatureError as e:
        msg = "JWT issued at future" if "(iat)" in str(e) else "JWT not yet valid"
        raise _invalid("PGRST303", msg) from None
    except jwt.InvalidAudienceError:
        raise _invalid("PGRST303", "JWT not in audience") from None


def authenticate(cfg: dict[str, Any], headers: dict[str, str], anon_role: str | None,
                 now: float | None = None) -> tuple[str | None, dict[str, Any]]:
    """The (role, claims) PostgREST derives from the request's ``Authorization`` header.

    Without a bearer token: the anonymous role and no claims (PGRST302 when anonymous
    access is disabled). Raises :class:`PostgrestError` for a token PostgREST rejects.
    """
    auth = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
    m = re.match(r"\s*bearer(?:\s+(.*)|\s*)$", auth or "", re.IGNORECASE | re.DOTALL)
    if m is None:
        return _anonymous(anon_role, {})
    if not cfg.get("jwt-secret"):
        raise PostgrestError("PGRST300", "Server lacks JWT secret", status=500)
    token = (m.group(1) or "").strip()
    payload, key = _verified_payload(token, cfg)
    try:
        claims = json.loads(payload)
    except ValueError:
        claims = None
    if not isinstance(claims, dict):
        raise _invalid("PGRST303", "Parsing claims failed")
    _check_claims(token, key, claims, cfg.get("jwt-aud"), now)
    role = claimed_role(cfg, claims)
    if role is None:
        return _anonymous(anon_role, claims)
    return role, claims


def claimed_role(cfg: dict[str, Any], claims: dict[str, Any]) -> str | None:
    """The role the claims name at ``jwt-role-claim-key`` (default ``.role``), if any.

    >>> claimed_role({}, {"sub": "u1", "role": "authenticated"})
    'authenticated'
    >>> claimed_role({"jwt-role-claim-key": ".app.r"}, {"app": {"r": "agent"}}), claimed_role({}, {})
    ('agent', None)
    """
    value: Any = claims
    for part in _claim_path(str(cfg.get("jwt-role-claim-key") or ".role")):
        value = value.get(part) if isinstance(value, dict) else None
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _anonymous(anon_role: str | None, claims: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if anon_role is None:
        raise PostgrestError("PGRST302", "Anonymous access is disabled", status=401,
                             headers={"WWW-Authenticate": "Bearer"})
    return anon_role, claims
