"""OpenTelemetry traces of both services: off unless an OTLP endpoint is configured.

``setup()`` runs in each gunicorn worker right after the fork (hornet/gunicorn_conf.py,
``post_fork``): the SDK's exporter thread and connections must belong to the worker, never be
inherited from the master. With ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``..._TRACES_ENDPOINT``) set
it installs a tracer provider exporting over OTLP/HTTP in batches, sampled as
``OTEL_TRACES_SAMPLER`` / ``OTEL_TRACES_SAMPLER_ARG`` say (parent-based, always on by
default; ``parentbased_traceidratio`` with ``0.1`` keeps one trace in ten), and instruments
Django (server spans, ``ServerSpanMiddleware`` below; ``/healthz``, ``/readyz`` and ``/metrics``
excluded), httpx (the calls to the other service, which carry ``traceparent``) and pymongo
(command spans, without the command documents: no post contents). The neo4j driver has no
instrumentation: followers.graph opens a span per transaction with ``span``. Unset, nothing
is installed, the middleware is not used and ``span`` costs a no-op context manager.

Propagation (hornet.tracing) follows ``OTEL_PROPAGATORS``: W3C ``traceparent``/``tracestate``
and ``baggage`` by default; add ``b3multi`` (or ``b3``) when the mesh's tracing provider is
Zipkin.
"""

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pymongo.monitoring
from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse
from opentelemetry import context, propagate, trace
from opentelemetry.instrumentation.utils import suppress_instrumentation
from opentelemetry.instrumentation.wsgi import (
    add_response_attributes,
    collect_request_attributes,
    wsgi_getter,
)
from opentelemetry.semconv.attributes.http_attributes import HTTP_ROUTE

# Never traced: the probes and the scrape (every few seconds, and nothing to learn).
EXCLUDED_PATHS = re.compile(r"/(healthz|readyz|metrics)/?")

_tracer = trace.get_tracer("hornet")


def enabled() -> bool:
    return bool(settings.HORNET_OTLP_ENDPOINT)


def setup(service_name: str = "") -> None:
    """Install the SDK and the instrumentations in this process, when traces are configured.
    ``service_name``: this process's name in traces when ``OTEL_SERVICE_NAME`` does not say
    (the fan-out worker is ``hornet-fanout``); else the service's."""
    if not enabled():
        return
    # Imported here: a service without traces never loads the SDK.
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    name = settings.HORNET_OTEL_SERVICE_NAME or service_name or settings.HORNET_SERVICE_NAME
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    HTTPXClientInstrumentor().instrument()
    # pymongo: our own listener class (the instrumentation's, only inside a sampled trace), not
    # PymongoInstrumentor's, which starts a span for every command of every request: on the
    # 90% of requests a 10% sampler drops, that cost CPU on every request for nothing
    # (bench/README.md, "pymongo spans only inside a sampled trace").
    pymongo.monitoring.register(_sampled_command_tracer()(trace.get_tracer(PYMONGO_TRACER)))


PYMONGO_TRACER = "opentelemetry.instrumentation.pymongo"


def _sampled_command_tracer() -> type:
    """OpenTelemetry's pymongo ``CommandTracer`` (same spans: ``<db>.<command>``, the command's
    name as ``db.statement``, never its documents) that starts one only when the current span
    is recording: inside a sampled request or worker span. A command outside any trace (a
    root) or in an unsampled one makes none."""
    from opentelemetry.instrumentation.pymongo import CommandTracer

    class SampledCommandTracer(CommandTracer):  # type: ignore[misc]
        def started(self, event: Any) -> None:
            if trace.get_current_span().is_recording():
                super().started(event)

        # With no span open (the unsampled 90%) there is nothing to end: not even the
        # instrumentation's context lookup and key building, twice per command.
        def succeeded(self, event: Any) -> None:
            if self._span_dict:
                super().succeeded(event)

        def failed(self, event: Any) -> None:
            if self._span_dict:
                super().failed(event)

    return SampledCommandTracer


class ServerSpanMiddleware:
    """A server span per request (the outermost middleware, so the request's log line and
    metrics are inside it), continuing the caller's trace context (``traceparent``): what
    opentelemetry-instrumentation-django did, without the work it spent on the requests a
    ratio sampler drops (bench/README.md, "Observability overhead (issue 19), harness"). The
    same span: named ``<METHOD> <route template>`` (``GET feed``), kind ``SERVER``, the WSGI
    request attributes, ``http.route``, ``http.status_code``, an error status on 5xx and a
    recorded exception. The differences: the attributes are gathered only when the span is
    recording (sampled), the route is the resolver match Django already made (the
    instrumentation resolved the path a second time, and built the absolute URI four times to
    test its exclusions), and no OpenTelemetry metrics are kept (Prometheus has them; the
    instrumentation's went to a meter provider nobody installs). An unsampled span still
    carries a valid context, so calls to the other service still send ``traceparent`` (flag
    00) and log lines still carry the trace and span ids. Not used when traces are off.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        if not enabled():
            raise MiddlewareNotUsed("no OTLP endpoint: traces are off")
        self.get_response = get_response
        self.tracer = trace.get_tracer("opentelemetry.instrumentation.django")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if EXCLUDED_PATHS.fullmatch(request.path_info):
            return self.get_response(request)
        environ = request.META
        parent = propagate.extract(environ, getter=wsgi_getter)
        server = self.tracer.start_span(
            request.method or "HTTP", parent, kind=trace.SpanKind.SERVER
        )
        token = context.attach(trace.set_span_in_context(server, parent))
        try:
            response = self.get_response(request)
            if server.is_recording():
                self._describe(server, request, response)
            return response
        finally:
            server.end()
            context.detach(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        current = trace.get_current_span()
        if current.is_recording():
            current.record_exception(exception)

    @staticmethod
    def _describe(server: Any, request: HttpRequest, response: HttpResponse) -> None:
        server.set_attributes(collect_request_attributes(request.META))
        match = getattr(request, "resolver_match", None)
        if match is not None and match.route:
            server.update_name(f"{request.method} {match.route}")
            server.set_attribute(HTTP_ROUTE, match.route)
        status = f"{response.status_code} {response.reason_phrase}"
        add_response_attributes(server, status, list(response.items()))


@contextmanager
def span(
    name: str,
    attributes: Mapping[str, str] | None = None,
    *,
    kind: trace.SpanKind = trace.SpanKind.CLIENT,
) -> Iterator[None]:
    """A span named ``name`` around the block (an exception is recorded on it): a client span
    (a Neo4j transaction) by default; a worker's piece of work is ``CONSUMER``, the root of its
    own trace."""
    with _tracer.start_as_current_span(name, kind=kind, attributes=attributes):
        yield


def untraced() -> Any:
    """A block whose database calls make no spans: the readiness probe's ping and the scrape's
    fan-out read would otherwise each start a trace of their own every few seconds."""
    return suppress_instrumentation()
