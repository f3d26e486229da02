"""The follow services, not their views, tell the posts service that following changed.

A recording HTTP server stands where the posts service would be (tests/feed has the real one
end to end); the services are called directly, with the ``Forward`` a view would build, so
each signal here is the service's own.
"""

import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from followers import clients, services
from hornet.background import background
from hornet.errors import Forbidden, NotFound
from tests.followers.helpers import acting
from tests.support.proxies import RecordingProxy
from tests.support.services import free_port

SIGNAL = "/posts/internal/following-changed"
TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


@pytest.fixture
def posts(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[RecordingProxy]:
    """Records what reaches "the posts service" (and answers 502: nothing behind it; the
    relationship signals it does not take are not sent again here: each is counted once)."""
    monkeypatch.setattr(clients, "SIGNAL_RETRY_DELAYS", ())
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
REQUESTED = "/posts/internal/follow-requested"
MADE = "/posts/internal/follow-made"


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


def test_accepting_a_request_is_signalled_by_the_accepter_and_a_request_is_not(posts, alice, bob):
    services.privacy_update(caller=acting(bob), locked=True)
    services.follow_create(caller=acting(alice), receiver_id=bob)
    assert signals(posts) == []  # a request changes nobody's feed
    services.request_accept(caller=acting(bob), requester_id=alice)
    assert signals(posts) == [("POST", str(bob))]
    services.request_accept(caller=acting(bob), requester_id=alice)  # already accepted
    assert signals(posts) == [("POST", str(bob))]


def _recorded_signals(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """Every signal's (path, body) as the services send it, each taken at once."""
    sent: list[tuple[str, dict[str, Any]]] = []

    def record(forward: Any, path: str, body: dict[str, Any], client: Any = None) -> bool:
        sent.append((path, body))
        return True

    monkeypatch.setattr(clients, "_signal", record)
    return sent


def test_signal_bodies_follow_the_contract_of_issue_16(monkeypatch, alice, bob):
    sent = _recorded_signals(monkeypatch)
    services.block_create(caller=acting(alice), user_id=bob)
    services.mute_remove(caller=acting(alice), user_id=bob)
    services.block_remove(caller=acting(alice), user_id=bob)
    services.privacy_update(caller=acting(bob), locked=True)
    request, _ = services.follow_create(caller=acting(alice), receiver_id=bob)
    follow, _ = services.request_accept(caller=acting(bob), requester_id=alice)
    assert sent == [
        (RELATIONSHIP, {"user_id": str(bob), "change": "block"}),
        (RELATIONSHIP, {"user_id": str(bob), "change": "unmute"}),
        (RELATIONSHIP, {"user_id": str(bob), "change": "unblock"}),
        (REQUESTED, {"followee_id": str(bob), "request_id": str(request.id)}),
        (
            SIGNAL,
            {
                "followee_id": str(bob),
                "following": True,
                "follower_id": str(alice),
                "follow_id": str(follow.id),
            },
        ),
    ]


def test_a_new_follow_carries_its_id_for_the_notification(monkeypatch, alice, bob):
    sent = _recorded_signals(monkeypatch)
    follow, _ = services.follow_create(caller=acting(alice), receiver_id=bob)
    services.follow_create(caller=acting(alice), receiver_id=bob)  # found: nothing sent
    services.follow_remove_by_user(caller=acting(alice), receiver_id=bob)
    assert sent == [
        (SIGNAL, {"followee_id": str(bob), "following": True, "follow_id": str(follow.id)}),
        (SIGNAL, {"followee_id": str(bob), "following": False}),
    ]


def test_with_posts_down_the_follows_notifications_are_delivered_once_it_is_back(
    settings, monkeypatch, alice, bob
):
    """docs/notifications.md, "Delivery": a follow, a request and an acceptance while posts
    cannot be reached are all saved; their three notifications reach posts once it is back
    (sent again in the background), each once, and the follow signals themselves are not sent
    again (a late one would undo a later unfollow in the stored timeline)."""
    monkeypatch.setattr(clients, "SIGNAL_RETRY_DELAYS", (0.5, 0.5, 0.5))
    port = free_port()  # nothing listens there yet: posts is down
    settings.POSTS_SERVICE_URL = f"http://127.0.0.1:{port}"
    clients._posts_http.cache_clear()
    carol = uuid.uuid4()
    back: FlakyPosts | None = None
    try:
        follow, created = services.follow_create(caller=acting(alice), receiver_id=bob)
        services.privacy_update(caller=acting(carol), locked=True)
        request, requested = services.follow_create(caller=acting(alice), receiver_id=carol)
        accepted, _ = services.request_accept(caller=acting(carol), requester_id=alice)
        assert (created, requested) == (True, True)
        back = FlakyPosts(failures=0, port=port)  # posts is back, on the same address
        _until(lambda: len(back.bodies) >= 3)
        assert background.drain()
    finally:
        if back is not None:
            back.close()
        clients._posts_http.cache_clear()
    bodies = [json.dumps(body, sort_keys=True) for body in back.bodies]
    sent = sorted(zip(back.paths, bodies, strict=True))
    expected = [
        (MADE, {"followee_id": str(bob), "follow_id": str(follow.id)}),
        (REQUESTED, {"followee_id": str(carol), "request_id": str(request.id)}),
        (
            MADE,
            {"followee_id": str(carol), "follow_id": str(accepted.id), "follower_id": str(alice)},
        ),
    ]
    assert sent == sorted((path, json.dumps(body, sort_keys=True)) for path, body in expected)


class FlakyPosts:
    """Stands where the posts service would be (on ``port``, or any free one): answers 503 to
    the first ``failures`` POSTs, then 204; records each body and its path."""

    def __init__(self, failures: int, port: int = 0):
        self.bodies: list[dict[str, Any]] = []
        self.paths: list[str] = []
        flaky = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                flaky.bodies.append(json.loads(self.rfile.read(length)))
                flaky.paths.append(self.path)
                self.send_response(503 if len(flaky.bodies) <= failures else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def flaky_posts(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setattr(clients, "SIGNAL_RETRY_DELAYS", (0.2, 0.2, 0.2))

    def make(failures: int) -> FlakyPosts:
        made.append(FlakyPosts(failures))
        settings.POSTS_SERVICE_URL = made[-1].url
        clients._posts_http.cache_clear()
        return made[-1]

    made: list[FlakyPosts] = []
    yield make
    for server in made:
        server.close()
    clients._posts_http.cache_clear()


def _until(condition: Any, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.02)


def test_a_relationship_signal_the_posts_service_did_not_take_is_sent_again(
    flaky_posts, alice, bob
):
    """A block signalled while the posts service answers 503 (restarting) is sent again a
    moment later and taken; then no more copies."""
    posts = flaky_posts(failures=2)
    services.block_create(caller=acting(alice), user_id=bob)
    _until(lambda: len(posts.bodies) == 3)
    assert posts.bodies == [{"user_id": str(bob), "change": "block"}] * 3
    assert background.drain()
    assert len(posts.bodies) == 3  # taken on the third try: not sent again


def test_a_relationship_signal_is_given_up_after_its_last_try(flaky_posts, alice, bob, caplog):
    posts = flaky_posts(failures=100)
    services.mute_create(caller=acting(alice), user_id=bob, duration_seconds=None)
    _until(lambda: len(posts.bodies) == 4)  # the first try and SIGNAL_RETRY_DELAYS' three
    assert background.drain()
    assert len(posts.bodies) == 4
    assert "posts service never told (/posts/internal/relationship-changed) after 4 tries" in (
        caplog.text
    )
