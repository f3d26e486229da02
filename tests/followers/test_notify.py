"""The follow services, not their views, tell the posts service that following changed.

A recording HTTP server stands where the posts service would be (tests/feed has the real one
end to end); the services are called directly, with the ``Forward`` a view would build, so
each signal here is the service's own.
"""

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from followers import clients, services
from hornet.errors import Forbidden, NotFound
from tests.followers.helpers import acting
from tests.support.proxies import RecordingProxy
from tests.support.services import free_port

SIGNAL = "/posts/internal/following-changed"
TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


@pytest.fixture
def posts(settings: Any) -> Iterator[RecordingProxy]:
    """Records what reaches "the posts service" (and answers 502: nothing behind it)."""
    recorder = RecordingProxy(free_port(), "http://127.0.0.1:9")
    recorder.start()
    settings.POSTS_SERVICE_URL = f"http://127.0.0.1:{recorder.port}"
    clients._posts_http.cache_clear()
    try:
        yield recorder
    finally:
        recorder.stop()
        clients._posts_http.cache_clear()


def signals(posts: RecordingProxy) -> list[tuple[str, str]]:
    """(method, user id) of each following-changed call received so far."""
    return [(method, headers["x-user-id"]) for method, _, headers in posts.calls(SIGNAL)]


def test_a_new_follow_is_signalled_once_with_the_callers_headers(posts, alice, bob):
    me = acting(alice, traceparent=TRACE)
    _, created = services.follow_create(caller=me, receiver_id=bob)
    assert created
    ((_, _, headers),) = posts.calls(SIGNAL)
    assert headers["x-user-id"] == str(alice)
    assert headers["traceparent"] == TRACE
    _, created = services.follow_create(caller=me, receiver_id=bob)
    assert not created
    assert signals(posts) == [("POST", str(alice))]  # nothing changed: no second signal


def test_unfollow_and_remove_by_id_are_signalled(posts, alice, bob):
    follow, _ = services.follow_create(caller=acting(alice), receiver_id=bob)
    services.follow_remove(follow_id=follow.id, caller=acting(alice))
    services.follow_remove_by_user(caller=acting(alice), receiver_id=bob)
    assert signals(posts) == [("POST", str(alice))] * 3


def test_a_refused_removal_is_not_signalled(posts, alice, bob):
    follow, _ = services.follow_create(caller=acting(alice), receiver_id=bob)
    posts.requests.clear()
    with pytest.raises(Forbidden):
        services.follow_remove(follow_id=follow.id, caller=acting(bob))
    with pytest.raises(NotFound):
        services.follow_remove(follow_id=uuid.uuid4(), caller=acting(alice))
    assert signals(posts) == []


RELATIONSHIP = "/posts/internal/relationship-changed"


def test_blocks_and_mutes_are_signalled_as_the_caller(posts, alice, bob):
    me = acting(alice, traceparent=TRACE)
    services.block_create(caller=me, user_id=bob)
    services.block_remove(caller=me, user_id=bob)
    services.mute_create(caller=me, user_id=bob, duration_seconds=None)
    services.mute_remove(caller=me, user_id=bob)
    calls = posts.calls(RELATIONSHIP)
    assert [(method, headers["x-user-id"]) for method, _, headers in calls] == [
        ("POST", str(alice))
    ] * 4
    assert all(headers["traceparent"] == TRACE for _, _, headers in calls)
