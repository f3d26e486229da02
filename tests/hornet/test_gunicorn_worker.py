"""How the receiving worker frames a request before a thread gets it (pure logic; the worker
itself is tested on real gunicorn processes in tests/reliability/posts/test_slow_clients.py)."""

import pytest

from hornet.gunicorn_worker import HEAD_MAX, READY, WAIT, RequestBuffer


def feed(*parts: bytes, max_body: int = 100) -> list[object]:
    """The state after each part arrives."""
    request = RequestBuffer(b"", deadline=0.0, max_body=max_body)
    states = []
    for part in parts:
        request.feed(part)
        states.append(request.state())
    return states


def test_a_request_without_a_body_is_ready_once_its_head_is_in():
    parts = [b"GET / HTTP/1.1\r\nHo", b"st: x\r\n", b"\r", b"\n"]
    assert feed(*parts) == [WAIT, WAIT, WAIT, READY]


def test_a_body_is_awaited_to_its_content_length_byte_by_byte():
    head = b"POST /posts HTTP/1.1\r\nContent-Length: 5\r\n\r\n"
    assert feed(head, b"ab", b"cd", b"e") == [WAIT, WAIT, WAIT, READY]


@pytest.mark.parametrize("coding", [b"chunked", b"gzip, chunked", b"Chunked"])
def test_a_chunked_body_is_awaited_to_its_last_chunk_and_trailers(coding):
    head = b"POST /posts HTTP/1.1\r\nTransfer-Encoding: " + coding + b"\r\n\r\n"
    parts = [head, b"3\r\nab", b"c\r\n", b"2;ext=1\r\nde\r\n", b"0\r\n", b"X-T: 1\r\n", b"\r\n"]
    assert feed(*parts) == [WAIT, WAIT, WAIT, WAIT, WAIT, WAIT, READY]


def test_bodies_over_the_limit_are_refused_before_they_are_read():
    (state,) = feed(b"POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n")
    assert isinstance(state, tuple)
    assert state[0] == 413
    states = feed(
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n", b"x" * 64, b"\r\n41\r\n"
    )
    assert states[:2] == [WAIT, WAIT]
    assert isinstance(states[2], tuple)
    assert states[2][0] == 413


def test_a_head_over_the_limit_is_431():
    (state,) = feed(b"GET / HTTP/1.1\r\n" + b"X-A: a\r\n" * (HEAD_MAX // 8 + 1))
    assert isinstance(state, tuple)
    assert state[0] == 431


@pytest.mark.parametrize(
    "head",
    [
        b"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: \xc2\xb2\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
)
def test_what_is_not_ours_to_judge_goes_to_gunicorns_parser_at_once(head):
    assert feed(head)[-1] == READY


def test_an_answered_expect_is_removed_wherever_it_is_in_the_head():
    for head in (
        b"POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: 2\r\nexpect:100-Continue\r\n\r\n",
    ):
        request = RequestBuffer(head, deadline=0.0, max_body=100)
        assert request.state() == WAIT
        assert request.wants_continue()
        request.continued = True
        request.feed(b"ok")
        assert request.state() == READY
        assert request.request_bytes() == (b"POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nok")


def test_http_1_0_clients_are_not_sent_a_100():
    request = RequestBuffer(
        b"POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n", 0.0, 100
    )
    assert request.state() == WAIT
    assert not request.wants_continue()
