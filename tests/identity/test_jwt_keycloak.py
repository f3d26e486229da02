"""jwt mode against the real Keycloak (scripts/keycloak.sh, realm keycloak/hornet-realm.json).

Run with HORNET_KEYCLOAK=1; the session fixture starts Keycloak on the test stack's port.
"""

import base64
import uuid

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.x509 import load_der_x509_certificate

from hornet import tokens as hornet_tokens
from hornet.devtools import DEMO_USERS
from posts import service_token
from posts.clients import FollowersUnavailable
from tests.identity.keyserver import BOB, forge, hs256_with, token_parts

pytestmark = pytest.mark.keycloak

ALICE_ID = str(DEMO_USERS[0].user_id)


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def assert_rejected(response, reason: str | None = None) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 401, response.content
    assert response.json()["code"] == "invalid_identity"
    if reason:
        assert reason in response.json()["message"]


@pytest.fixture(scope="module")
def tokens(keycloak_server):  # type: ignore[no-untyped-def]
    """One password grant per user and client, shared by the module's tests."""
    cache: dict[tuple[str, str], str] = {}

    def get(username: str, client_id: str = "hornet-app") -> str:
        if (username, client_id) not in cache:
            cache[username, client_id] = keycloak_server.token(username, client_id=client_id)
        return cache[username, client_id]

    return get


def test_discovery_names_the_issuer_the_services_expect(keycloak):
    config = httpx.get(f"{keycloak.issuer}/.well-known/openid-configuration", timeout=10).json()
    assert config["issuer"] == keycloak.issuer
    assert keycloak.issuer.startswith("http://127.0.0.1:")  # the test stack's, on loopback
    assert keycloak.issuer.endswith("/realms/hornet")
    assert config["jwks_uri"] == keycloak.jwks_url


@pytest.mark.parametrize("user", DEMO_USERS, ids=lambda u: u.username)
def test_password_grant_token_is_the_users_identity(api, keycloak, tokens, user):
    response = api.get("/whoami", **bearer(tokens(user.username)))
    assert response.status_code == 200
    assert response.json() == {"user_id": str(user.user_id), "username": user.username}


def test_token_carries_what_istio_and_the_services_check(keycloak, tokens):
    header, claims, _ = token_parts(tokens("alice"))
    assert header["alg"] == "RS256"
    assert header["kid"]
    assert claims["iss"] == keycloak.issuer
    assert claims["aud"] == "hornet"
    assert claims["sub"] == ALICE_ID
    assert claims["preferred_username"] == "alice"
    assert claims["typ"] == "Bearer"
    assert claims["exp"] - claims["iat"] == 300


def test_write_with_a_token_succeeds(api, keycloak, tokens):
    response = api.post("/whoami", {"content": "hi"}, format="json", **bearer(tokens("alice")))
    assert response.status_code == 201


def test_token_of_another_client_is_401_wrong_audience(api, keycloak, tokens):
    token = tokens("alice", "other-app")
    assert token_parts(token)[1]["aud"] == "other-service"
    assert_rejected(api.get("/whoami", **bearer(token)), "InvalidAudience")


@pytest.mark.parametrize(
    "issuer",
    [
        "{localhost}",  # the same server, spelled differently
        "{base}/realms/master",
        "{issuer}/",
    ],
)
def test_token_from_an_unexpected_issuer_is_401(api, keycloak, tokens, settings, issuer):
    settings.HORNET_JWT_ISSUER = issuer.format(
        issuer=keycloak.issuer,
        base=keycloak.base_url,
        localhost=keycloak.issuer.replace("127.0.0.1", "localhost"),
    )
    assert_rejected(api.get("/whoami", **bearer(tokens("alice"))), "InvalidIssuer")


def test_tampered_signature_is_401(api, keycloak, tokens):
    header, payload, signature = tokens("alice").split(".")
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    assert_rejected(api.get("/whoami", **bearer(f"{header}.{payload}.{flipped}")))


def test_tampered_payload_is_401(api, keycloak, tokens):
    header, claims, signature = token_parts(tokens("alice"))
    forged = forge(header, {**claims, "sub": str(BOB), "preferred_username": "bob"}, signature)
    assert_rejected(api.get("/whoami", **bearer(forged)), "InvalidSignatureError")


def test_alg_none_is_401(api, keycloak, tokens):
    header, claims, _ = token_parts(tokens("alice"))
    forged = forge({**header, "alg": "none"}, claims)
    assert_rejected(api.get("/whoami", **bearer(forged)), "algorithm")


def test_hs256_signed_with_the_realm_public_key_is_401(api, keycloak, tokens):
    header, claims, _ = token_parts(tokens("alice"))
    jwks = httpx.get(keycloak.jwks_url, timeout=10).json()
    jwk = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    certificate = load_der_x509_certificate(base64.b64decode(jwk["x5c"][0]))
    for encoding, fmt in [
        (serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo),
        (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo),
    ]:
        public = certificate.public_key().public_bytes(encoding, fmt)
        forged = hs256_with(public, {**claims, "sub": str(BOB)}, header["kid"])
        assert_rejected(api.get("/whoami", **bearer(forged)), "algorithm")


def test_id_token_is_not_an_access_token(api, keycloak):
    id_token = keycloak.token_response("alice", scope="openid")["id_token"]
    assert_rejected(api.get("/whoami", **bearer(id_token)))


def test_refresh_token_is_not_an_access_token(api, keycloak):
    refresh = keycloak.token_response("alice")["refresh_token"]
    assert_rejected(api.get("/whoami", **bearer(refresh)), "algorithm")


def test_header_naming_another_user_than_the_token_is_401(api, keycloak, tokens):
    response = api.get("/whoami", HTTP_X_USER_ID=str(BOB), **bearer(tokens("alice")))
    assert_rejected(response, "does not match")


def test_header_agreeing_with_the_token_is_accepted(api, keycloak, tokens):
    response = api.get("/whoami", HTTP_X_USER_ID=ALICE_ID, **bearer(tokens("alice")))
    assert response.json()["user_id"] == ALICE_ID


@pytest.mark.parametrize("method", ["get", "post"])
def test_no_token_and_no_header_is_401(api, keycloak, method):
    response = getattr(api, method)("/whoami", {"content": "hi"}, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="hornet"'


def test_real_key_rotation_is_followed(api, keycloak, tokens, settings):
    """A new realm key (Keycloak's own rotation) verifies at once; a removed one stops."""
    settings.HORNET_JWT_JWKS_COOLDOWN_SECONDS = 0
    old = tokens("alice")
    assert api.get("/whoami", **bearer(old)).status_code == 200  # key set now cached
    admin = {"Authorization": f"Bearer {keycloak.admin_token()}"}
    components = f"{keycloak.base_url}/admin/realms/hornet/components"
    realm_id = httpx.get(f"{keycloak.base_url}/admin/realms/hornet", headers=admin).json()["id"]
    name = "hornet-test-rotated-key"
    for stale in httpx.get(components, params={"name": name}, headers=admin).json():
        httpx.delete(f"{components}/{stale['id']}", headers=admin)
    created = httpx.post(
        components,
        headers=admin,
        json={
            "name": name,
            "providerId": "rsa-generated",
            "providerType": "org.keycloak.keys.KeyProvider",
            "parentId": realm_id,
            "config": {
                "priority": ["1000"],
                "keySize": ["2048"],
                "active": ["true"],
                "enabled": ["true"],
                "algorithm": ["RS256"],
            },
        },
        timeout=30,
    )
    assert created.status_code == 201, created.text
    component = created.headers["Location"].rsplit("/", 1)[1]
    try:
        new = keycloak.token("alice")
        assert token_parts(new)[0]["kid"] != token_parts(old)[0]["kid"]
        response = api.get("/whoami", **bearer(new))
        assert response.status_code == 200
        assert response.json()["user_id"] == ALICE_ID
        assert api.get("/whoami", **bearer(old)).status_code == 200  # old key still published
    finally:
        httpx.delete(f"{components}/{component}", headers=admin, timeout=30)
    # Removed from the realm: its tokens stop verifying once the cached key set expires
    # (HORNET_JWT_JWKS_CACHE_SECONDS; made immediate here).
    assert api.get("/whoami", **bearer(new)).status_code == 200
    hornet_tokens._jwks_client.cache_clear()
    assert_rejected(api.get("/whoami", **bearer(new)))


def client_secret(keycloak, client_id: str) -> str:  # type: ignore[no-untyped-def]
    """A confidential client's credential, which Keycloak generated on import (the realm
    export holds no secrets)."""
    admin = {"Authorization": f"Bearer {keycloak.admin_token()}"}
    clients = f"{keycloak.base_url}/admin/realms/hornet/clients"
    (found,) = httpx.get(clients, params={"clientId": client_id}, headers=admin, timeout=30).json()
    secret = httpx.get(f"{clients}/{found['id']}/client-secret", headers=admin, timeout=30)
    return str(secret.json()["value"])


def test_the_fanout_worker_gets_a_token_the_services_accept(api, keycloak, settings):
    """Client credentials of the realm's hornet-fanout client: a token of the worker's own,
    which jwt mode (and Istio, with the same issuer and audience) accepts."""
    settings.FANOUT_CLIENT_ID = "hornet-fanout"
    settings.FANOUT_CLIENT_SECRET = client_secret(keycloak, "hornet-fanout")
    service_token._current.clear()
    identity = service_token.worker_identity(uuid.uuid4())
    assert identity.username == "service-account-hornet-fanout"
    response = api.get("/whoami", **bearer(identity.token))
    assert response.status_code == 200
    assert response.json()["user_id"] == str(identity.user_id)
    assert service_token.worker_identity(uuid.uuid4()) is identity  # reused until near expiry
    settings.FANOUT_CLIENT_SECRET = "not-the-secret"
    service_token._current.clear()
    with pytest.raises(FollowersUnavailable) as refused:
        service_token.worker_identity(uuid.uuid4())
    assert refused.value.code == "token_unavailable"
    service_token._current.clear()
