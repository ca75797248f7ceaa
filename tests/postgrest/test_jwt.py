"""JWT verification on PyJWT with PostgREST's key forms: HMAC secrets, a JWK, a JWK set.

Keys are generated when the test runs; tokens are signed by PyJWT and checked by
``authenticate`` (what the engine runs when the config has a ``jwt-secret``) and through a
request on the fixture database.
"""

from __future__ import annotations

import json
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

from pgprobe.postgrest import PostgrestError, request
from pgprobe.postgrest._jwt import authenticate

SECRET = "reallyreallyreallyreallyverysafe"
CLAIMS = {"role": "postgrest_test_author"}


def _pair(kind: str) -> tuple[Any, dict[str, Any]]:
    """(private key, public JWK) of a fresh key."""
    if kind == "RSA":
        key: Any = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return key, json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    if kind == "EC256":
        key = ec.generate_private_key(ec.SECP256R1())
        return key, json.loads(ECAlgorithm.to_jwk(key.public_key()))
    if kind == "EC384":
        key = ec.generate_private_key(ec.SECP384R1())
        return key, json.loads(ECAlgorithm.to_jwk(key.public_key()))
    key = ed25519.Ed25519PrivateKey.generate()
    return key, json.loads(OKPAlgorithm.to_jwk(key.public_key()))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_hmac_secret(alg: str) -> None:
    secret = SECRET * 2  # 64 bytes: long enough for HS512
    token = jwt.encode(CLAIMS, secret, algorithm=alg)
    assert authenticate({"jwt-secret": secret}, bearer(token), "anon")[0] == \
        "postgrest_test_author"
    with pytest.raises(PostgrestError) as e:
        authenticate({"jwt-secret": secret[::-1]}, bearer(token), "anon")
    assert e.value.code == "PGRST301"


def test_base64_secret_and_oct_jwk() -> None:
    import base64

    token = jwt.encode(CLAIMS, SECRET, algorithm="HS256")
    b64 = base64.b64encode(SECRET.encode()).decode()
    cfg = {"jwt-secret": b64, "jwt-secret-is-base64": True}
    assert authenticate(cfg, bearer(token), "anon")[0] == "postgrest_test_author"
    oct_jwk = {"kty": "oct", "k": base64.urlsafe_b64encode(SECRET.encode()).decode().rstrip("=")}
    assert authenticate({"jwt-secret": json.dumps(oct_jwk)}, bearer(token), "anon")[0] == \
        "postgrest_test_author"


@pytest.mark.parametrize(("kind", "alg"), [("RSA", "RS256"), ("RSA", "RS384"),
                                           ("RSA", "RS512"), ("RSA", "PS256"),
                                           ("EC256", "ES256"), ("EC384", "ES384"),
                                           ("OKP", "EdDSA")])
def test_asymmetric_jwk(kind: str, alg: str) -> None:
    private, public = _pair(kind)
    token = jwt.encode(CLAIMS, private, algorithm=alg)
    assert authenticate({"jwt-secret": json.dumps(public)}, bearer(token), "anon")[0] == \
        "postgrest_test_author"
    other, _ = _pair(kind)
    forged = jwt.encode(CLAIMS, other, algorithm=alg)
    with pytest.raises(PostgrestError) as e:
        authenticate({"jwt-secret": json.dumps(public)}, bearer(forged), "anon")
    assert e.value.code == "PGRST301" and e.value.status == 401
    assert e.value.pgrst_message == "No suitable key or wrong key type"


def test_jwk_set_picks_the_key_by_kid_and_tries_every_key() -> None:
    rsa_key, rsa_pub = _pair("RSA")
    ec_key, ec_pub = _pair("EC256")
    jwks = {"keys": [{**rsa_pub, "kid": "r1"}, {**ec_pub, "kid": "e1"}]}
    cfg = {"jwt-secret": json.dumps(jwks)}
    by_kid = jwt.encode(CLAIMS, ec_key, algorithm="ES256", headers={"kid": "e1"})
    assert authenticate(cfg, bearer(by_kid), "anon")[0] == "postgrest_test_author"
    without_kid = jwt.encode(CLAIMS, rsa_key, algorithm="RS256")
    assert authenticate(cfg, bearer(without_kid), "anon")[0] == "postgrest_test_author"
    wrong_kid = jwt.encode(CLAIMS, rsa_key, algorithm="RS256", headers={"kid": "e1"})
    with pytest.raises(PostgrestError) as e:
        authenticate(cfg, bearer(wrong_kid), "anon")
    assert e.value.code == "PGRST301"


def test_hmac_token_against_a_public_key_is_refused() -> None:
    """The classic confusion attack: an HS256 token 'signed' with the public key text."""
    import base64
    import hashlib
    import hmac

    _, public = _pair("RSA")

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    signing_input = b64(b'{"alg":"HS256"}') + "." + b64(json.dumps(CLAIMS).encode())
    mac = hmac.new(json.dumps(public).encode(), signing_input.encode(), hashlib.sha256)
    token = signing_input + "." + b64(mac.digest())
    with pytest.raises(PostgrestError) as e:
        authenticate({"jwt-secret": json.dumps(public)}, bearer(token), "anon")
    assert e.value.code == "PGRST301"


def test_claims_rules_with_an_asymmetric_key() -> None:
    import time

    private, public = _pair("EC256")
    cfg = {"jwt-secret": json.dumps(public), "jwt-aud": "api"}
    expired = jwt.encode({**CLAIMS, "exp": int(time.time()) - 60}, private, algorithm="ES256")
    wrong_aud = jwt.encode({**CLAIMS, "aud": "other"}, private, algorithm="ES256")
    for token, message in ((expired, "JWT expired"), (wrong_aud, "JWT not in audience")):
        with pytest.raises(PostgrestError) as e:
            authenticate(cfg, bearer(token), "anon")
        assert (e.value.code, e.value.pgrst_message) == ("PGRST303", message)


def test_signed_role_reaches_the_database(pgrst_conn: Any, pgrst_snapshot: Any) -> None:
    private, public = _pair("RSA")
    config = {"db-schemas": "test", "db-anon-role": "postgrest_test_anonymous",
              "jwt-secret": json.dumps({"keys": [public]})}
    token = jwt.encode(CLAIMS, private, algorithm="RS256")
    r = request(pgrst_conn, "GET", "/rpc/get_current_user", headers=bearer(token),
                config=config, snapshot=pgrst_snapshot)
    assert r.status == 200 and r.body == "postgrest_test_author"
    r = request(pgrst_conn, "GET", "/rpc/get_current_user", config=config,
                snapshot=pgrst_snapshot, headers=bearer(jwt.encode(CLAIMS, SECRET)))
    assert r.status == 401 and r.error["code"] == "PGRST301"
