"""Blocks through the API: the edge, its list, what it removes and what it refuses."""

import datetime as dt
import uuid
from typing import Any

from followers import graph
from tests.followers.helpers import (
    block,
    edge_count,
    edges,
    expire_mute,
    follow,
    followed,
    stored_counts,
    two_pages,
    users,
)
from tests.helpers import RFC3339_UTC_MS, get, headers_for

NEUTRAL = "You cannot interact with this user."


def unblock(api: Any, blocker: uuid.UUID, blocked: uuid.UUID | str) -> Any:
    return api.delete(f"/followers/blocks/{blocked}", **headers_for(blocker))


def test_block_is_created_once_then_found(api, alice, bob):
    first = block(api, alice, bob)
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["user_id"] == str(bob)
    assert RFC3339_UTC_MS.match(body["created_at"])
    again = block(api, alice, bob)
    assert again.status_code == 200
    assert again.json() == body
    assert graph.read("MATCH ()-[k:BLOCKS]->() RETURN count(k) AS n")[0]["n"] == 1


def test_block_removes_follows_both_ways_with_exact_counts(api, alice, bob):
    carol = uuid.uuid4()
    edges((alice, bob), (bob, alice), (carol, bob), (carol, alice))
    assert block(api, alice, bob).status_code == 201
    assert edge_count() == 2  # carol's follows stay
    counts = stored_counts()
    assert counts[str(alice)] == (1, 1)
    assert counts[str(bob)] == (1, 1)
    assert all(stored == degree for stored, degree in counts.values())
    assert get(api, carol, f"/followers/user/{bob}/followers/count").json() == {"count": 1}


def test_blocked_user_cannot_follow_the_blocker_nor_the_blocker_them(api, alice, bob):
    block(api, alice, bob)
    for sender, receiver in ((bob, alice), (alice, bob)):
        response = follow(api, sender, receiver)
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "blocked"
        assert response.json()["message"] == NEUTRAL  # never says who blocked whom
    assert edge_count() == 0


def test_unblock_is_idempotent_and_does_not_restore_follows(api, alice, bob):
    edges((bob, alice))
    block(api, alice, bob)
    assert unblock(api, alice, bob).status_code == 204
    assert unblock(api, alice, bob).status_code == 204
    assert edge_count() == 0
    assert follow(api, bob, alice).status_code == 201  # following works again


def test_blocks_list_is_the_callers_newest_first_and_paged(api, alice):
    blocked = users(3)
    for user in blocked:
        assert block(api, alice, user).status_code == 201
    block(api, blocked[0], alice)  # someone blocking alice is not in her list
    assert two_pages(api, alice, "/followers/blocks") == [
        [str(blocked[2]), str(blocked[1])],
        [str(blocked[0])],
    ]


def test_self_block_and_bad_ids_are_400s(api, alice):
    response = block(api, alice, alice)
    assert response.status_code == 400
    assert response.json()["code"] == "self_block"
    assert response.json()["details"] == {"user_id": ["You cannot block yourself."]}
    for bad in (block(api, alice, "nope"), unblock(api, alice, "nope")):
        assert bad.status_code == 400
        assert bad.json()["code"] == "invalid_uuid"
        assert "user_id" in bad.json()["details"]


def test_block_with_an_idempotency_key_replays_the_first_answer(api, alice, bob):
    key = str(uuid.uuid4())
    first = block(api, alice, bob, HTTP_IDEMPOTENCY_KEY=key)
    replay = block(api, alice, bob, HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    other = api.post(
        f"/followers/blocks/{uuid.uuid4()}", **headers_for(alice), HTTP_IDEMPOTENCY_KEY=key
    )
    assert other.status_code == 422


def test_excluded_ids_list_blocks_both_ways_and_active_mutes(api, alice, bob):
    carol, dave, erin = users(3)
    block(api, alice, bob)
    block(api, carol, alice)
    api.post(f"/followers/mutes/{dave}", **headers_for(alice))
    api.post(f"/followers/mutes/{erin}", **headers_for(alice))
    expire_mute(erin)
    response = get(api, alice, f"/followers/user/{alice}/excluded/ids/")
    assert response.status_code == 200
    assert response.json() == {
        "blocked": [str(bob)],
        "blocked_by": [str(carol)],
        "muted": [str(dave)],
        "next_mute_expiry": None,  # dave's mute has no end; erin's has ended
    }


def test_excluded_ids_say_when_the_soonest_mute_ends(api, alice):
    """The posts service keeps the lists until then (posts.following_cache): an ending mute
    needs no signal to show."""
    bob, carol, dave = users(3)
    for who, seconds in ((bob, 7200), (carol, 3600)):
        body = {"duration_seconds": seconds}
        muted = api.post(f"/followers/mutes/{who}", body, format="json", **headers_for(alice))
        assert muted.status_code == 201
    assert api.post(f"/followers/mutes/{dave}", **headers_for(alice)).status_code == 201
    found = get(api, alice, f"/followers/user/{alice}/excluded/ids").json()
    assert sorted(found["muted"]) == sorted(str(u) for u in (bob, carol, dave))
    ends = dt.datetime.fromisoformat(found["next_mute_expiry"])
    assert 3590 < (ends - dt.datetime.now(dt.UTC)).total_seconds() <= 3600


def test_excluded_ids_only_for_the_user_themself(api, alice, bob):
    response = get(api, bob, f"/followers/user/{alice}/excluded/ids")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert get(api, alice, "/followers/user/x/excluded/ids").json()["code"] == "invalid_uuid"


def test_excluded_ids_of_an_unknown_user_are_empty(api):
    stranger = uuid.uuid4()
    graph.write("MATCH (u:User {user_id: $id}) DETACH DELETE u", id=str(stranger))
    response = get(api, stranger, f"/followers/user/{stranger}/excluded/ids")
    assert response.json() == {
        "blocked": [],
        "blocked_by": [],
        "muted": [],
        "next_mute_expiry": None,
    }


def test_block_removes_pending_follow_requests_both_ways(api, alice, bob):
    graph.write(
        "MERGE (a:User {user_id: $a}) MERGE (b:User {user_id: $b}) "
        "CREATE (a)-[:REQUESTED]->(b), (b)-[:REQUESTED]->(a)",
        a=str(alice),
        b=str(bob),
    )
    block(api, bob, alice)
    assert graph.read("MATCH ()-[q:REQUESTED]->() RETURN count(q) AS n")[0]["n"] == 0


def test_block_then_follow_elsewhere_still_works(api, alice, bob):
    carol = uuid.uuid4()
    block(api, alice, bob)
    assert followed(api, alice, carol)["receiver_id"] == str(carol)
