"""The identity contract agrees everywhere: settings/base.py defaults, the hornet-identity
ConfigMap, the Istio objects, docker-compose.yml and the Keycloak realm export."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from tests.k8s.conftest import Manifests

KEYCLOAK_CERTS = "/protocol/openid-connect/certs"


def _identity(m: Manifests) -> dict[str, str]:
    return m.configmap("hornet-identity")["data"]


def _jwt_rule(m: Manifests) -> dict[str, Any]:
    (ra,) = m.of("RequestAuthentication")
    (rule,) = ra["spec"]["jwtRules"]
    return rule


def _realm_name(realm: dict[str, Any]) -> str:
    return str(realm["realm"])


def test_configmap_matches_the_settings_defaults(
    overlay: Manifests, settings_defaults: dict[str, Any]
) -> None:
    data = _identity(overlay)
    for key in ("IDENTITY_HEADER", "USERNAME_HEADER", "JWT_AUDIENCE"):
        assert data[key] == settings_defaults[key], key


def test_request_authentication_writes_the_headers_the_services_read(overlay: Manifests) -> None:
    data = _identity(overlay)
    claims = {h["claim"]: h["header"].lower() for h in _jwt_rule(overlay)["outputClaimToHeaders"]}
    # The identity is the Keycloak subject (a UUID), never a username or an email.
    assert claims == {
        "sub": data["IDENTITY_HEADER"].lower(),
        "preferred_username": data["USERNAME_HEADER"].lower(),
    }


def test_request_authentication_uses_the_configmap_issuer_and_audience(overlay: Manifests) -> None:
    data = _identity(overlay)
    rule = _jwt_rule(overlay)
    assert rule["issuer"] == data["JWT_ISSUER"]
    assert rule["jwksUri"] == data["JWT_JWKS_URL"]
    assert rule["audiences"] == [data["JWT_AUDIENCE"]]


def test_issuer_is_the_realm_and_jwks_its_keys(overlay: Manifests, realm: dict[str, Any]) -> None:
    data = _identity(overlay)
    issuer = urlsplit(data["JWT_ISSUER"])
    assert issuer.scheme in ("http", "https")
    assert issuer.netloc
    assert issuer.path == f"/realms/{_realm_name(realm)}"
    assert data["JWT_JWKS_URL"] == data["JWT_ISSUER"] + KEYCLOAK_CERTS
    if overlay.name == "prod":
        assert issuer.scheme == "https"


def test_the_edge_strips_client_sent_identity_headers(overlay: Manifests) -> None:
    data = _identity(overlay)
    wanted = {data["IDENTITY_HEADER"].lower(), data["USERNAME_HEADER"].lower()}
    (vs,) = overlay.of("VirtualService")
    for route in vs["spec"]["http"]:
        removed = {h.lower() for h in route["headers"]["request"]["remove"]}
        assert wanted <= removed, route["name"]
        assert not wanted & {h.lower() for h in route["corsPolicy"]["allowHeaders"]}


def test_every_service_container_reads_the_identity_configmap(overlay: Manifests) -> None:
    name = overlay.configmap("hornet-identity")["metadata"]["name"]
    for deployment in overlay.of("Deployment"):
        pod = deployment["spec"]["template"]["spec"]
        for container in pod.get("initContainers", []) + pod["containers"]:
            refs = [s["configMapRef"]["name"] for s in container.get("envFrom", [])]
            assert name in refs, f"{deployment['metadata']['name']}/{container['name']}"


def test_compose_uses_the_same_contract(
    compose: dict[str, Any],
    settings_defaults: dict[str, Any],
    realm: dict[str, Any],
    settings_names: dict[str, set[str]],
) -> None:
    for service in ("posts", "followers"):
        env = compose["services"][service]["environment"]
        for key in ("IDENTITY_HEADER", "USERNAME_HEADER", "JWT_AUDIENCE"):
            assert env[key] == settings_defaults[key], f"{service}: {key}"
        assert urlsplit(env["JWT_ISSUER"]).path == f"/realms/{_realm_name(realm)}"
        assert urlsplit(env["JWT_JWKS_URL"]).path == f"/realms/{_realm_name(realm)}{KEYCLOAK_CERTS}"
        assert env["DJANGO_SETTINGS_MODULE"] == f"settings.{service}"
        unknown = set(env) - settings_names[service]
        assert not unknown, f"{service}: nothing reads {sorted(unknown)}"


# --- the Keycloak realm export (keycloak/hornet-realm.json) -------------------------------


def _mappers(owner: dict[str, Any]) -> list[dict[str, Any]]:
    return owner.get("protocolMappers") or []


def _client_scopes(realm: dict[str, Any], client: dict[str, Any]) -> list[dict[str, Any]]:
    names = set(client.get("defaultClientScopes") or realm.get("defaultDefaultClientScopes") or [])
    return [scope for scope in realm.get("clientScopes", []) if scope["name"] in names]


def _access_token_claims(realm: dict[str, Any], client: dict[str, Any]) -> dict[str, Any]:
    """Claims the client's access tokens carry by default, from its mappers and scopes."""
    claims: dict[str, Any] = {}
    for mapper in _mappers(client) + [
        m for s in _client_scopes(realm, client) for m in _mappers(s)
    ]:
        config = mapper.get("config") or {}
        if config.get("access.token.claim", "true") != "true":
            continue
        kind = mapper["protocolMapper"]
        if kind == "oidc-audience-mapper":
            claims.setdefault("aud", set()).add(
                config.get("included.custom.audience") or config.get("included.client.audience")
            )
        elif kind == "oidc-sub-mapper":
            claims["sub"] = True
        elif "claim.name" in config:
            claims[config["claim.name"]] = config.get("user.attribute", True)
    return claims


def test_realm_tokens_carry_the_audience_subject_and_username(
    realm: dict[str, Any], overlay: Manifests
) -> None:
    audience = _identity(overlay)["JWT_AUDIENCE"]
    apps = [
        client
        for client in realm.get("clients", [])
        if audience in _access_token_claims(realm, client).get("aud", set())
    ]
    assert apps, f"no client's access tokens carry the audience {audience!r}"
    for client in apps:
        claims = _access_token_claims(realm, client)
        assert claims.get("sub") is True, f"{client['clientId']}: no `sub` (the basic scope)"
        assert claims.get("preferred_username") == "username", client["clientId"]


def test_realm_name_is_the_issuer_path(realm: dict[str, Any], overlay: Manifests) -> None:
    assert urlsplit(_identity(overlay)["JWT_ISSUER"]).path == f"/realms/{realm['realm']}"
