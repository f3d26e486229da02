"""Prometheus metrics of both services, served at ``GET /metrics`` (docs/deployment.md,
"Operating HorNet").

gunicorn runs several worker processes, each with its own counters, so prometheus-client runs
in its multiprocess mode: ``PROMETHEUS_MULTIPROC_DIR`` is set by hornet/gunicorn_conf.py in the
master before any worker forks (and emptied when gunicorn starts), every worker writes its
values to files there, a scrape of any worker merges all of them, and gunicorn's
``child_exit`` hook marks a dead worker's gauges gone. Without the variable (tests in one
process, management commands) the default in-memory registry is used.

Labels are bounded: requests are counted by route *template* (``/posts/<str:id>``, from
Django's resolver, never the raw path), method (a fixed list, else ``OTHER``) and status;
Neo4j transactions by the function that ran them; MongoDB commands by command name.
"""

import functools
import logging
import os
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import pybreaker
from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.registry import Collector

from hornet.logs import route_template
from hornet.telemetry import untraced

log = logging.getLogger(__name__)

# Request latencies from 5 ms to 10 s (the mesh's per-request timeout).
_HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# Database round trips are shorter: from 0.5 ms.
_DB_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0)

REQUESTS = Counter(
    "hornet_http_requests",
    "HTTP requests answered, by route template, method and status.",
    ["route", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "hornet_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template and method.",
    ["route", "method"],
    buckets=_HTTP_BUCKETS,
)
MONGO_SECONDS = Histogram(
    "hornet_mongodb_command_duration_seconds",
    "MongoDB command round trips (posts), by command and outcome.",
    ["command", "outcome"],
    buckets=_DB_BUCKETS,
)
NEO4J_SECONDS = Histogram(
    "hornet_neo4j_transaction_duration_seconds",
    "Neo4j managed transactions (followers), retries included, by query and outcome.",
    ["query", "outcome"],
    buckets=_DB_BUCKETS,
)
FEED_DEGRADED = Counter(
    "hornet_feed_degraded",
    "Home feed answers marked X-Feed-Degraded (the followers service could not be asked).",
)
BREAKER_STATE = Gauge(
    "hornet_circuit_breaker_state",
    "A circuit breaker's state: 0 closed, 1 half-open, 2 open (the worst live worker's).",
    ["breaker"],
    multiprocess_mode="livemax",
)
IDEMPOTENCY_REPLAYS = Counter(
    "hornet_idempotency_replays",
    "Writes answered from a stored Idempotency-Key answer instead of being run again.",
)
THROTTLED = Counter(
    "hornet_throttled_requests",
    "Writes refused with 429 by the per-identity write throttle.",
)

BREAKER_STATES = {"closed": 0, "half-open": 1, "open": 2}
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


@functools.lru_cache(maxsize=8192)
def child(metric: Any, *labels: str) -> Any:
    """``metric.labels(*labels)``, kept: prometheus-client validates and looks the labels up
    under a lock on every call (~20 us, 6 calls a request); the label sets are bounded, so
    the cache is too. A child made before gunicorn forks is safe to keep: its value notices
    the new pid and writes to the worker's own file."""
    return metric.labels(*labels)


def method_label(method: str | None) -> str:
    return method if method in _METHODS else "OTHER"


def enabled() -> bool:
    """``METRICS_ENABLED`` (settings.HORNET_METRICS): off, no request, command or transaction
    is measured (``/metrics`` still answers, with what little is left)."""
    return bool(settings.HORNET_METRICS)


class RequestMetricsMiddleware:
    """Counts and times every request (the outermost middleware, so refusals count too); not
    installed at all when metrics are off."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        if not enabled():
            raise MiddlewareNotUsed("METRICS_ENABLED is false")
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - start
        route, method = route_template(request), method_label(request.method)
        child(REQUESTS, route, method, str(response.status_code)).inc()
        child(REQUEST_SECONDS, route, method).observe(elapsed)
        return response


def timed(histogram: Histogram, *labels: str) -> AbstractContextManager[None]:
    """``with timed(NEO4J_SECONDS, name):`` observes the block's duration with the labels
    plus an outcome, ``ok`` or ``error`` (nothing when metrics are off)."""
    return _Timer(histogram, labels) if enabled() else nullcontext()


class _Timer(AbstractContextManager[None]):
    def __init__(self, histogram: Histogram, labels: tuple[str, ...]):
        self.histogram, self.labels = histogram, labels

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, kind: object, *_: object) -> None:
        outcome = "ok" if kind is None else "error"
        child(self.histogram, *self.labels, outcome).observe(time.perf_counter() - self.start)


def breaker_listener(name: str) -> Any:
    """A pybreaker listener keeping ``hornet_circuit_breaker_state{breaker=name}`` current."""

    class _Listener(pybreaker.CircuitBreakerListener):
        def state_change(self, cb: Any, old_state: Any, new_state: Any) -> None:
            BREAKER_STATE.labels(name).set(BREAKER_STATES.get(new_state.name, 0))

    BREAKER_STATE.labels(name).set(0)
    return _Listener()


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def _registry() -> CollectorRegistry:
    if multiprocess_dir() is None:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


class _Collected(Collector):
    """The service's scrape-time series (``HORNET_METRICS_COLLECTORS``: functions returning
    metric families, e.g. the fan-out lag read from MongoDB), asked once per scrape."""

    def __init__(self, functions: Iterable[Callable[[], Iterable[Any]]]):
        self.functions = list(functions)

    def collect(self) -> Iterable[Any]:
        for function in self.functions:
            try:
                families = list(function())
            except Exception:  # a database that is down must not take every series with it
                log.warning("scrape-time series of %s left out", function.__name__, exc_info=True)
                continue
            yield from families


def metrics_view(request: HttpRequest) -> HttpResponse:
    """Every worker's series merged, then the scrape-time ones. Internal: the mesh never
    routes it (the sidecar agent scrapes the pod over localhost)."""
    body = generate_latest(_registry())
    functions = [import_string(path) for path in settings.HORNET_METRICS_COLLECTORS]
    if functions:
        extra = CollectorRegistry(auto_describe=False)
        extra.register(_Collected(functions))
        with untraced():
            body += generate_latest(extra)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
