"""hornet.headers: what a service forwards is vetted (issue 13 item 1), what arrives is UTF-8."""

import uuid

import pytest

from hornet.headers import forwarded_headers, safe_value, utf8_header
from hornet.identity import Identity

ALICE = uuid.UUID("a11ce000-0000-4000-8000-000000000001")
TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def sent(identity: Identity, incoming: dict[str, str]) -> dict[str, bytes]:
    """The header names (lower case) and the exact bytes httpx will write."""
    return {k.decode().lower(): v for k, v in forwarded_headers(identity, incoming).raw}


def test_forwarded_headers_carry_the_caller_and_the_trace(settings):
    identity = Identity(user_id=ALICE, username="alice", token="a.b.c")
    assert sent(identity, {"traceparent": TRACE, "x-request-id": "r-1"}) == {
        settings.HORNET_IDENTITY_HEADER.lower(): str(ALICE).encode(),
        settings.HORNET_USERNAME_HEADER.lower(): b"alice",
        "authorization": b"Bearer a.b.c",
        "traceparent": TRACE.encode(),
        "x-request-id": b"r-1",
    }
    assert sent(Identity(user_id=ALICE), {}) == {
        settings.HORNET_IDENTITY_HEADER.lower(): str(ALICE).encode()
    }


@pytest.mark.parametrize(
    "value",
    [
        "00-\xff",  # a byte >= 0x80, as WSGI presents it
        "caf\xc3\xa9",  # UTF-8 bytes read as latin-1
        "\u2603",
        "a\x00b",
        "a\x7fb",
        "a\rb",
        " leading",
        "x" * 4097,
    ],
)
@pytest.mark.parametrize("name", ["traceparent", "tracestate", "x-request-id"])
def test_a_trace_header_that_cannot_be_sent_is_dropped(name, value):
    incoming = {"traceparent": TRACE, "x-request-id": "r-1", name: value}
    headers = sent(Identity(user_id=ALICE), incoming)
    assert name not in headers
    for other in {"traceparent", "x-request-id"} - {name}:  # the others still go
        assert headers[other] == incoming[other].encode()


def test_the_trace_is_continued_with_w3c_headers_only_unless_b3_is_configured():
    """W3C trace context by default (OTEL_PROPAGATORS); B3 headers are neither copied nor
    written unless a B3 propagator is configured (a Zipkin tracing provider)."""
    from opentelemetry import propagate
    from opentelemetry.propagators.b3 import B3MultiFormat
    from opentelemetry.propagators.composite import CompositePropagator
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    b3 = {"x-b3-traceid": TRACE[3:35], "x-b3-spanid": TRACE[36:52], "x-b3-sampled": "1"}
    incoming = {"traceparent": TRACE, "tracestate": "vendor=1", **b3}
    headers = sent(Identity(user_id=ALICE), incoming)
    assert headers["traceparent"] == TRACE.encode()
    assert headers["tracestate"] == b"vendor=1"
    assert not any(name.startswith("x-b3") or name == "b3" for name in headers)
    default = propagate.get_global_textmap()
    propagate.set_global_textmap(
        CompositePropagator([TraceContextTextMapPropagator(), B3MultiFormat()])
    )
    try:
        headers = sent(Identity(user_id=ALICE), {"traceparent": TRACE})
    finally:
        propagate.set_global_textmap(default)
    assert headers["traceparent"] == TRACE.encode()
    assert headers["x-b3-traceid"] == TRACE[3:35].encode()  # the same trace, in B3 too
    assert headers["x-b3-spanid"] == TRACE[36:52].encode()


def test_a_token_that_cannot_be_sent_is_dropped():
    headers = sent(Identity(user_id=ALICE, token="a.b.\xff"), {})
    assert "authorization" not in headers


def test_the_username_goes_as_utf8_bytes_like_envoy_writes_it(settings):
    headers = sent(Identity(user_id=ALICE, username="Łukasz 李"), {})
    value = headers[settings.HORNET_USERNAME_HEADER.lower()]
    assert value == "Łukasz 李".encode()
    assert utf8_header(value.decode("latin-1")) == "Łukasz 李"  # what the receiver reads


def test_every_forwarded_value_is_sendable_by_httpx():
    import httpx

    hostile = {name: "\xff\u2603" for name in ("traceparent", "x-request-id", "tracestate")}
    identity = Identity(user_id=ALICE, username="José", token="t\xff")
    with httpx.Client() as client:
        client.headers.update({"User-Agent": "t"})
        request = client.build_request(
            "GET", "http://x/", headers=forwarded_headers(identity, hostile)
        )
    assert request.headers["x-user-id"] == str(ALICE)
    assert dict(request.headers.raw)[b"X-Username"] == "José".encode()


def test_safe_value_accepts_visible_ascii_only():
    assert safe_value("Bearer a.b-c_d~e+f/g=") == "Bearer a.b-c_d~e+f/g="
    assert safe_value("") is None
    assert safe_value("é") is None
