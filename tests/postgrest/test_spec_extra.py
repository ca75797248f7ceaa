"""Behaviour beyond the public corpus, stated as data: JWT authentication of the request.

PostgREST checks the ``Authorization: Bearer`` token before it looks at the request; when a
``jwt-secret`` is configured pgprobe does the same (HMAC secrets), so the error answers
(PGRST300/301/302/303, HTTP 401/500 with ``WWW-Authenticate``) and the role taken from the
token match PostgREST's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import pytest

from pgprobe.postgrest import request

SECRET = "reallyreallyreallyreallyverysafe"
BASE = {"db-schemas": "test", "db-anon-role": "postgrest_test_anonymous",
        "db-extra-search-path": "", "jwt-secret": SECRET}


class Rel(int):
    """A claim value in seconds relative to the moment the test runs (tokens are made late)."""


def _resolve(claims: Any) -> Any:
    now = int(time.time())
    return {k: now + v if isinstance(v, Rel) else v for k, v in claims.items()}


class Tok:
    """A bearer token made when the test runs: ``Tok(claims, secret=..., alg=...)``."""

    def __init__(self, claims: Any, **kw: str) -> None:
        self.claims, self.kw = claims, kw

    def header(self) -> str:
        return "Bearer " + token(_resolve(self.claims), **self.kw)


def _b64(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def token(claims: Any, secret: str = SECRET, alg: str = "HS256") -> str:
    head = _b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    body = _b64(json.dumps(claims).encode())
    if alg == "none":
        return f"{head}.{body}."
    digest = {"HS256": hashlib.sha256, "HS512": hashlib.sha512}[alg]
    sig = hmac.new(secret.encode(), f"{head}.{body}".encode(), digest).digest()
    return f"{head}.{body}.{_b64(sig)}"


AUTHOR = {"role": "postgrest_test_author", "id": "jdoe"}

# (id, config overrides, Authorization header or None, expected status, code, message, details)
REJECTED = [
    ("expired", {}, Tok({**AUTHOR, "exp": Rel(-35)}), 401, "PGRST303",
     "JWT expired", None),
    ("exp-not-number", {}, Tok({**AUTHOR, "exp": "soon"}), 401, "PGRST303",
     "The JWT 'exp' claim must be a number", None),
    ("nbf-future", {}, Tok({**AUTHOR, "nbf": Rel(35)}), 401, "PGRST303",
     "JWT not yet valid", None),
    ("iat-future", {}, Tok({**AUTHOR, "iat": Rel(35)}), 401, "PGRST303",
     "JWT issued at future", None),
    ("iat-not-number", {}, Tok({**AUTHOR, "iat": True}), 401, "PGRST303",
     "The JWT 'iat' claim must be a number", None),
    ("two-parts", {}, "Bearer abc.def", 401, "PGRST301", "Expected 3 parts in JWT; got 2",
     None),
    ("empty", {}, "Bearer ", 401, "PGRST301", "Empty JWT is sent in Authorization header",
     None),
    ("wrong-secret", {}, Tok(AUTHOR, secret="another secret"), 401, "PGRST301",
     "No suitable key or wrong key type", "None of the keys was able to decode the JWT"),
    ("unsecured", {}, Tok(AUTHOR, alg="none"), 401, "PGRST301",
     "Wrong or unsupported encoding algorithm",
     "JWT is unsecured but expected 'alg' was not 'none'"),
    ("garbage", {}, "Bearer qwerty.asdfgh.zxcvbn", 401, "PGRST301",
     "JWT cryptographic operation failed", None),
    ("audience", {"jwt-aud": "my-api"}, Tok({**AUTHOR, "aud": ["other"]}), 401,
     "PGRST303", "JWT not in audience", None),
    ("aud-type", {}, Tok({**AUTHOR, "aud": 5}), 401, "PGRST303",
     "The JWT 'aud' claim must be a string or an array of strings", None),
    ("no-anon-role", {"db-anon-role": None}, None, 401, "PGRST302",
     "Anonymous access is disabled", None),
    ("no-secret", {"jwt-secret": None}, Tok(AUTHOR), 500, "PGRST300",
     "Server lacks JWT secret", None),
]


@pytest.mark.parametrize("case", REJECTED, ids=[c[0] for c in REJECTED])
def test_rejected_tokens(case: tuple[Any, ...], pgrst_conn: Any, pgrst_snapshot: Any) -> None:
    _, overrides, auth, status, code, message, details = case
    if isinstance(auth, Tok):
        auth = auth.header()
    headers = {"Authorization": auth} if auth is not None else {}
    r = request(pgrst_conn, "GET", "/authors_only", headers=headers,
                config={**BASE, **overrides}, snapshot=pgrst_snapshot)
    assert r.status == status
    assert r.body == {"code": code, "message": message, "details": details, "hint": None}
    if status == 401:
        want = "Bearer" if code == "PGRST302" else \
            f'Bearer error="invalid_token", error_description="{message}"'
        assert r.headers["WWW-Authenticate"] == want


# (id, config overrides, claims, expected role seen by the database)
ACCEPTED = [
    ("role-claim", {}, AUTHOR, "postgrest_test_author"),
    ("within-skew", {}, {**AUTHOR, "exp": Rel(-5)}, "postgrest_test_author"),
    ("nbf-iat-within-skew", {}, {**AUTHOR, "nbf": Rel(5), "iat": Rel(5)},
     "postgrest_test_author"),
    ("aud-ignored-without-jwt-aud", {}, {**AUTHOR, "aud": "anything"},
     "postgrest_test_author"),
    ("aud-matches", {"jwt-aud": "my-api"}, {**AUTHOR, "aud": ["x", "my-api"]},
     "postgrest_test_author"),
    ("no-role-is-anonymous", {}, {"id": "jdoe"}, "postgrest_test_anonymous"),
    ("nested-role-claim-key", {"jwt-role-claim-key": ".app.role"},
     {"app": {"role": "postgrest_test_author"}}, "postgrest_test_author"),
]


@pytest.mark.parametrize("case", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_accepted_tokens_pick_the_role(case: tuple[Any, ...], pgrst_conn: Any,
                                       pgrst_snapshot: Any) -> None:
    _, overrides, claims, role = case
    r = request(pgrst_conn, "GET", "/rpc/get_current_user",
                headers={"Authorization": Tok(claims).header()},
                config={**BASE, **overrides}, snapshot=pgrst_snapshot)
    assert r.status == 200, r.body
    assert r.body == role


def test_token_ignored_without_jwt_settings(pgrst_conn: Any, pgrst_snapshot: Any) -> None:
    """Without ``jwt-secret`` in the configuration the caller's role decides (pgprobe's default)."""
    cfg = {k: v for k, v in BASE.items() if k != "jwt-secret"}
    r = request(pgrst_conn, "GET", "/rpc/get_current_user",
                headers={"Authorization": "Bearer not.a.token"}, config=cfg,
                snapshot=pgrst_snapshot)
    assert r.status == 200 and r.body == "postgrest_test_anonymous"


def test_explicit_role_wins_but_token_is_checked(pgrst_conn: Any, pgrst_snapshot: Any) -> None:
    good = request(pgrst_conn, "GET", "/rpc/get_current_user", role="postgrest_test_author",
                   headers={"Authorization": Tok({"role": "other"}).header()},
                   config=BASE, snapshot=pgrst_snapshot)
    assert good.status == 200 and good.body == "postgrest_test_author"
    bad = request(pgrst_conn, "GET", "/rpc/get_current_user", role="postgrest_test_author",
                  headers={"Authorization": "Bearer x.y"}, config=BASE,
                  snapshot=pgrst_snapshot)
    assert bad.status == 401 and bad.error["code"] == "PGRST301"


# db-prepared-statements: (setting, whether the session holds prepared statements afterwards)
PREPARED = [(True, True), (False, False)]


@pytest.mark.parametrize(("setting", "prepared"), PREPARED)
def test_prepared_statements_setting(setting: bool, prepared: bool, pgrst_server: Any,
                                     pgrst_snapshot: Any) -> None:
    import psycopg

    cfg = {**BASE, "db-prepared-statements": setting}
    with psycopg.connect(pgrst_server.dsn(), autocommit=True) as conn:
        for _ in range(6):  # more than psycopg's own auto-prepare threshold
            assert request(conn, "GET", "/never_prepared", config=cfg,
                           snapshot=pgrst_snapshot).status == 200
        r = request(conn, "POST", "/rpc/uses_prepared_statements", config=cfg,
                    snapshot=pgrst_snapshot)
        assert r.status == 200 and r.body is prepared


# (id, config overrides, method, path, request headers, status, error code or None,
#  response headers that must be present)
ROOT_AND_TRACE = [
    ("trace-header-read", {"server-trace-header": "X-Request-Id"}, "HEAD", "/projects",
     {"X-Request-Id": "r-2"}, 200, None, {"X-Request-Id": "r-2"}),
    ("trace-header-rpc", {"server-trace-header": "X-Request-Id"}, "GET",
     "/rpc/add_them?a=2&b=4", {"X-Request-Id": "r-3"}, 200, None, {"X-Request-Id": "r-3"}),
    ("trace-header-root", {"server-trace-header": "X-Request-Id"}, "HEAD", "/",
     {"X-Request-Id": "r-1"}, 200, None, {"X-Request-Id": "r-1"}),
    ("trace-header-on-errors", {"server-trace-header": "X-Request-Id"}, "GET", "/nope",
     {"X-Request-Id": "r-4"}, 404, "PGRST205", {"X-Request-Id": "r-4"}),
    ("root-disabled", {"openapi-mode": "disabled"}, "GET", "/",
     {"Accept": "application/openapi+json"}, 404, "PGRST126", {}),
    ("root-unknown-media-type", {}, "GET", "/", {"Accept": "text/csv"}, 406, "PGRST107", {}),
    ("root-spec-function", {"db-root-spec": "root"}, "GET", "/",
     {"Accept": "application/openapi+json"}, 200, None,
     {"Content-Type": "application/openapi+json; charset=utf-8"}),
    ("root-spec-function-as-json", {"db-root-spec": "root"}, "GET", "/",
     {"Accept": "application/json"}, 200, None,
     {"Content-Type": "application/json; charset=utf-8"}),
]


@pytest.mark.parametrize("case", ROOT_AND_TRACE, ids=[c[0] for c in ROOT_AND_TRACE])
def test_root_and_trace_header(case: tuple[Any, ...], pgrst_conn: Any,
                               pgrst_snapshot: Any) -> None:
    _, overrides, method, path, headers, status, code, want = case
    r = request(pgrst_conn, method, path, headers=headers, config={**BASE, **overrides},
                snapshot=pgrst_snapshot)
    assert r.status == status
    assert (r.error or {}).get("code") == code
    for k, v in want.items():
        assert r.headers.get(k) == v
    if "db-root-spec" in overrides:  # the function's document is the body
        doc = json.loads(r.body_text)
        assert doc["swagger"] == "2.0" and doc["info"]["title"] == "PostgREST API"


def test_trace_header_absent_without_setting(pgrst_conn: Any, pgrst_snapshot: Any) -> None:
    r = request(pgrst_conn, "HEAD", "/projects", headers={"X-Request-Id": "x"}, config=BASE,
                snapshot=pgrst_snapshot)
    assert r.status == 200 and "X-Request-Id" not in r.headers


# (id, config overrides, path, expected Vary header or None when absent)
VARY = [
    ("default-on-success", {}, "/projects?select=id", "Accept, Prefer, Range"),
    ("pre-request-overrides", {"db-pre-request": "test.custom_vary_hdr"}, "/projects",
     "X-Test-Accept"),
    ("none-on-errors", {}, "/projects?select=nope", None),
]


@pytest.mark.parametrize("case", VARY, ids=[c[0] for c in VARY])
def test_vary_header(case: tuple[Any, ...], pgrst_conn: Any, pgrst_snapshot: Any) -> None:
    _, overrides, path, vary = case
    r = request(pgrst_conn, "GET", path, config={**BASE, **overrides}, snapshot=pgrst_snapshot)
    assert (r.status >= 400) == (vary is None)
    assert r.headers.get("Vary") == vary


ORIGINS = {"server-cors-allowed-origins": ["http://example.com", "http://example2.com"]}
PREFLIGHT = {"Origin": "http://example.com", "Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "Foo, Bar"}
# (id, config overrides, method, path, request headers, headers expected (None = absent))
CORS = [
    ("preflight-any-origin", {}, "OPTIONS", "/", PREFLIGHT, {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD",
        "Access-Control-Allow-Headers":
            "Authorization, Foo, Bar, Accept, Accept-Language, Content-Language",
        "Access-Control-Max-Age": "86400", "Access-Control-Allow-Credentials": None,
        "Vary": None}),
    ("read-exposes-headers", {}, "GET", "/items?id=eq.1", {"Origin": "http://example.com"}, {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": "Content-Encoding, Content-Location, Content-Range, "
        "Content-Type, Date, Location, Server, Transfer-Encoding, Range-Unit"}),
    ("no-origin-no-expose", {}, "GET", "/items?id=eq.1", {},
     {"Access-Control-Allow-Origin": None, "Access-Control-Expose-Headers": None}),
    ("preflight-listed-origin", ORIGINS, "OPTIONS", "/items", PREFLIGHT, {
        "Access-Control-Allow-Origin": "http://example.com",
        "Access-Control-Allow-Credentials": "true"}),
    ("read-listed-origin", ORIGINS, "GET", "/items?id=eq.1",
     {"Origin": "http://example2.com"}, {"Access-Control-Allow-Origin": "http://example2.com"}),
    ("read-unlisted-origin", ORIGINS, "GET", "/items?id=eq.1",
     {"Origin": "http://invalid.com"}, {"Access-Control-Allow-Origin": None}),
]


@pytest.mark.parametrize("case", CORS, ids=[c[0] for c in CORS])
def test_cors(case: tuple[Any, ...], pgrst_conn: Any, pgrst_snapshot: Any) -> None:
    _, overrides, method, path, headers, want = case
    r = request(pgrst_conn, method, path, headers=headers, config={**BASE, **overrides},
                snapshot=pgrst_snapshot)
    assert r.status == 200
    for k, v in want.items():
        assert r.headers.get(k) == v, k
    if method == "OPTIONS" and "Access-Control-Request-Method" in headers:
        assert r.body_text == "" and r.statements == []  # nothing reaches the database
