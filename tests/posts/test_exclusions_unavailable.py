"""Issue 16: when the followers service cannot say whom the caller blocks, reads use the last
known exclusions; with none known they fail closed (503, or the feed's own posts only)."""

import datetime as dt
import uuid

import pytest

from posts.clients import Exclusions, followers_client
from posts.documents import now_ms
from posts.following_cache import (
    exclusions_cache_put,
    following_cache_put,
    graph_get,
    refreshes,
)
from posts.safety import BLOCK, relationship_changed
from posts.services import post_create
from tests.helpers import get
from tests.posts.helpers import create, created


@pytest.fixture
def followers_down(with_followers, settings):  # type: ignore[no-untyped-def]
    settings.FOLLOWERS_SERVICE_URL = "http://127.0.0.1:9"  # nothing listens there
    followers_client.cache_clear()
    yield
    followers_client.cache_clear()


def _reads(post_id: str, author: uuid.UUID) -> list[str]:
    return [
        f"/posts/{post_id}",
        f"/posts/{post_id}/replies",
        f"/posts/{post_id}/context",
        f"/posts/author/{author}",
    ]


def test_with_no_exclusions_known_every_filtering_read_fails_closed(
    api, alice, bob, followers_down
):
    theirs = created(api, bob)  # a top-level post needs nobody's exclusions
    for path in _reads(theirs["id"], bob):
        response = get(api, alice, path)
        assert response.status_code == 503, path
        assert response.json()["code"] == "followers_unavailable"
    for field in ("parent_post_id", "original_post_id"):
        response = create(api, alice, **{field: theirs["id"], "content": "hi"})
        assert response.status_code == 503, field
        assert response.json()["code"] == "followers_unavailable"


def test_with_no_exclusions_known_the_feed_shows_only_the_callers_own_posts(
    api, alice, bob, followers_down
):
    following_cache_put(alice, [bob], now_ms())  # whom she follows is known, fresh
    created(api, bob)
    mine = created(api, alice)
    response = get(api, alice, "/feed")
    assert response.status_code == 200
    assert response["X-Feed-Degraded"] == "true"
    assert [p["id"] for p in response.json()] == [mine["id"]]


def test_the_last_known_exclusions_are_used_while_the_followers_service_is_down(
    api, alice, bob, followers_down
):
    carol = uuid.uuid4()
    long_ago = now_ms() - dt.timedelta(hours=1)
    exclusions_cache_put(alice, Exclusions(blocked_by=frozenset({bob})), long_ago)
    following_cache_put(alice, [bob, carol], long_ago)
    by_bob, by_carol = created(api, bob), created(api, carol)
    # Carol's exclusions are not known either: her share is stored directly.
    shared = {"id": str(post_create(author_id=carol, original_post_id=uuid.UUID(by_bob["id"])).id)}

    assert get(api, alice, f"/posts/{by_bob['id']}").status_code == 404
    assert get(api, alice, f"/posts/{shared['id']}").status_code == 404
    assert get(api, alice, f"/posts/{by_carol['id']}").status_code == 200
    assert get(api, alice, f"/posts/author/{bob}").json() == []
    assert [p["id"] for p in get(api, alice, f"/posts/author/{carol}").json()] == [by_carol["id"]]
    reply = create(api, alice, parent_post_id=by_bob["id"], content="hi")
    assert reply.status_code == 403
    assert reply.json()["code"] == "blocked"
    response = get(api, alice, "/feed")
    assert response.status_code == 200
    assert response["X-Feed-Degraded"] == "true"
    assert [p["id"] for p in response.json()] == [by_carol["id"]]


@pytest.mark.parametrize(("age_seconds", "asked"), [(60, False), (3601, False), (90_001, True)])
def test_exclusions_are_reused_for_their_own_time_not_the_following_lists(
    api, alice, bob, followers_down, settings, age_seconds, asked
):
    """Exclusions are fresh for EXCLUSIONS_CACHE_SECONDS (an hour), far longer than the
    following list's 5 s (signals correct them at once), and used for EXCLUSIONS_STALE_SECONDS
    (a day) more while they are fetched anew in the background: a minute-old or an hour-old
    copy serves the read without waiting for a followers call, so the feed with the followers
    service down is not degraded; an older one is asked for before the read (and, the service
    being down, the feed says so)."""
    assert (settings.EXCLUSIONS_CACHE_SECONDS, settings.EXCLUSIONS_STALE_SECONDS) == (3600, 86_400)
    now = now_ms()
    exclusions_cache_put(
        alice, Exclusions(blocked=frozenset({bob})), now - dt.timedelta(seconds=age_seconds)
    )
    following_cache_put(alice, [bob], now)
    created(api, bob)
    mine = created(api, alice)
    response = get(api, alice, "/feed")
    assert response.status_code == 200
    assert [p["id"] for p in response.json()] == [mine["id"]]
    assert (response.get("X-Feed-Degraded") == "true") is asked


def test_exclusions_whose_soonest_mute_has_ended_are_asked_for_before_the_read(
    api, alice, bob, followers_down
):
    """The followers service says when the soonest mute ends (``next_mute_expiry``); past
    then the cached copy is wrong by itself, so it is neither fresh nor served while
    refetched: the read asks first (here the service is down: the last known copy, degraded)."""
    now = now_ms()
    ended = Exclusions(muted=frozenset({bob}), next_mute_expiry=now - dt.timedelta(seconds=1))
    exclusions_cache_put(alice, ended, now - dt.timedelta(seconds=60))
    following_cache_put(alice, [bob], now)
    created(api, bob)
    mine = created(api, alice)
    response = get(api, alice, "/feed")
    assert response["X-Feed-Degraded"] == "true"
    assert [p["id"] for p in response.json()] == [mine["id"]]  # last known: bob still muted
    cached = graph_get(alice).excluded
    assert cached is not None
    assert cached.until == ended.next_mute_expiry


def test_exclusions_past_their_time_are_used_once_more_and_fetched_anew_behind_the_read(
    api, alice, bob, with_followers
):
    """Stale-while-revalidate: an hour-old copy saying Alice blocks Bob (the followers service
    knows of no block) still hides Bob's post from the read that finds it, which does not
    wait; the followers call runs behind it and stores what the service says, fresh, so the
    next read shows Bob's post."""
    long_ago = now_ms() - dt.timedelta(seconds=3601)
    exclusions_cache_put(alice, Exclusions(blocked=frozenset({bob})), long_ago)
    theirs = created(api, bob)
    assert get(api, alice, f"/posts/{theirs['id']}").status_code == 404
    assert refreshes().drain()
    cached = graph_get(alice).excluded
    assert cached is not None
    assert cached.value == Exclusions()
    assert cached.fetched_at is not None
    assert cached.fetched_at > long_ago
    assert get(api, alice, f"/posts/{theirs['id']}").status_code == 200


def test_a_background_fetch_never_overwrites_a_signal_that_came_meanwhile(alice, bob):
    """A background fetch stores its answer only over the copy it replaces: a block signalled
    while the followers call was under way (the copy corrected and marked stale) is kept, not
    replaced by the answer fetched before the block."""
    exclusions_cache_put(alice, Exclusions(), now_ms() - dt.timedelta(seconds=3601))
    replacing = graph_get(alice).excluded
    relationship_changed(user_id=alice, other=bob, change=BLOCK)  # the signal, meanwhile
    exclusions_cache_put(alice, Exclusions(), now_ms(), replacing)  # fetched before the block
    cached = graph_get(alice).excluded
    assert cached is not None
    assert cached.value == Exclusions(blocked=frozenset({bob}))
    assert cached.fetched_at is None  # still stale: the next read asks before reading
