"""Trace context that crosses service calls, so one request is one trace across both services.

The configured OpenTelemetry propagators (``OTEL_PROPAGATORS``: W3C ``traceparent``,
``tracestate`` and ``baggage`` by default; B3 only when named there) write the headers of a
call: from the current span when traces are on (hornet.telemetry; the httpx instrumentation
then writes its own client span's context over them), otherwise from the caller's own headers,
parsed and written again (a malformed ``traceparent`` is not forwarded). Envoy's
``x-request-id`` is forwarded as it came, so the request's log lines join up in both services.
hornet.headers.forwarded_headers vets every value before it is sent.
"""

from collections.abc import Mapping

from opentelemetry import propagate, trace

REQUEST_ID_HEADER = "x-request-id"


def trace_headers(incoming: Mapping[str, str]) -> dict[str, str]:
    """The trace headers of a call made while serving a request with headers ``incoming``."""
    carrier: dict[str, str] = {}
    current = trace.get_current_span().get_span_context()
    propagate.inject(carrier, context=None if current.is_valid else propagate.extract(incoming))
    request_id = incoming.get(REQUEST_ID_HEADER)
    if request_id:
        carrier[REQUEST_ID_HEADER] = request_id
    return carrier
