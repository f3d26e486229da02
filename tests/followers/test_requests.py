"""Locked accounts: follows become requests; accept, reject, withdraw (docs/safety.md)."""

import uuid
from typing import Any

import pytest

from followers import graph, services
from tests.followers.helpers import (
    block,
    edge_count,
    edges,
    follow,
    stored_counts,
    two_pages,
    users,
)
from tests.helpers import get, headers_for


def lock(api: Any, user: uuid.UUID, **settings: bool) -> Any:
    body = {"locked": True, **settings}
    return api.patch("/followers/me", body, format="json", **headers_for(user))


def accept(api: Any, me: uuid.UUID, requester: uuid.UUID | str, **extra: Any) -> Any:
    return api.post(f"/followers/requests/{requester}/accept", **headers_for(me), **extra)


def reject(api: Any, me: uuid.UUID, requester: uuid.UUID | str, **extra: Any) -> Any:
    return api.post(f"/followers/requests/{requester}/reject", **headers_for(me), **extra)


def requests_of(api: Any, me: uuid.UUID) -> list[str]:
    return [r["user_id"] for r in get(api, me, "/followers/requests").json()]


def pending() -> int:
    return int(graph.read("MATCH ()-[q:REQUESTED]->() RETURN count(q) AS n")[0]["n"])


def test_a_follow_of_a_locked_user_is_a_request_answered_202(api, alice, bob):
    lock(api, bob)
    first = follow(api, alice, bob)
    assert first.status_code == 202, first.content
    body = first.json()
    assert body["status"] == "requested"
    assert (body["sender_id"], body["receiver_id"]) == (str(alice), str(bob))
    again = follow(api, alice, bob)
    assert again.status_code == 202
    assert again.json() == body  # the same request
    assert edge_count() == 0
    assert requests_of(api, bob) == [str(alice)]
    assert get(api, alice, "/followers/requests").json() == []  # incoming only


def test_accepting_creates_the_follow_with_exact_counts(api, alice, bob):
    lock(api, bob)
    follow(api, alice, bob)
    response = accept(api, bob, alice)
    assert response.status_code == 201, response.content
    assert response.json()["sender_id"] == str(alice)
    assert response.json()["receiver_id"] == str(bob)
    assert (edge_count(), pending()) == (1, 0)
    assert stored_counts()[str(bob)] == (1, 1)
    again = accept(api, bob, alice)
    assert again.status_code == 200
    assert again.json()["id"] == response.json()["id"]
    assert follow(api, alice, bob).status_code == 200  # now simply following


def test_accepting_without_a_request_is_404(api, alice, bob):
    response = accept(api, bob, alice)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert accept(api, bob, "nope").json()["code"] == "invalid_uuid"


def test_reject_removes_the_request_and_is_idempotent(api, alice, bob):
    lock(api, bob)
    follow(api, alice, bob)
    assert reject(api, bob, alice).status_code == 204
    assert reject(api, bob, alice).status_code == 204
    assert (pending(), edge_count()) == (0, 0)
    assert accept(api, bob, alice).status_code == 404


def test_unfollow_withdraws_a_pending_request(api, alice, bob):
    lock(api, bob)
    follow(api, alice, bob)
    response = api.delete(f"/followers/following/{bob}", **headers_for(alice))
    assert response.status_code == 204
    assert pending() == 0


def test_locking_keeps_followers_and_unlocking_accepts_nothing(api, alice, bob):
    carol = uuid.uuid4()
    edges((carol, bob))
    lock(api, bob)
    assert edge_count() == 1  # carol still follows
    follow(api, alice, bob)
    unlocked = api.patch("/followers/me", {"locked": False}, format="json", **headers_for(bob))
    assert unlocked.json()["locked"] is False
    assert (pending(), edge_count()) == (1, 1)  # alice still waits
    assert follow(api, uuid.uuid4(), bob).status_code == 201  # new follows go straight in


def test_requests_list_is_newest_first_and_paged(api, bob):
    lock(api, bob)
    askers = users(3)
    for asker in askers:
        follow(api, asker, bob)
    assert two_pages(api, bob, "/followers/requests") == [
        [str(askers[2]), str(askers[1])],
        [str(askers[0])],
    ]


def test_a_blocked_user_cannot_request_and_a_block_removes_requests(api, alice, bob):
    lock(api, bob)
    follow(api, alice, bob)
    block(api, bob, alice)
    assert pending() == 0
    response = follow(api, alice, bob)
    assert response.status_code == 403
    assert response.json()["code"] == "blocked"
    assert accept(api, bob, alice).status_code == 404


def test_accept_and_reject_with_an_idempotency_key_replay(api, alice, bob):
    lock(api, bob)
    follow(api, alice, bob)
    key = str(uuid.uuid4())
    first = accept(api, bob, alice, HTTP_IDEMPOTENCY_KEY=key)
    replay = accept(api, bob, alice, HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    carol = uuid.uuid4()
    follow(api, carol, bob)
    other_key = str(uuid.uuid4())
    assert reject(api, bob, carol, HTTP_IDEMPOTENCY_KEY=other_key).status_code == 204
    assert reject(api, bob, carol, HTTP_IDEMPOTENCY_KEY=other_key).status_code == 204


@pytest.mark.parametrize("locked", [False, True])
def test_a_follow_by_a_caller_never_seen_is_one_write_that_stores_their_name(
    api, alice, bob, monkeypatch, locked
):
    """The follow's own transaction upserts the caller with their username, on the request
    path too, so no second write transaction runs before it (followers.views.base)."""
    if locked:
        lock(api, bob)
    services.forget_seen()
    writes: list[str] = []
    real = graph._transaction
    monkeypatch.setattr(
        graph, "_transaction", lambda name, call: writes.append(name) or real(name, call)
    )
    response = api.post(
        "/followers", {"receiver_id": str(bob)}, format="json", **headers_for(alice, "alice")
    )
    assert response.status_code == (202 if locked else 201), response.content
    assert writes == ["services.follows.follow_create"]
    stored = graph.read("MATCH (u:User {user_id: $id}) RETURN u.username AS name", id=str(alice))
    assert [r["name"] for r in stored] == ["alice"]
