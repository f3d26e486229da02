"""Routing: every route with and without the trailing slash; write throttling; callers seen."""

import uuid

import pytest
from rest_framework.throttling import ScopedRateThrottle

from followers import graph
from tests.followers.helpers import edges
from tests.helpers import get, headers_for

GETS = [
    "/followers/user/{u}",
    "/followers/user/{u}/followers",
    "/followers/user/{u}/following",
    "/followers/user/{u}/followers/count",
    "/followers/user/{u}/following/count",
    "/followers/user/{u}/following/ids",
    "/followers/user/{u}/mutual",
    "/followers/suggestions",
    "/followers/blocks",
    "/followers/mutes",
]


@pytest.mark.parametrize("route", GETS)
@pytest.mark.parametrize("slash", ["", "/"])
def test_every_read_route_answers_with_and_without_slash(api, alice, bob, route, slash):
    edges((alice, bob))
    response = get(api, alice, route.format(u=bob) + slash)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "path",
    [
        "/followers/following/{u}",
        "/followers/suggestions/{u}",
        "/followers/{f}",
        "/followers/blocks/{u}",
        "/followers/mutes/{u}",
    ],
)
@pytest.mark.parametrize("slash", ["", "/"])
def test_every_delete_route_answers_with_and_without_slash(api, alice, bob, path, slash):
    response = api.delete(path.format(u=bob, f=uuid.uuid4()) + slash, **headers_for(alice))
    assert response.status_code in (204, 404), response.content


def test_wrong_method_is_a_json_405(api, alice):
    response = api.get("/followers", **headers_for(alice))
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_writes_are_throttled_per_caller_and_reads_are_not(api, alice, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"writes": "3/min"})
    targets = [uuid.uuid4() for _ in range(4)]
    codes = [
        api.post(
            "/followers", {"receiver_id": str(t)}, format="json", **headers_for(alice)
        ).status_code
        for t in targets
    ]
    assert codes == [201, 201, 201, 429]
    assert api.delete(f"/followers/following/{targets[0]}", **headers_for(alice)).status_code == 429
    for _ in range(5):
        assert get(api, alice, f"/followers/user/{alice}/following/count").status_code == 200
    other = uuid.uuid4()
    assert (
        api.post(
            "/followers", {"receiver_id": str(alice)}, format="json", **headers_for(other)
        ).status_code
        == 201
    )


def test_a_new_username_on_a_read_is_stored(api, alice):
    for name in ("before", "after"):
        api.get("/followers/suggestions", **headers_for(alice, name))
    rows = graph.read("MATCH (u:User) RETURN u.username AS name")
    assert [r["name"] for r in rows] == ["after"]


def test_a_missing_username_keeps_the_known_one(api, alice):
    api.get("/followers/suggestions", **headers_for(alice, "known"))
    api.post("/followers", {"receiver_id": str(uuid.uuid4())}, format="json", **headers_for(alice))
    rows = graph.read("MATCH (u:User {user_id: $id}) RETURN u.username AS name", id=str(alice))
    assert rows[0]["name"] == "known"
