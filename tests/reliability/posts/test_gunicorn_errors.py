"""Issue 13 item 10: the errors gunicorn answers itself are the {code, message, details} JSON
body too (hornet.gunicorn_errors), against a real gunicorn process."""

import contextlib
import json
import socket
import uuid
from collections.abc import Iterator

import pytest

from tests.reliability.stack import MONGO, posts_service, serving
from tests.support.services import Service


@pytest.fixture(scope="module")
def posts(followers_url: str) -> Iterator[Service]:
    with serving(
        posts_service(
            MONGO[1], "gunicorn-errors", followers=followers_url, DJANGO_ALLOWED_HOSTS="127.0.0.1"
        )
    ) as service:
        yield service


def exchange(service: Service, raw: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", service.port), timeout=10) as sock:
        with contextlib.suppress(OSError):  # gunicorn may answer and close before the end
            sock.sendall(raw)
        answer = b""
        while True:
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                break
            if not data:
                break
            answer += data
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, headers, body


def request(path: str = "/healthz", *headers: str) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", *headers, "", ""]
    return "\r\n".join(lines).encode("latin-1")


CASES = {
    "request line too long": (request("/healthz?" + "a" * 5000), 414, "uri_too_long"),
    "too many headers": (
        request("/healthz", *(f"X-H{i}: v" for i in range(150))),
        431,
        "header_fields_too_large",
    ),
    "one header too large": (
        request("/healthz", "X-Big: " + "b" * 9000),
        431,
        "header_fields_too_large",
    ),
    "garbage request line": (b"\x16\x03\x01\x00\xa5hello\r\n\r\n", 400, "malformed_request"),
    "bad method": (b"G@T / HTTP/1.1\r\nHost: x\r\n\r\n", 400, "malformed_request"),
    "bad header name": (request("/healthz", "X Bad: 1"), 400, "malformed_request"),
    "bad http version": (b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", 400, "malformed_request"),
    "content-length and chunked": (
        b"POST /posts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        400,
        "malformed_request",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_gunicorn_and_django_refusals_are_json(posts, case):
    raw, status, code = CASES[case]
    got, headers, body = exchange(posts, raw)
    assert got == status, body
    assert headers["content-type"] == "application/json"
    payload = json.loads(body)
    assert set(payload) == {"code", "message", "details"}
    assert payload["code"] == code
    assert b"<html" not in body.lower()


def test_a_normal_request_still_works(posts):
    status, _, body = exchange(posts, request("/posts/" + str(uuid.uuid4())))
    assert status == 401  # no identity: the service answered, not gunicorn
    assert b'"code":"not_authenticated"' in body
