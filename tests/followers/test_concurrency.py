"""Concurrency on the real server: one edge per pair, exact stored counts, no deadlock errors."""

import logging
import uuid

import pytest
from rest_framework.test import APIClient

from followers import services
from tests.followers.helpers import acting, edge_count, follow, stored_counts, users
from tests.helpers import all_at_once, headers_for

N = 50


def _existing(*people: uuid.UUID) -> None:
    # Users created beforehand: creating a node takes an exclusive lock on its index entry,
    # which would serialise the contenders and hide any race on the edge itself.
    for person in people:
        services.user_upsert(user_id=person, username=None)


def _retried(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The driver's "Transaction failed and will be retried" lines (deadlocks among them)."""
    return [r.getMessage() for r in caplog.records if "will be retried" in r.getMessage()]


def test_fifty_simultaneous_follows_of_one_pair_make_one_edge(alice, bob):
    _existing(alice, bob)
    # One APIClient per thread: 50 independent requests through the whole Django stack.
    responses = all_at_once(lambda i: follow(APIClient(), alice, bob), N)
    assert sorted({r.status_code for r in responses}) in ([200, 201], [201])
    assert [r.status_code for r in responses].count(201) == 1
    assert len({r.json()["id"] for r in responses}) == 1  # every caller got the same follow
    assert edge_count() == 1
    assert stored_counts()[str(bob)] == (1, 1)


def test_fifty_simultaneous_service_calls_agree_on_the_follow(alice, bob):
    _existing(alice, bob)
    results = all_at_once(
        lambda i: services.follow_create(caller=acting(alice), receiver_id=bob), N
    )
    assert [created for _, created in results].count(True) == 1
    assert len({follow.id for follow, _ in results}) == 1
    assert edge_count() == 1


def test_follow_and_unfollow_storm_keeps_stored_counts_exact(bob, caplog):
    fans = users(10)
    _existing(bob, *fans)

    def act(i):  # type: ignore[no-untyped-def]
        fan = fans[i % len(fans)]
        if i % 3 == 2:
            return services.follow_remove_by_user(caller=acting(fan), receiver_id=bob)
        return services.follow_create(caller=acting(fan), receiver_id=bob)

    with caplog.at_level(logging.WARNING, logger="neo4j"):
        all_at_once(act, 60)
    assert _retried(caplog) == []  # every write locks its pair first, in one order
    counts = stored_counts()
    assert counts[str(bob)][0] == counts[str(bob)][1]
    assert all(stored == degree for stored, degree in counts.values())


def test_simultaneous_unfollows_decrement_once(alice, bob):
    services.follow_create(caller=acting(alice), receiver_id=bob)
    carol = uuid.uuid4()
    services.follow_create(caller=acting(carol), receiver_id=bob)
    removed = all_at_once(
        lambda i: services.follow_remove_by_user(caller=acting(alice), receiver_id=bob), 20
    )
    assert removed.count(True) == 1
    assert stored_counts()[str(bob)] == (1, 1)


def test_two_users_following_each_other_at_once(alice, bob):
    _existing(alice, bob)

    # Opposite lock orders may deadlock inside Neo4j; managed transactions retry them.
    def act(i):  # type: ignore[no-untyped-def]
        sender, receiver = (alice, bob) if i % 2 else (bob, alice)
        return follow(APIClient(), sender, receiver).status_code

    codes = all_at_once(act, 40)
    assert set(codes) <= {200, 201}
    assert codes.count(201) == 2
    assert edge_count() == 2


def test_many_fans_follow_one_user_at_once(bob, caplog):
    fans = users(N)
    _existing(bob, *fans)
    with caplog.at_level(logging.WARNING, logger="neo4j"):
        codes = all_at_once(lambda i: follow(APIClient(), fans[i], bob).status_code, N)
    assert codes == [201] * N
    # Fans lock themselves and bob, so no two of them can deadlock: no transaction is retried
    # (a lock taken by a SET that reads what it writes made Neo4j report false deadlocks by
    # the thousand here: followers.graph.write_lock).
    assert _retried(caplog) == []
    assert stored_counts()[str(bob)] == (N, N)
    response = APIClient().get(f"/followers/user/{bob}/followers/count", **headers_for(bob))
    assert response.json() == {"count": N}
