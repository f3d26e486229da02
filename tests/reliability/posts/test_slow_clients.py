"""Slow clients do not stall a service (issue 13, item 4; hornet.gunicorn_worker).

Real gunicorn processes, started from hornet/gunicorn_conf.py as production starts them
(1 worker x 8 threads here), with 20 loopback connections that trickle their headers or their
body one byte at a time. Under the plain gthread worker each of them held a thread, so the
probe and the read below timed out; now they are answered while all 20 are still connected.
"""

import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.slow_clients import SlowClients
from tests.helpers import wait_for
from tests.reliability.stack import as_user
from tests.support.env import logs_dir
from tests.support.services import Service, free_port

SLOW = 20  # more than the worker's threads (8), as in the report (9-10 on 8)


def start(settings_module: str, name: str, **env: str) -> Service:
    service = Service(
        settings_module,
        free_port(),
        {
            "HORNET_AUTH_MODE": "mesh",
            "FOLLOWERS_SERVICE_URL": "http://127.0.0.1:9",
            "POSTS_SERVICE_URL": "",
            **env,
        },
        logs_dir() / f"reliability-slow-clients-{name}.log",
    )
    try:
        service.wait_ready()
    except RuntimeError:
        service.stop()
        raise
    return service


@pytest.fixture(params=["posts", "followers"])
def service(request: pytest.FixtureRequest, followers_url: str) -> Iterator[tuple[Service, str]]:
    # A long read deadline: the slow clients must still be connected when we check. Posts
    # reads ask the followers service whom the caller blocks.
    svc = start(
        f"settings.test_{request.param}",
        request.param,
        GUNICORN_READ_TIMEOUT="60",
        FOLLOWERS_SERVICE_URL=followers_url,
    )
    user = uuid.uuid4()
    read = (
        f"/posts/author/{user}"
        if request.param == "posts"
        else f"/followers/user/{user}/followers/count"
    )
    yield svc, read
    svc.stop()


def server_read_all(port: int, slow: SlowClients) -> bool:
    """The server's end of each slow connection is established with nothing left unread
    (/proc/net/tcp: its receive queue is empty), so the server has accepted it and taken in
    what was sent."""
    clients = {sock.getsockname()[1] for sock in slow.socks}
    unread = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, state, queues = fields[1], fields[2], fields[3], fields[4]
        if int(local.split(":")[1], 16) == port and state == "01":  # ESTABLISHED
            unread[int(remote.split(":")[1], 16)] = int(queues.split(":")[1], 16)
    return all(unread.get(client) == 0 for client in clients)


def test_requests_are_answered_while_slow_clients_trickle(service: tuple[Service, str]) -> None:
    svc, read = service
    with as_user(timeout=15) as client, SlowClients(svc.url, SLOW, interval=0.5) as slow:
        # Every slow connection is open, accepted and its first bytes read by the server.
        wait_for(lambda: server_read_all(svc.port, slow), 15)
        assert slow.still_sending() == SLOW
        health = client.get(svc.url + "/healthz")
        answer = client.get(svc.url + read)
        fresh = as_user(timeout=15).get(svc.url + "/healthz")  # a new connection too
        still = slow.still_sending()
    assert health.status_code == 200
    assert answer.status_code == 200
    assert fresh.status_code == 200
    assert still == SLOW  # answered while none of the slow clients had finished


def _exchange(port: int, data: bytes, wait: float = 15) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
        return received


def test_a_request_that_stalls_is_ended_with_408_and_oversized_ones_early() -> None:
    svc = start("settings.test_posts", "deadline", GUNICORN_READ_TIMEOUT="1")
    try:
        stalled = _exchange(svc.port, b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: ")
        assert stalled.startswith(b"HTTP/1.1 408 ")
        assert b'"code": "request_timeout"' in stalled
        # A declared body over the limit is refused before a byte of it is read.
        head = b"POST /posts HTTP/1.1\r\nHost: t\r\nContent-Length: 10000000\r\n\r\n"
        too_large = _exchange(svc.port, head)
        assert too_large.startswith(b"HTTP/1.1 413 ")
        assert b'"code": "payload_too_large"' in too_large
        head_too_large = _exchange(svc.port, b"GET / HTTP/1.1\r\n" + b"X-A: a\r\n" * 10_000)
        assert head_too_large.startswith(b"HTTP/1.1 431 ")
        # Expect: 100-continue is answered once, before the body is sent.
        with socket.create_connection(("127.0.0.1", svc.port), timeout=15) as sock:
            body = b'{"content": "after a 100"}'
            sock.sendall(
                b"POST /posts HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                b"X-User-ID: " + str(uuid.uuid4()).encode() + b"\r\nConnection: close\r\n"
                b"Content-Length: " + str(len(body)).encode() + b"\r\n"
                b"Expect: 100-continue\r\n\r\n"
            )
            assert sock.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
            sock.sendall(body)
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 201 ")
        # Pipelined and ordinary requests still work.
        two = _exchange(
            svc.port,
            b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
            b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
        )
        assert two.count(b"HTTP/1.1 200 ") == 2
    finally:
        svc.stop()
