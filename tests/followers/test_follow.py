"""POST /followers, DELETE /followers/{id}, DELETE /followers/following/{user_id}."""

import uuid

import pytest

from followers import graph
from tests.followers.helpers import edge_count, follow, followed, stored_counts
from tests.helpers import RFC3339_UTC_MS, get, headers_for


def test_follow_is_201_with_the_v1_shape(api, alice, bob):
    response = follow(api, alice, bob)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "sender_id", "receiver_id", "created_at"}
    assert uuid.UUID(body["id"])
    assert body["sender_id"] == str(alice)
    assert body["receiver_id"] == str(bob)
    assert RFC3339_UTC_MS.match(body["created_at"])


def test_following_again_is_200_with_the_same_follow(api, alice, bob):
    first = followed(api, alice, bob)
    again = follow(api, alice, bob)
    assert again.status_code == 200
    assert again.json() == first
    assert edge_count() == 1


def test_trailing_slash_works_too(api, alice, bob):
    assert (
        api.post(
            "/followers/", {"receiver_id": str(bob)}, format="json", **headers_for(alice)
        ).status_code
        == 201
    )


def test_following_yourself_is_400_naming_receiver_id(api, alice):
    response = follow(api, alice, alice)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "self_follow"
    assert "receiver_id" in body["details"]
    assert edge_count() == 0


@pytest.mark.parametrize("receiver", ["nobody", "1234", "", "' OR 1=1 //", None, 42])
def test_malformed_receiver_is_400_naming_receiver_id(api, alice, receiver):
    response = api.post(
        "/followers", {"receiver_id": receiver}, format="json", **headers_for(alice)
    )
    assert response.status_code == 400
    assert "receiver_id" in response.json()["details"]


@pytest.mark.parametrize("receiver", ["nobody", "", 42])
def test_malformed_receiver_is_invalid_uuid_as_a_malformed_path_id_is(api, alice, receiver):
    response = api.post(
        "/followers", {"receiver_id": receiver}, format="json", **headers_for(alice)
    )
    assert response.json() == {
        "code": "invalid_uuid",
        "message": "receiver_id: Must be a valid UUID.",
        "details": {"receiver_id": ["Must be a valid UUID."]},
    }


def test_unknown_fields_are_refused_naming_them(api, alice, bob):
    body = {"receiver_id": str(bob), "receiver": str(bob), "sender_id": str(alice)}
    response = api.post("/followers", body, format="json", **headers_for(alice))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert response.json()["details"] == {
        "receiver": ["Unknown field."],
        "sender_id": ["Unknown field."],
    }
    assert edge_count() == 0


def test_missing_receiver_is_400(api, alice):
    response = api.post("/followers", {}, format="json", **headers_for(alice))
    assert response.status_code == 400
    assert "receiver_id" in response.json()["details"]


def test_without_identity_every_route_is_401(api, alice):
    for method, path in [
        ("post", "/followers"),
        ("delete", f"/followers/{uuid.uuid4()}"),
        ("delete", f"/followers/following/{alice}"),
        ("get", f"/followers/user/{alice}"),
        ("get", f"/followers/user/{alice}/followers"),
        ("get", f"/followers/user/{alice}/following/ids"),
        ("get", "/followers/suggestions"),
    ]:
        response = getattr(api, method)(path)
        assert response.status_code == 401, (method, path)
        assert response.json()["code"] == "not_authenticated"
    assert edge_count() == 0


def test_follow_upserts_both_users_and_the_callers_username(api, alice, bob):
    follow(api, alice, bob, HTTP_X_USERNAME="alice")
    follow(api, alice, bob, HTTP_X_USERNAME="alice.renamed")
    rows = graph.read("MATCH (u:User) RETURN u.user_id AS id, u.username AS name")
    assert {r["id"]: r["name"] for r in rows} == {str(alice): "alice.renamed", str(bob): None}


def test_a_read_upserts_the_caller_once(api, alice, bob):
    api.get(f"/followers/user/{bob}", **headers_for(alice, "alice"))
    rows = graph.read("MATCH (u:User) RETURN u.user_id AS id, u.username AS name")
    assert [(r["id"], r["name"]) for r in rows] == [(str(alice), "alice")]


def test_delete_by_id_by_the_follower_is_204(api, alice, bob):
    created = followed(api, alice, bob)
    response = api.delete(f"/followers/{created['id']}", **headers_for(alice))
    assert response.status_code == 204
    assert edge_count() == 0
    assert get(api, alice, f"/followers/user/{bob}/followers/count").json() == {"count": 0}


def test_delete_by_id_by_someone_else_is_403_and_keeps_the_follow(api, alice, bob):
    created = followed(api, alice, bob)
    for intruder in (bob, uuid.uuid4()):
        response = api.delete(f"/followers/{created['id']}/", **headers_for(intruder))
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
    assert edge_count() == 1


def test_delete_of_an_unknown_follow_is_404(api, alice):
    response = api.delete(f"/followers/{uuid.uuid4()}", **headers_for(alice))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_delete_with_a_malformed_id_is_400_naming_follow_id(api, alice):
    response = api.delete("/followers/not-a-uuid", **headers_for(alice))
    assert response.status_code == 400
    assert "follow_id" in response.json()["details"]


def test_unfollow_by_user_is_idempotent(api, alice, bob):
    followed(api, alice, bob)
    for path in (f"/followers/following/{bob}", f"/followers/following/{bob}/"):
        assert api.delete(path, **headers_for(alice)).status_code == 204
    assert edge_count() == 0
    # never followed, unknown user: still 204
    assert (
        api.delete(f"/followers/following/{uuid.uuid4()}", **headers_for(alice)).status_code == 204
    )


def test_unfollow_with_a_malformed_id_is_400_naming_user_id(api, alice):
    response = api.delete("/followers/following/xyz", **headers_for(alice))
    assert response.status_code == 400
    assert "user_id" in response.json()["details"]


def test_refollow_after_unfollow_is_a_new_follow(api, alice, bob):
    first = followed(api, alice, bob)
    api.delete(f"/followers/following/{bob}", **headers_for(alice))
    second = followed(api, alice, bob)
    assert second["id"] != first["id"]
    # the old id is gone for good
    assert api.delete(f"/followers/{first['id']}", **headers_for(alice)).status_code == 404


def test_stored_follower_counts_track_the_edges(api, alice, bob):
    carol = uuid.uuid4()
    followed(api, alice, bob)
    followed(api, carol, bob)
    follow(api, carol, bob)  # idempotent: no second increment
    api.delete(f"/followers/following/{bob}", **headers_for(alice))
    api.delete(f"/followers/following/{bob}", **headers_for(alice))  # no second decrement
    counts = stored_counts()
    assert counts[str(bob)] == (1, 1)
    assert all(stored == degree for stored, degree in counts.values())
