"""The realm export in keycloak/ says what the services and Istio expect (no server needed)."""

import json
from typing import Any

import pytest

from hornet.devtools import DEMO_USERS
from tests.helpers import ROOT

REALM_FILE = ROOT / "keycloak" / "hornet-realm.json"


@pytest.fixture(scope="module")
def realm() -> dict[str, Any]:
    return json.loads(REALM_FILE.read_text())


def client(realm: dict[str, Any], client_id: str) -> dict[str, Any]:
    return next(c for c in realm["clients"] if c["clientId"] == client_id)


def scope(realm: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in realm["clientScopes"] if s["name"] == name)


def audiences(c: dict[str, Any]) -> set[str]:
    return {
        m["config"]["included.custom.audience"]
        for m in c.get("protocolMappers", [])
        if m["protocolMapper"] == "oidc-audience-mapper"
        and m["config"].get("access.token.claim") == "true"
    }


def test_realm_name_and_short_access_tokens(realm):
    assert realm["realm"] == "hornet"
    assert realm["accessTokenLifespan"] == 300
    assert realm["sslRequired"] == "external"


def test_app_client_is_public_with_code_flow_pkce_and_direct_grants(realm):
    app = client(realm, "hornet-app")
    assert app["publicClient"] is True
    assert app["standardFlowEnabled"] is True
    assert app["directAccessGrantsEnabled"] is True  # tests and development only
    assert app["implicitFlowEnabled"] is False
    assert app["attributes"]["pkce.code.challenge.method"] == "S256"
    assert "*" not in app["redirectUris"]


def test_app_tokens_carry_the_audience_the_services_check(realm, settings):
    assert audiences(client(realm, "hornet-app")) == {settings.HORNET_JWT_AUDIENCE} == {"hornet"}


def test_other_client_tokens_lack_the_hornet_audience(realm, settings):
    assert settings.HORNET_JWT_AUDIENCE not in audiences(client(realm, "other-app"))


@pytest.mark.parametrize("client_id", ["hornet-app", "other-app"])
def test_clients_get_sub_from_basic_and_username_from_profile(realm, client_id):
    assert {"basic", "profile"} <= set(client(realm, client_id)["defaultClientScopes"])
    mappers = {m["protocolMapper"] for m in scope(realm, "basic")["protocolMappers"]}
    assert "oidc-sub-mapper" in mappers
    claims = {m["config"].get("claim.name") for m in scope(realm, "profile")["protocolMappers"]}
    assert "preferred_username" in claims


def test_test_users_match_the_demo_users(realm):
    users = {(u["id"], u["username"]) for u in realm["users"]}
    assert users == {(str(u.user_id), u.username) for u in DEMO_USERS}
    for user in realm["users"]:
        assert user["enabled"]
        assert user["emailVerified"]
        assert not user["requiredActions"]
        assert user["credentials"] == [
            {"type": "password", "value": f"{user['username']}-password", "temporary": False}
        ]


def test_export_holds_no_secrets_or_keys(realm):
    text = REALM_FILE.read_text()
    assert "privateKey" not in text
    assert "secret" not in text.lower()
    assert not realm.get("components")


def test_fanout_client_has_only_client_credentials_and_the_hornet_audience(realm, settings):
    worker = client(realm, "hornet-fanout")
    assert worker["publicClient"] is False
    assert worker["serviceAccountsEnabled"] is True
    assert not worker["standardFlowEnabled"]
    assert not worker["directAccessGrantsEnabled"]
    assert not worker["implicitFlowEnabled"]
    assert audiences(worker) == {settings.HORNET_JWT_AUDIENCE}
