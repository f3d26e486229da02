"""Trace context that crosses service calls, so one request can be followed in Istio's traces.

hornet.headers.forwarded_headers sends these on (vetted) with every cross-service call.
"""

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
