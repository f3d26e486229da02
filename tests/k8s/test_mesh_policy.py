"""Mesh policy of every overlay: who may call what, routing, retries, mTLS, JWT rules."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from tests.k8s.conftest import Manifests
from tests.k8s.meshsim import (
    METHODS,
    NON_IDEMPOTENT,
    Request,
    allowed,
    first_route,
    methods_of,
)

GATEWAY = "cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account"
TOKEN = "https://keycloak.example.com/realms/hornet/" + str(uuid.uuid4())
USER = str(uuid.uuid4())
INTERNAL = f"/followers/user/{USER}/following/ids"  # posts -> followers (the feed)
EXCLUDED = f"/followers/user/{USER}/excluded/ids"  # posts -> followers (blocks and mutes)
POSTS_INTERNAL = "/posts/internal/following-changed"  # followers -> posts (cache drop)
RELATIONSHIP = "/posts/internal/relationship-changed"  # followers -> posts (block, mute)
REQUESTED = "/posts/internal/follow-requested"  # followers -> posts (a request's notification)
MADE = "/posts/internal/follow-made"  # followers -> posts (a follow's notification, resent)
FOLLOWER_IDS = f"/followers/user/{USER}/followers/ids"  # fan-out worker -> followers
USER_IDS = "/followers/users/ids"  # posts -> followers (@mentions)

# Requests a client can send through the gateway, per service (path -> owning service).
PUBLIC_PATHS = {
    "/posts": "posts",
    "/posts/": "posts",
    f"/posts/{USER}": "posts",
    f"/posts/author/{USER}": "posts",
    f"/posts/{USER}/replies": "posts",
    "/posts/docs": "posts",
    "/feed": "posts",
    "/feed/": "posts",
    "/notifications": "posts",
    "/notifications/unread_count": "posts",
    "/followers": "followers",
    f"/followers/{USER}": "followers",
    f"/followers/user/{USER}/followers": "followers",
    f"/followers/user/{USER}/following": "followers",
    f"/followers/user/{USER}/following/count": "followers",
    "/followers/docs": "followers",
    "/followers/me": "followers",
    "/followers/blocks": "followers",
    f"/followers/blocks/{USER}": "followers",
    "/followers/mutes": "followers",
    f"/followers/mutes/{USER}": "followers",
    "/followers/requests": "followers",
    f"/followers/requests/{USER}/accept": "followers",
}


def _pod_labels(m: Manifests, service: str) -> dict[str, str]:
    return m.one("Deployment", f"hornet-{service}")["spec"]["template"]["metadata"]["labels"]


def _policies(m: Manifests) -> list[dict[str, Any]]:
    return m.of("AuthorizationPolicy")


def _principal(m: Manifests, service: str) -> str:
    sa = m.one("ServiceAccount", f"hornet-{service}")
    return f"cluster.local/ns/{sa['metadata']['namespace']}/sa/{sa['metadata']['name']}"


def _vs(m: Manifests) -> dict[str, Any]:
    (vs,) = m.of("VirtualService")
    return vs


def _destination(route: dict[str, Any]) -> str:
    (dest,) = route["route"]
    return dest["destination"]["host"]


# --- authorization --------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("path", sorted(PUBLIC_PATHS))
def test_every_external_route_requires_a_principal(
    overlay: Manifests, path: str, method: str
) -> None:
    labels = _pod_labels(overlay, PUBLIC_PATHS[path])
    anonymous = Request(method, path, principal=GATEWAY)
    with_token = Request(method, path, principal=GATEWAY, request_principal=TOKEN)
    assert not allowed(_policies(overlay), labels, anonymous), f"{method} {path} without a token"
    assert allowed(_policies(overlay), labels, with_token), f"{method} {path} refused with a token"


def test_no_options_bypass(overlay: Manifests) -> None:
    """No ALLOW rule admits a request that has no validated token, OPTIONS included."""
    for policy in _policies(overlay):
        spec = policy.get("spec") or {}
        assert spec.get("action", "ALLOW") in ("ALLOW", "DENY"), policy["metadata"]["name"]
        for rule in spec.get("rules", []):
            sources = [entry["source"] for entry in rule.get("from", [])]
            assert sources, f"{policy['metadata']['name']}: a rule without `from` admits anyone"
            for source in sources:
                assert source.get("requestPrincipals"), f"{policy['metadata']['name']}: {source}"
                assert "notRequestPrincipals" not in source
            for op in (entry["operation"] for entry in rule.get("to", [])):
                assert "OPTIONS" not in op.get("methods", []), policy["metadata"]["name"]
                assert "notMethods" not in op, "notMethods would admit OPTIONS and the rest"


def test_namespace_denies_by_default(overlay: Manifests) -> None:
    nothing = [p for p in _policies(overlay) if not p.get("spec")]
    assert nothing, "an allow-nothing AuthorizationPolicy (empty spec) is the namespace baseline"


@pytest.mark.parametrize("internal", [INTERNAL, EXCLUDED, USER_IDS])
def test_internal_route_only_for_the_posts_service_account(
    overlay: Manifests, internal: str
) -> None:
    labels = _pod_labels(overlay, "followers")
    posts = _principal(overlay, "posts")
    followers = _principal(overlay, "followers")
    policies = _policies(overlay)
    assert allowed(policies, labels, Request("GET", internal, posts, TOKEN))
    assert allowed(policies, labels, Request("GET", internal + "/", posts, TOKEN))
    refused = [
        Request("GET", internal, GATEWAY, TOKEN),  # from outside, even with a token
        Request("GET", internal, posts, None),  # posts without the caller's token
        Request("GET", internal, followers, TOKEN),  # any other workload
        Request("GET", internal, None, TOKEN),  # plaintext (no mTLS identity)
        Request("POST", internal, posts, TOKEN),  # read-only route
    ]
    for req in refused:
        assert not allowed(policies, labels, req), req


@pytest.mark.parametrize("posts_internal", [POSTS_INTERNAL, RELATIONSHIP, REQUESTED, MADE])
def test_posts_internal_route_only_for_the_followers_service_account(
    overlay: Manifests, posts_internal: str
) -> None:
    labels = _pod_labels(overlay, "posts")
    posts = _principal(overlay, "posts")
    followers = _principal(overlay, "followers")
    policies = _policies(overlay)
    assert allowed(policies, labels, Request("POST", posts_internal, followers, TOKEN))
    assert allowed(policies, labels, Request("POST", posts_internal + "/", followers, TOKEN))
    refused = [
        Request("POST", posts_internal, GATEWAY, TOKEN),
        Request("POST", posts_internal, followers, None),
        Request("POST", posts_internal, posts, TOKEN),
        Request("POST", posts_internal, None, TOKEN),
        Request("GET", posts_internal, followers, TOKEN),
        Request("POST", "/posts/internal/anything-else", followers, TOKEN),
        Request("POST", "/posts/internal/anything-else", GATEWAY, TOKEN),
    ]
    for req in refused:
        assert not allowed(policies, labels, req), req


def test_id_lists_for_the_fanout_worker_with_its_own_token(overlay: Manifests) -> None:
    labels = _pod_labels(overlay, "followers")
    fanout = _principal(overlay, "fanout")
    posts = _principal(overlay, "posts")
    policies = _policies(overlay)
    for path in (FOLLOWER_IDS, FOLLOWER_IDS + "/", INTERNAL):
        assert allowed(policies, labels, Request("GET", path, fanout, TOKEN)), path
    refused = [
        Request("GET", FOLLOWER_IDS, fanout, None),  # the worker without its token
        Request("GET", FOLLOWER_IDS, posts, TOKEN),  # the posts service itself
        Request("GET", FOLLOWER_IDS, GATEWAY, TOKEN),  # from outside, even with a token
        Request("GET", FOLLOWER_IDS, None, TOKEN),  # plaintext
        Request("POST", FOLLOWER_IDS, fanout, TOKEN),  # read-only
    ]
    for req in refused:
        assert not allowed(policies, labels, req), req


@pytest.mark.parametrize(
    "path",
    [
        INTERNAL,
        INTERNAL + "/",
        EXCLUDED,
        EXCLUDED + "/",
        FOLLOWER_IDS,
        USER_IDS,
        POSTS_INTERNAL,
        RELATIONSHIP,
        REQUESTED,
        MADE,
        "/posts/internal",
        *("/metrics", "/metrics/", "/healthz", "/readyz"),
    ],
)
def test_internal_routes_are_not_routed_publicly(overlay: Manifests, path: str) -> None:
    for method in METHODS:
        route = first_route(_vs(overlay), method, path)
        assert route is not None, method
        assert "route" not in route, method
        assert route["directResponse"]["status"] == 404


def test_posts_calls_followers_by_service_name(overlay: Manifests) -> None:
    data = overlay.configmap("hornet-posts")["data"]
    svc = overlay.one("Service", "hornet-followers")
    (port,) = svc["spec"]["ports"]
    assert data["FOLLOWERS_SERVICE_URL"] == f"http://hornet-followers:{port['port']}"


# --- routing, timeouts, retries -------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_routing_by_prefix(overlay: Manifests, method: str) -> None:
    for path, service in PUBLIC_PATHS.items():
        route = first_route(_vs(overlay), method, path)
        assert route is not None, f"{method} {path} matches no route"
        assert _destination(route) == f"hornet-{service}", f"{method} {path}"


def test_routes_have_timeouts_and_explicit_retries(overlay: Manifests) -> None:
    for route in _vs(overlay)["spec"]["http"]:
        if "route" not in route:
            continue
        # Without an explicit policy Istio's default retries 503s, on writes too.
        assert "retries" in route, route["name"]
        timeout = _seconds(route["timeout"])
        per_try = _seconds(route["retries"]["perTryTimeout"])
        assert 0 < per_try <= timeout <= 30, route["name"]  # within gunicorn's 30 s
        assert route["retries"]["attempts"] >= 1


def test_non_idempotent_methods_are_never_retried_on_5xx(overlay: Manifests) -> None:
    safe = {"connect-failure", "refused-stream"}
    for route in _vs(overlay)["spec"]["http"]:
        if "route" not in route or not methods_of(route) & set(NON_IDEMPOTENT):
            continue
        retry_on = set(route["retries"]["retryOn"].split(","))
        assert retry_on <= safe, f"{route['name']} retries writes on {retry_on - safe}"


def test_reads_are_retried_on_5xx(overlay: Manifests) -> None:
    for prefix in ("/posts", "/feed", "/followers"):
        route = first_route(_vs(overlay), "GET", prefix)
        assert "5xx" in route["retries"]["retryOn"].split(","), route["name"]


def test_cors_on_every_route_and_no_wildcard_origin(overlay: Manifests) -> None:
    for route in _vs(overlay)["spec"]["http"]:
        cors = route["corsPolicy"]
        assert cors["unmatchedPreflights"] == "IGNORE", route["name"]
        for origin in cors["allowOrigins"]:
            assert origin.get("exact", "").startswith(("http://", "https://")), origin
        assert cors.get("allowCredentials") is False


def test_gateway_and_virtualservice_name_the_same_host(overlay: Manifests) -> None:
    (gateway,) = overlay.of("Gateway")
    hosts = {h for server in gateway["spec"]["servers"] for h in server["hosts"]}
    assert hosts == set(_vs(overlay)["spec"]["hosts"])
    assert _vs(overlay)["spec"]["gateways"] == [gateway["metadata"]["name"]]


# --- mTLS, JWT, circuit breaking --------------------------------------------------------------


def test_strict_mtls_for_the_whole_namespace(overlay: Manifests) -> None:
    (peer,) = overlay.of("PeerAuthentication")
    assert "selector" not in peer["spec"]
    assert peer["spec"]["mtls"]["mode"] == "STRICT"
    assert "portLevelMtls" not in peer["spec"]


def test_request_authentication_covers_both_services(overlay: Manifests) -> None:
    (ra,) = overlay.of("RequestAuthentication")
    wanted = ra["spec"]["selector"]["matchLabels"]
    for service in ("posts", "followers"):
        labels = _pod_labels(overlay, service)
        assert all(labels.get(k) == v for k, v in wanted.items()), service
    (rule,) = ra["spec"]["jwtRules"]
    assert rule["forwardOriginalToken"] is True
    assert rule["audiences"], "tokens must be checked for the audience"


def test_destination_rules_break_circuits(overlay: Manifests) -> None:
    for service in ("posts", "followers"):
        dr = overlay.one("DestinationRule", f"hornet-{service}")
        assert dr["spec"]["host"] == f"hornet-{service}"
        policy = dr["spec"]["trafficPolicy"]
        assert policy["tls"]["mode"] == "ISTIO_MUTUAL"
        assert policy["connectionPool"]["tcp"]["maxConnections"] > 0
        assert policy["connectionPool"]["http"]["http1MaxPendingRequests"] > 0
        assert policy["outlierDetection"]["maxEjectionPercent"] <= 50


def test_services_match_the_virtualservice_ports(overlay: Manifests) -> None:
    for route in _vs(overlay)["spec"]["http"]:
        if "route" not in route:
            continue
        (dest,) = route["route"]
        svc = overlay.one("Service", dest["destination"]["host"])
        assert dest["destination"]["port"]["number"] in [p["port"] for p in svc["spec"]["ports"]]
        assert all(re.match(r"^http", p["name"]) for p in svc["spec"]["ports"])


def _seconds(duration: str) -> float:
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m|h)", duration)
    assert match, duration
    return float(match.group(1)) * units[match.group(2)]
