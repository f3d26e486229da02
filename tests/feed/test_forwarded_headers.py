"""Issue 13 item 1: one caller's headers never break a cross-service call, and never open the
breaker for everyone (both services for real, gunicorn, with the proxy between them)."""

import uuid

import httpx
import pytest

from posts.following_cache import following_cache_invalidate
from tests.feed.helpers import Stack, feed, follow, post

# What a hostile (or merely unusual) client may send; WSGI hands these on as latin-1 text.
HOSTILE = {
    "traceparent": b"00-\xff",
    "x-request-id": b"\xc3\xa9t\xc3\xa9",
    "b3": b"\x80" * 64,
    "tracestate": b"k=" + b"v" * 5000,
}


def test_one_callers_bad_headers_never_open_the_breaker(stack: Stack):
    me, friend = uuid.uuid4(), uuid.uuid4()
    follow(stack, me, friend)
    theirs = post(stack, friend, "theirs")
    # More calls than FOLLOWERS_BREAKER_FAILURES (3 in the stack); a new caller each time, so
    # no cached following list spares the call.
    for _ in range(8):
        hostile = {"X-User-ID": str(uuid.uuid4()), **HOSTILE}
        with httpx.Client(headers=hostile, timeout=5) as client:
            response = client.get(f"{stack.posts.url}/feed")
        assert response.status_code == 200, response.text
        assert response.headers.get("X-Feed-Degraded") is None
    # The hostile headers were dropped before the call, the good ones went through.
    calls = stack.proxy.calls("/following/ids")
    assert calls
    for _, _, headers in calls:
        assert not set(HOSTILE) & {name.lower() for name in headers}
    response = feed(stack, me)
    assert response.status_code == 200
    assert response.headers.get("X-Feed-Degraded") is None
    assert [p["id"] for p in response.json()] == [theirs["id"]]


def test_a_utf8_username_crosses_to_the_followers_service(stack: Stack):
    me, other = uuid.uuid4(), uuid.uuid4()
    for name in ("José", "Łukasz", "李"):
        with httpx.Client(
            headers={"X-User-ID": str(me), "X-Username": name.encode()}, timeout=5
        ) as client:
            assert client.get(f"{stack.posts.url}/feed").status_code == 200
        # Only the posts service's forwarded call told followers this name.
        with stack.as_user(other) as client:
            profile = client.get(f"{stack.followers.url}/followers/user/{me}")
        assert profile.status_code == 200
        assert profile.json()["username"] == name
        stack.proxy.requests.clear()
        following_cache_invalidate(me)  # the cached following list must not spare the next call


@pytest.mark.parametrize("username", [None, "Zoë"])
def test_a_saved_follow_never_answers_500_when_the_notify_call_fails(stack: Stack, username):
    me, them = uuid.uuid4(), uuid.uuid4()
    headers = {"X-User-ID": str(me), **HOSTILE}
    if username:
        headers["X-Username"] = username.encode()
    with httpx.Client(headers=headers, timeout=5) as client:
        created = client.post(f"{stack.followers.url}/followers", json={"receiver_id": str(them)})
        assert created.status_code == 201, created.text
        gone = client.delete(f"{stack.followers.url}/followers/following/{them}")
        assert gone.status_code == 204, gone.text
        again = client.post(f"{stack.followers.url}/followers", json={"receiver_id": str(them)})
        assert again.status_code == 201, again.text
        by_id = client.delete(f"{stack.followers.url}/followers/{again.json()['id']}")
        assert by_id.status_code == 204, by_id.text
