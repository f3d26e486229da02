"""Issue 13 item 6: bodies without Content-Length (Transfer-Encoding: chunked) through a real
gunicorn: read with the same size limit, never taken as empty."""

import socket
import uuid
from collections.abc import Iterator

import httpx
import pytest
from django.test import RequestFactory

from hornet.middleware import RequestIdMiddleware
from tests.reliability.stack import MONGO, posts_service, serving
from tests.support.services import Service

LIMIT = 2048


@pytest.fixture(scope="module")
def posts(followers_url: str) -> Iterator[Service]:
    with serving(
        posts_service(
            MONGO[1], "chunked-posts", followers=followers_url, HORNET_MAX_BODY_BYTES=str(LIMIT)
        )
    ) as service:
        yield service


def chunks(body: bytes, size: int = 7) -> Iterator[bytes]:
    # A generator body: httpx sends it chunked, with no Content-Length.
    for i in range(0, len(body), size):
        yield body[i : i + size]


def send(service: Service, method: str, path: str, body: bytes, user: uuid.UUID):  # type: ignore[no-untyped-def]
    request = httpx.Request(
        method,
        f"{service.url}{path}",
        content=chunks(body),
        headers={"X-User-ID": str(user), "Content-Type": "application/json"},
    )
    assert request.headers.get("Transfer-Encoding") == "chunked"
    assert "Content-Length" not in request.headers
    with httpx.Client(timeout=10) as client:
        return client.send(request)


def test_a_chunked_create_and_edit_are_read(posts):
    me = uuid.uuid4()
    created = send(posts, "POST", "/posts", b'{"content": "sent in chunks"}', me)
    assert created.status_code == 201, created.text
    assert created.json()["content"] == "sent in chunks"
    edited = send(posts, "PATCH", f"/posts/{created.json()['id']}", b'{"content": "again"}', me)
    assert edited.status_code == 200, edited.text
    assert edited.json()["content"] == "again"


def test_a_chunked_body_over_the_limit_is_413(posts):
    body = b'{"content": "' + b"x" * (LIMIT + 10) + b'"}'
    response = send(posts, "POST", "/posts", body, uuid.uuid4())
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert set(response.json()) == {"code", "message", "details"}


def test_a_chunked_body_at_the_limit_is_read_whole(posts):
    content = "y" * (LIMIT - len('{"content": ""}'))
    body = ('{"content": "' + content + '"}').encode()
    assert len(body) == LIMIT
    response = send(posts, "POST", "/posts", body, uuid.uuid4())
    assert response.status_code == 201, response.text
    assert response.json()["content"] == content


def test_an_empty_chunked_body_is_an_empty_body(posts):
    response = send(posts, "POST", "/posts", b"", uuid.uuid4())
    assert response.status_code == 400
    assert "content" in response.json()["details"]


def test_chunk_sizes_that_lie_are_refused_by_gunicorn(posts):
    raw = (
        b"POST /posts HTTP/1.1\r\nHost: x\r\nX-User-ID: " + str(uuid.uuid4()).encode() + b"\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"zz\r\n{}\r\n0\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", posts.port), timeout=10) as sock:
        sock.sendall(raw)
        answer = b""
        # The answer is chunked: read until the last chunk after the header block (a header
        # value may itself end in "0", as a request id can).
        while not answer.partition(b"\r\n\r\n")[2].endswith(b"0\r\n\r\n"):
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    assert answer.startswith(b"HTTP/1.1 400"), answer
    assert b'"malformed_request"' in answer


def test_without_a_terminated_input_an_unsized_body_is_411():
    # A server that does not promise wsgi.input ends (not gunicorn): refuse, never misread.
    request = RequestFactory().post(
        "/posts", b"{}", content_type="application/json", HTTP_TRANSFER_ENCODING="chunked"
    )
    del request.META["CONTENT_LENGTH"]
    request.META.pop("wsgi.input_terminated", None)
    response = RequestIdMiddleware(lambda r: pytest.fail("must not reach the view"))(request)
    assert response.status_code == 411
    assert b'"length_required"' in response.content
