"""Log lines of both services: one JSON object per event on stdout (``LOG_FORMAT=json``, the
production default) or a readable line (``console``, the dev and test default), for Django's,
the services', gunicorn's, pymongo's and the neo4j driver's loggers alike.

python-json-logger rather than structlog (+ django-structlog): it is one small, dependency-free
``logging.Formatter``, so every library's ``logging`` call (gunicorn, Django, the drivers) comes
out in the same shape through the standard ``dictConfig`` gunicorn and Django already use, with
no second logging pipeline to bridge; django-structlog's own request middleware would duplicate
the request id and request log HorNet already keeps (hornet.middleware, below).

Each line carries the request id (``x-request-id``, Envoy's when present) of the request it was
written for, and the OpenTelemetry trace and span ids when a span is current
(hornet.telemetry). Every request is logged once by ``RequestLogMiddleware``: method, route
template, status, duration, the caller's id. What a client sends is never logged (no headers,
no bodies, no query strings): tokens, cookies and post contents stay out; a bearer token that
some library puts into a message is masked as a last resort (tests/observability/test_logs.py).
"""

import contextvars
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9\-._~+/]+=*")
# Routes for machines (probes every few seconds, scrapes): their request lines are DEBUG.
QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})
FORMATS = ("json", "console")
UNMATCHED = "unmatched"  # no route: 404s, and requests refused before routing (413, 411)

request_log = logging.getLogger("hornet.request")


def route_template(request: HttpRequest) -> str:
    """The route the request matched, as declared (``/posts/<str:id>``), both slash twins as
    one; ``unmatched`` when it matched none. Never the raw path: ids would be labels."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.route is None:
        return UNMATCHED
    return "/" + match.route.rstrip("/")


def bind_request_id(value: str | None) -> contextvars.Token[str | None]:
    """The request id every log line of this thread carries until ``reset_request_id``."""
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token[str | None]) -> None:
    _request_id.reset(token)


class ContextFilter(logging.Filter):
    """Adds ``request_id``, ``trace_id`` and ``span_id`` (when known) to every record, and
    masks bearer tokens in the message."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = _request_id.get()
        if request_id is not None:
            record.request_id = request_id
        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            record.trace_id = format(context.trace_id, "032x")
            record.span_id = format(context.span_id, "016x")
        message = record.getMessage()
        if _BEARER.search(message):
            record.msg, record.args = _BEARER.sub(r"\1[redacted]", message), None
        return True


class JsonFormatter(_JsonFormatter):
    """``{"time", "level", "logger", "message", ...extra fields}``, one line per record."""

    def __init__(self, **kwargs: Any):
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            timestamp=False,
            **kwargs,
        )


class ConsoleFormatter(logging.Formatter):
    """The readable line of ``make run``: time, level, logger, [request id], message."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(request)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None)
        record.request = f" [{request_id}]" if request_id else ""
        return super().format(record)


def logging_config(fmt: str, level: str) -> dict[str, Any]:
    """The ``dictConfig`` of a service (settings.LOGGING) and of its gunicorn master
    (``logconfig_dict``): one stdout handler in ``fmt`` (json or console) for every logger;
    the drivers log warnings only (their debug lines would hold queries and documents), and
    so do httpx and httpcore (httpx's INFO line for every call to the other service doubled
    the lines of a request that calls it: the call is in the request's trace and in the other
    service's own request line, with the same request id)."""
    if fmt not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {fmt!r}")
    formatter = "hornet.logs.JsonFormatter" if fmt == "json" else "hornet.logs.ConsoleFormatter"
    quiet = {"level": "WARNING", "propagate": True}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "hornet.logs.ContextFilter"}},
        "formatters": {"line": {"()": formatter}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "line",
                "filters": ["context"],
            }
        },
        "root": {"handlers": ["stdout"], "level": level.upper()},
        "loggers": {
            "neo4j": quiet,
            "pymongo": quiet,
            "httpx": quiet,
            "httpcore": quiet,
            # Django's default handlers (console when DEBUG, mail_admins) would print twice.
            "django": {"level": level.upper(), "handlers": [], "propagate": True},
            # gunicorn's own lines, in the master too (its handlers are replaced); its access
            # log is hornet/gunicorn_conf.py's to switch on.
            "gunicorn.error": {"level": level.upper(), "handlers": [], "propagate": True},
        },
    }


class RequestLogMiddleware:
    """One line per request, written when it is answered (outermost middleware, so refusals
    are logged too): method, route template, status, duration, caller, request id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - start) * 1000, 2)
        route = route_template(request)
        level = logging.DEBUG if route in QUIET_ROUTES else logging.INFO
        if not request_log.isEnabledFor(level):  # LOG_LEVEL=WARNING: not even the fields
            return response
        identity = getattr(request, "identity", None)
        fields = {
            "method": request.method,
            "route": route,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": str(identity.user_id) if identity is not None else None,
            "request_id": getattr(request, "request_id", None),
        }
        request_log.log(
            level,
            "%s %s %s %.1f ms",
            request.method,
            route,
            response.status_code,
            duration_ms,
            extra=fields,
        )
        return response
