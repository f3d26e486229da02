"""Issue 13 item 1: only the followers service's own failures (connection, timeout, 5xx) count
for the posts service's circuit breaker; a 4xx about one caller's request never opens it."""

import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pybreaker
import pytest

from hornet.headers import Forward
from hornet.identity import Identity
from posts.clients import FollowersClient, FollowersUnavailable, _not_the_services_fault


@pytest.fixture
def server() -> Iterator[tuple[str, list[int]]]:
    """A stand-in followers service answering each request with the next queued status."""
    statuses: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status = statuses.pop(0) if statuses else 200
            body = b"[]" if status == 200 else b'{"code":"x","message":"x","details":null}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}", statuses
    finally:
        httpd.shutdown()
        httpd.server_close()


def anyone(**headers: str) -> Forward:
    return Forward(Identity(user_id=uuid.uuid4()), headers)


def client(url: str) -> FollowersClient:
    breaker = pybreaker.CircuitBreaker(
        fail_max=3, reset_timeout=60, exclude=[_not_the_services_fault]
    )
    return FollowersClient(url, 1.0, breaker)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 429])
def test_a_4xx_never_counts(server, status):
    url, statuses = server
    followers = client(url)
    statuses.extend([status] * 6)
    for _ in range(6):
        with pytest.raises(FollowersUnavailable):
            followers.following_ids(anyone())
    assert followers.breaker.current_state == "closed"
    assert followers.following_ids(anyone()) == []


def test_a_header_httpx_refuses_never_counts(server):
    url, _ = server
    followers = client(url)
    for _ in range(6):  # a value no vetting removed (a caller of the client forgot to vet)
        with pytest.raises(FollowersUnavailable):
            followers.following_ids(anyone(traceparent="00-\xff"))
    assert followers.breaker.current_state == "closed"


def test_5xx_and_a_dead_service_do_count(server):
    url, statuses = server
    followers = client(url)
    statuses.extend([503] * 3)
    for _ in range(3):
        with pytest.raises(FollowersUnavailable):
            followers.following_ids(anyone())
    assert followers.breaker.current_state == "open"
    dead = client("http://127.0.0.1:9")
    for _ in range(3):
        with pytest.raises(FollowersUnavailable):
            dead.following_ids(anyone())
    assert dead.breaker.current_state == "open"
