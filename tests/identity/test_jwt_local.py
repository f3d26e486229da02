"""jwt mode against a loopback key server: claim checks, forgeries, key rotation, IdP outage.

These need no Keycloak: the key server signs tokens the way Keycloak does (RS256, kid), and
lets a test make the tokens Keycloak would not hand out (expired, foreign issuer, new keys).
"""

import socket
import time

import pytest
from cryptography.hazmat.primitives import serialization
from django.test import RequestFactory

from hornet.identity import resolve_identity
from tests.identity.keyserver import ALICE, BOB, forge, hs256_with, token_parts


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def assert_rejected(response, reason: str | None = None) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 401, response.content
    body = response.json()
    assert body["code"] == "invalid_identity"
    if reason:
        assert reason in body["message"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_valid_token_is_the_identity(api, key_server):
    response = api.get("/whoami", **bearer(key_server.token()))
    assert response.status_code == 200
    assert response.json() == {"user_id": str(ALICE), "username": "alice"}


def test_expired_token_is_401(api, key_server):
    now = int(time.time())
    expired = key_server.token(iat=now - 900, exp=now - 600)
    assert_rejected(api.get("/whoami", **bearer(expired)), "ExpiredSignatureError")


def test_expiry_within_leeway_is_accepted(api, key_server, settings):
    # Clock skew between Keycloak and the service is tolerated up to HORNET_JWT_LEEWAY.
    now = int(time.time())
    token = key_server.token(iat=now - 400, exp=now - settings.HORNET_JWT_LEEWAY // 2)
    assert api.get("/whoami", **bearer(token)).status_code == 200


@pytest.mark.parametrize(
    "issuer",
    [
        "http://127.0.0.1:8280/realms/other",
        "https://attacker.example/realms/hornet",
        "{issuer}/",  # not an exact match
        "{issuer_upper}",
    ],
)
def test_wrong_issuer_is_401(api, key_server, issuer):
    iss = issuer.format(issuer=key_server.issuer, issuer_upper=key_server.issuer.upper())
    assert_rejected(api.get("/whoami", **bearer(key_server.token(iss=iss))), "InvalidIssuer")


@pytest.mark.parametrize("aud", ["other-service", ["account", "other-service"], "hornet-app"])
def test_wrong_audience_is_401(api, key_server, aud):
    assert_rejected(api.get("/whoami", **bearer(key_server.token(aud=aud))), "InvalidAudience")


def test_audience_list_containing_hornet_is_accepted(api, key_server):
    token = key_server.token(aud=["account", "hornet"])
    assert api.get("/whoami", **bearer(token)).status_code == 200


@pytest.mark.parametrize("claim", ["aud", "exp", "iat", "iss", "sub"])
def test_missing_required_claim_is_401(api, key_server, claim):
    token = key_server.token(**{claim: None})
    assert_rejected(api.get("/whoami", **bearer(token)), "MissingRequiredClaim")


def test_subject_that_is_not_a_uuid_is_401(api, key_server):
    assert_rejected(api.get("/whoami", **bearer(key_server.token(sub="alice"))))


@pytest.mark.parametrize("typ", ["ID", "Refresh", "Logout"])
def test_keycloak_token_of_another_type_is_401(api, key_server, typ):
    assert_rejected(api.get("/whoami", **bearer(key_server.token(typ=typ))), "not an access")


def test_not_yet_valid_token_is_401(api, key_server):
    token = key_server.token(nbf=int(time.time()) + 600)
    assert_rejected(api.get("/whoami", **bearer(token)), "ImmatureSignatureError")


def test_tampered_payload_is_401(api, key_server):
    header, payload, signature = token_parts(key_server.token())
    forged = forge(header, {**payload, "sub": str(BOB)}, signature)
    assert_rejected(api.get("/whoami", **bearer(forged)), "InvalidSignatureError")


def test_token_signed_by_an_unpublished_key_under_a_published_kid_is_401(api, key_server):
    key_server.add_key("attacker", publish=False)
    header, payload, _ = token_parts(key_server.token("attacker"))
    _, _, signature = token_parts(key_server.token("attacker"))
    forged = forge({**header, "kid": "key-1"}, payload, signature)
    assert_rejected(api.get("/whoami", **bearer(forged)), "InvalidSignatureError")


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
def test_alg_none_is_401(api, key_server, alg):
    _, payload, _ = token_parts(key_server.token())
    forged = forge({"alg": alg, "typ": "JWT", "kid": "key-1"}, payload)
    assert_rejected(api.get("/whoami", **bearer(forged)), "algorithm")


def test_hs256_signed_with_the_public_key_is_401(api, key_server):
    public_pem = (
        key_server.private["key-1"]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    forged = hs256_with(public_pem, key_server.claims(sub=str(BOB)), "key-1")
    assert_rejected(api.get("/whoami", **bearer(forged)), "algorithm")


def test_header_algorithm_that_does_not_fit_the_key_is_401(api, key_server):
    _, payload, signature = token_parts(key_server.token())
    forged = forge({"alg": "ES256", "typ": "JWT", "kid": "key-1"}, payload, signature)
    assert_rejected(api.get("/whoami", **bearer(forged)))


@pytest.mark.parametrize(
    "authorization", ["Basic YWxpY2U6cHc=", "Bearer", "Bearer ", "Token abc", "bearer not.a.jwt"]
)
def test_malformed_authorization_is_401(api, key_server, authorization):
    assert_rejected(api.get("/whoami", HTTP_AUTHORIZATION=authorization))


def test_header_for_another_user_than_the_token_is_401(api, key_server):
    response = api.get("/whoami", HTTP_X_USER_ID=str(BOB), **bearer(key_server.token()))
    assert_rejected(response, "does not match")


def test_header_agreeing_with_the_token_is_accepted(api, key_server):
    response = api.get("/whoami", HTTP_X_USER_ID=str(ALICE), **bearer(key_server.token()))
    assert response.json()["user_id"] == str(ALICE)


def test_header_without_a_token_is_401(api, key_server):
    assert_rejected(api.get("/whoami", HTTP_X_USER_ID=str(ALICE)), "does not match")


@pytest.mark.parametrize("method", ["get", "post"])
def test_no_token_and_no_header_is_401(api, key_server, method):
    response = getattr(api, method)("/whoami", {"content": "hi"}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == 'Bearer realm="hornet"'


def test_write_with_a_valid_token_succeeds(api, key_server):
    response = api.post("/whoami", {"content": "hi"}, format="json", **bearer(key_server.token()))
    assert response.status_code == 201


def test_options_never_verifies_or_yields_identity(key_server):
    request = RequestFactory().options("/whoami", HTTP_AUTHORIZATION="Bearer garbage")
    assert resolve_identity(request) is None
    assert key_server.fetches == 0


def test_keys_are_fetched_once_and_cached(api, key_server):
    for _ in range(3):
        assert api.get("/whoami", **bearer(key_server.token())).status_code == 200
    assert key_server.fetches == 1


def test_key_rotation_new_kid_triggers_a_refetch(api, key_server, settings):
    settings.HORNET_JWT_JWKS_COOLDOWN_SECONDS = 0
    assert api.get("/whoami", **bearer(key_server.token("key-1"))).status_code == 200
    assert key_server.fetches == 1
    # Keycloak rotates: a new active key is published beside the old one.
    key_server.add_key("key-2")
    response = api.get("/whoami", **bearer(key_server.token("key-2", sub=str(BOB))))
    assert response.status_code == 200
    assert response.json()["user_id"] == str(BOB)
    assert key_server.fetches == 2
    # Tokens of both keys now verify from the cache.
    assert api.get("/whoami", **bearer(key_server.token("key-1"))).status_code == 200
    assert api.get("/whoami", **bearer(key_server.token("key-2"))).status_code == 200
    assert key_server.fetches == 2


def test_withdrawn_key_stops_verifying_after_the_next_fetch(api, key_server, settings):
    settings.HORNET_JWT_JWKS_COOLDOWN_SECONDS = 0
    old = key_server.token("key-1")
    assert api.get("/whoami", **bearer(old)).status_code == 200
    # The old key is withdrawn (say, compromised) and a new one replaces it.
    key_server.add_key("key-2")
    key_server.published.remove("key-1")
    assert api.get("/whoami", **bearer(key_server.token("key-2"))).status_code == 200
    assert_rejected(api.get("/whoami", **bearer(old)), "PyJWKClientError")


def test_unknown_kids_do_not_refetch_within_the_cooldown(api, key_server, settings):
    settings.HORNET_JWT_JWKS_COOLDOWN_SECONDS = 3600
    assert api.get("/whoami", **bearer(key_server.token("key-1"))).status_code == 200
    key_server.add_key("made-up", publish=False)
    for _ in range(5):
        assert_rejected(api.get("/whoami", **bearer(key_server.token("made-up"))))
    assert key_server.fetches == 1


def test_identity_provider_down_is_503_not_401(api, settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket closes
    settings.HORNET_AUTH_MODE = "jwt"
    settings.HORNET_JWT_ISSUER = f"http://127.0.0.1:{port}/realms/hornet"
    settings.HORNET_JWT_JWKS_URL = f"http://127.0.0.1:{port}/realms/hornet/certs"
    from tests.identity.keyserver import KeyServer

    signer = KeyServer()  # never started: only its key signs
    signer.add_key("key-1")
    token = signer.token(iss=settings.HORNET_JWT_ISSUER)
    response = api.get("/whoami", **bearer(token))
    assert response.status_code == 503
    assert response.json()["code"] == "identity_provider_unavailable"
    assert "Errno" not in response.content.decode()
