"""Issue 16: the followers service's "relationship changed" signal (a block, unblock, mute or
unmute by the caller) and the follow-request variant of "following changed"."""

import datetime as dt
import uuid

import pytest

from posts import timelines
from posts.clients import Exclusions
from posts.documents import now_ms, posts_collection
from posts.following_cache import exclusions_cache_put, following_cache_put, graph_get
from tests.helpers import assert_refused, headers_for
from tests.posts.helpers import created

SIGNAL = "/posts/internal/relationship-changed"
FOLLOWING = "/posts/internal/following-changed"
SOMEONE = str(uuid.uuid4())


def signal(api, user, body, path=SIGNAL):  # type: ignore[no-untyped-def]
    return api.post(path, body, format="json", **headers_for(user))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "user_id"),
        ({"change": "block"}, "user_id"),
        ({"user_id": "not-a-uuid", "change": "block"}, "user_id"),
        ({"user_id": 42, "change": "block"}, "user_id"),
        ({"user_id": SOMEONE}, "change"),
        ({"user_id": SOMEONE, "change": "blok"}, "change"),
        ({"user_id": SOMEONE, "change": 1}, "change"),
        ({"user_id": SOMEONE, "change": ["block"]}, "change"),
        ({"user_id": SOMEONE, "change": "block", "extra": 1}, "extra"),
    ],
)
def test_a_bad_signal_is_a_400_naming_the_field(api, alice, body, field):
    assert_refused(signal(api, alice, body), field)


def test_a_signal_about_the_caller_themself_is_refused(api, alice):
    assert_refused(signal(api, alice, {"user_id": str(alice), "change": "block"}), "user_id")


def _following_stamp(user: uuid.UUID) -> dt.datetime | None:
    cached = graph_get(user).following
    assert cached is not None
    return cached.fetched_at


def _excluded(user: uuid.UUID) -> Exclusions:
    cached = graph_get(user).excluded
    assert cached is not None
    return cached.value


def _excluded_stamp(user: uuid.UUID) -> dt.datetime | None:
    cached = graph_get(user).excluded
    assert cached is not None
    return cached.fetched_at


def _entries(owner: uuid.UUID) -> set[uuid.UUID]:
    return {e["a"] for e in timelines.entries().find({"o": owner})}


def _deliver(owner: uuid.UUID, *posts: dict) -> None:
    rows = [posts_collection().find_one({"_id": uuid.UUID(p["id"])}) for p in posts]
    timelines.append(timelines.entry(owner, row, now_ms()) for row in rows)


def test_a_block_purges_both_timelines_and_drops_both_users_caches(api, alice, bob):
    carol = uuid.uuid4()
    by_alice, by_bob, by_carol = (created(api, u) for u in (alice, bob, carol))
    _deliver(alice, by_alice, by_bob, by_carol)
    _deliver(bob, by_alice, by_bob, by_carol)
    _deliver(carol, by_alice, by_bob)
    now = now_ms()
    following_cache_put(alice, [bob, carol], now)
    exclusions_cache_put(alice, Exclusions(muted=frozenset({carol})), now)
    following_cache_put(bob, [alice], now)

    response = signal(api, alice, {"user_id": str(bob), "change": "block"})

    assert response.status_code == 204, response.content
    assert _entries(alice) == {alice, carol}
    assert _entries(bob) == {bob, carol}
    assert _entries(carol) == {alice, bob}  # nobody else's timeline moves
    assert _following_stamp(alice) is None  # asked afresh
    assert _following_stamp(bob) is None
    # The stale exclusions already hold the block (used while the followers service is down).
    assert _excluded_stamp(alice) is None
    assert _excluded(alice) == Exclusions(blocked=frozenset({bob}), muted=frozenset({carol}))
    # Bob's were never fetched: no partial list that could pass for his whole exclusions.
    assert graph_get(bob).excluded is None
    assert timelines.blocks().count_documents({"u": alice}) == 1


def test_unblock_mute_and_unmute_correct_the_cached_exclusions(api, alice, bob):
    carol = uuid.uuid4()
    old = now_ms() - dt.timedelta(seconds=1)
    exclusions_cache_put(alice, Exclusions(blocked=frozenset({bob})), old)
    exclusions_cache_put(bob, Exclusions(blocked_by=frozenset({alice})), old)
    by_carol = created(api, carol)
    _deliver(alice, by_carol)

    assert signal(api, alice, {"user_id": str(bob), "change": "unblock"}).status_code == 204
    assert _excluded(alice) == Exclusions()
    assert _excluded(bob) == Exclusions()
    assert _excluded_stamp(bob) is None

    assert signal(api, alice, {"user_id": str(carol), "change": "mute"}).status_code == 204
    assert _excluded(alice) == Exclusions(muted=frozenset({carol}))
    assert _entries(alice) == {carol}  # a mute hides at read time; nothing is deleted

    assert signal(api, alice, {"user_id": str(carol), "change": "unmute"}).status_code == 204
    assert _excluded(alice) == Exclusions()
    assert timelines.blocks().count_documents({}) == 0  # only blocks are remembered


def test_the_signal_is_idempotent(api, alice, bob):
    exclusions_cache_put(alice, Exclusions(), now_ms())
    for _ in range(2):
        assert signal(api, alice, {"user_id": str(bob), "change": "block"}).status_code == 204
    assert _excluded(alice) == Exclusions(blocked=frozenset({bob}))
    assert timelines.blocks().count_documents({}) == 1


def test_an_accepted_follow_request_changes_the_followers_cache_not_the_callers(api, alice, bob):
    now = now_ms()
    following_cache_put(alice, [], now)
    following_cache_put(bob, [], now)
    body = {"followee_id": str(alice), "following": True, "follower_id": str(bob)}

    assert signal(api, alice, body, FOLLOWING).status_code == 204

    assert _following_stamp(bob) is None
    assert _following_stamp(alice) == now


def test_a_follower_id_without_a_followee_id_is_a_400(api, alice, bob):
    body = {"following": True, "follower_id": str(bob)}
    assert_refused(signal(api, alice, body, FOLLOWING), "followee_id")


def test_a_follower_id_needs_the_caller_as_the_followee(api, alice, bob):
    body = {"followee_id": str(uuid.uuid4()), "following": True, "follower_id": str(bob)}
    response = signal(api, alice, body, FOLLOWING)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert "followee_id" in response.json()["details"]
