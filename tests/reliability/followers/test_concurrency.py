"""Concurrent unfollows through HTTP (tests/followers/test_concurrency.py covers 50 follows of
one pair and 20 unfollows through the service): 50 at once, by user and by follow id."""

import uuid

from rest_framework.test import APIClient

from followers.consistency import check_consistency
from tests.followers.helpers import edge_count, followed, stored_counts
from tests.helpers import all_at_once, headers_for

N = 50


def count(user: uuid.UUID) -> int:
    response = APIClient().get(f"/followers/user/{user}/followers/count", **headers_for(user))
    return int(response.json()["count"])


def test_fifty_concurrent_unfollows_by_user_leave_exact_counts(api, alice, bob):
    carol = uuid.uuid4()
    followed(api, alice, bob)
    followed(api, carol, bob)
    statuses = all_at_once(
        lambda i: (
            APIClient().delete(f"/followers/following/{bob}", **headers_for(alice)).status_code
        ),
        N,
    )
    assert statuses == [204] * N  # idempotent: every caller is told "not following"
    assert edge_count() == 1
    assert stored_counts()[str(bob)] == (1, 1)
    assert count(bob) == 1
    assert check_consistency().clean


def test_fifty_concurrent_deletes_of_one_follow_remove_it_once(api, alice, bob):
    follow = followed(api, alice, bob)
    statuses = all_at_once(
        lambda i: (
            APIClient().delete(f"/followers/{follow['id']}", **headers_for(alice)).status_code
        ),
        N,
    )
    assert set(statuses) <= {204, 404}
    assert 204 in statuses
    assert edge_count() == 0
    assert stored_counts()[str(bob)] == (0, 0)  # never negative
    assert count(bob) == 0


def test_follows_and_unfollows_interleaved_never_go_negative(api, bob):
    fans = [uuid.uuid4() for _ in range(10)]

    def act(i: int) -> int:
        fan = fans[i % len(fans)]
        client = APIClient()
        if i % 2:
            return int(client.delete(f"/followers/following/{bob}", **headers_for(fan)).status_code)
        body = {"receiver_id": str(bob)}
        return int(client.post("/followers", body, format="json", **headers_for(fan)).status_code)

    assert set(all_at_once(act, N)) <= {200, 201, 204}
    stored, degree = stored_counts()[str(bob)]
    assert stored == degree == edge_count()  # every follow of this test is of bob
    assert degree <= len(fans)  # one edge per fan at most: a duplicate would exceed it
    assert count(bob) == degree
    assert check_consistency().clean
