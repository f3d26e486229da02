"""Trace context that crosses service calls, so one request can be followed in Istio's traces."""

from collections.abc import Mapping

# Headers Istio/Envoy use to stitch one request's spans across services.
TRACE_HEADERS = (
    "traceparent",
    "tracestate",
    "x-request-id",
    "x-b3-traceid",
    "x-b3-spanid",
    "x-b3-parentspanid",
    "x-b3-sampled",
    "x-b3-flags",
    "b3",
    "x-ot-span-context",
)


def trace_headers(incoming: Mapping[str, str]) -> dict[str, str]:
    """The trace headers of an incoming request, to send on with an outgoing call."""
    found = {}
    for name in TRACE_HEADERS:
        value = incoming.get(name)
        if value:
            found[name] = value
    return found
