"""Hostile input to the followers service: Cypher injection in ids and usernames, operator
objects in the body, huge limits, forged cursors. Each is a clear 4xx; the graph is untouched
(or, for a harmless name, stored as plain text)."""

import uuid

import pytest
from django.core import signing
from django.test import Client

from followers import graph
from hornet.pagination import encode_cursor
from tests.followers.helpers import edge_count, follow
from tests.helpers import get, headers_for

CYPHER = [
    "' OR 1=1 //",
    "x'}) MATCH (n) DETACH DELETE n //",
    '"}) RETURN 1 //',
    "1 UNION MATCH (n) RETURN n",
    "$user_id",
    "`User`",
    "{user_id: '1'}",
    "00000000-0000-0000-0000-000000000000' OR '1'='1",
]
LIST_PATHS = ["followers", "following", "following/ids", "mutual"]


def nodes() -> int:
    return int(graph.read("MATCH (n) RETURN count(n) AS n")[0]["n"])


def refused(response, status=400) -> dict:  # type: ignore[no-untyped-def,type-arg]
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    return dict(body)


@pytest.fixture
def graph_before(api, alice, bob):  # type: ignore[no-untyped-def]
    assert follow(api, alice, bob).status_code == 201
    return nodes(), edge_count()


@pytest.mark.parametrize("payload", CYPHER)
def test_cypher_in_path_ids_is_400_and_changes_nothing(api, alice, graph_before, payload):
    for method, path in (
        ("get", f"/followers/user/{payload}"),
        ("get", f"/followers/user/{payload}/followers"),
        ("get", f"/followers/user/{payload}/followers/count"),
        ("delete", f"/followers/{payload}"),
        ("delete", f"/followers/following/{payload}"),
        ("delete", f"/followers/suggestions/{payload}"),
    ):
        response = getattr(api, method)(path, **headers_for(alice))
        assert response.status_code in (400, 404), (path, response.content)
    assert (nodes(), edge_count()) == graph_before


@pytest.mark.parametrize("payload", [*CYPHER, {"$gt": ""}, ["x"], 42, None, True])
def test_cypher_and_operators_in_receiver_id_are_400(api, alice, graph_before, payload):
    response = api.post("/followers", {"receiver_id": payload}, format="json", **headers_for(alice))
    assert "receiver_id" in refused(response)["details"]
    assert (nodes(), edge_count()) == graph_before


@pytest.mark.parametrize("username", ["x'}) DETACH DELETE n //", "a\nb", "<script>", "a" * 256])
def test_cypher_in_usernames_is_refused_401(api, bob, graph_before, username):
    response = follow(api, uuid.uuid4(), bob, HTTP_X_USERNAME=username)
    assert refused(response, 401)["code"] == "invalid_identity"
    assert (nodes(), edge_count()) == graph_before


def test_a_cypher_looking_but_valid_username_is_stored_as_plain_text(api, bob, graph_before):
    me = uuid.uuid4()
    name = "MATCH n DETACH DELETE n"  # letters and spaces only: a valid name
    assert follow(api, me, bob, HTTP_X_USERNAME=name).status_code == 201
    stored = graph.read("MATCH (u:User {user_id: $id}) RETURN u.username AS n", id=str(me))
    assert stored[0]["n"] == name
    assert nodes() == graph_before[0] + 1


@pytest.mark.parametrize("identity", ["' OR 1=1 //", '{"$gt": ""}', "", "not-a-uuid"])
def test_forged_identities_are_401(api, bob, graph_before, identity):
    response = api.post(
        "/followers", {"receiver_id": str(bob)}, format="json", HTTP_X_USER_ID=identity
    )
    assert response.status_code == 401
    assert (nodes(), edge_count()) == graph_before


@pytest.mark.parametrize("path", LIST_PATHS)
def test_huge_and_junk_limits_are_400(api, alice, bob, graph_before, path):
    for limit in ("0", "-1", "5001", "100000000000", "9" * 300, '{"$gt":0}', "1.5"):
        body = refused(
            api.get(f"/followers/user/{bob}/{path}", {"limit": limit}, **headers_for(alice))
        )
        assert "limit" in body["details"]


@pytest.mark.parametrize("path", [*LIST_PATHS, "suggestions"])
def test_forged_cursors_are_400(api, alice, bob, graph_before, path):
    url = "/followers/suggestions" if path == "suggestions" else f"/followers/user/{bob}/{path}"
    forged = [
        "abc",
        encode_cursor({"t": "2024-01-01T00:00:00+00:00", "id": "x"})[:-4] + "AAAA",
        signing.dumps({"t": "x", "id": "y"}, key="not-our-secret", salt="hornet.cursor"),
        encode_cursor({"t": "' OR 1=1 //", "id": "x"}),
        encode_cursor({"t": {"$gt": ""}, "id": None}),
        encode_cursor({"m": -1, "f": "x", "u": 3}),
        encode_cursor({"t": 1, "id": uuid.uuid4().hex}),  # a posts cursor
        "A" * 600,
    ]
    for cursor in forged:
        response = api.get(url, {"cursor": cursor}, **headers_for(alice))
        assert refused(response)["code"] == "invalid_cursor"
    assert (nodes(), edge_count()) == graph_before


def test_bodies_that_are_not_flat_json_are_400(alice, graph_before):
    for raw in (
        b'{"receiver_id": ' + b"[" * 3000 + b"]" * 3000 + b"}",
        b'{"receiver_id": "\xff\xfe"}',
        b"[]",
        b'{"receiver_id": "' + b"a" * (70 * 1024) + b'"}',
    ):
        response = Client().post(
            "/followers", raw, content_type="application/json", **headers_for(alice)
        )
        assert response.status_code in (400, 413)
    assert edge_count() == graph_before[1]


def test_reads_of_unknown_users_do_not_create_them(api, alice, graph_before):
    stranger = uuid.uuid4()
    assert get(api, alice, f"/followers/user/{stranger}/followers/count").json() == {"count": 0}
    assert nodes() == graph_before[0]
