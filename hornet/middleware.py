"""Request id, identity and body-size middleware, shared by both services."""

import io
import logging
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse

from hornet.errors import ErrorCode
from hornet.identity import attach_identity
from hornet.logs import bind_request_id, reset_request_id
from hornet.numbers import ascii_int
from hornet.views import error_response

log = logging.getLogger(__name__)
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._\-]{1,128}$")


class RequestIdMiddleware:
    """Keep Istio's ``x-request-id`` (or make one) so logs and calls can be correlated.

    It also refuses bodies above DATA_UPLOAD_MAX_MEMORY_SIZE early, from Content-Length,
    with a JSON 413 rather than reading them. A body sent without Content-Length
    (``Transfer-Encoding: chunked``, as Envoy may forward an HTTP/2 body) is read here up to the
    same limit, so the views see it as any other body (Django and DRF would read it as empty);
    where the server does not mark such input as terminated (``wsgi.input_terminated``, which
    gunicorn sets) it cannot be read safely and is a JSON 411 (tests/reliability/posts/
    test_chunked.py, through gunicorn).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID_RE.fullmatch(incoming) else uuid.uuid4().hex  # type: ignore[attr-defined]
        bound = bind_request_id(request.request_id)  # type: ignore[attr-defined]
        try:
            return self._answer(request)
        finally:
            reset_request_id(bound)

    def _answer(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        refused = _buffer_unsized_body(request, limit)
        if refused is not None:
            refused["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
            return refused
        try:
            length = ascii_int(request.headers.get("Content-Length") or "0")
        except ValueError:  # not ASCII digits, or 19+ of them: certainly larger than the limit
            length = limit + 1 if limit is not None else 0
        if limit is not None and length > limit:
            response: HttpResponse = _too_large(limit)
        else:
            response = self.get_response(request)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response


def _too_large(limit: int) -> HttpResponse:
    return error_response(
        413, ErrorCode.PAYLOAD_TOO_LARGE, f"Request body larger than {limit} bytes."
    )


def _buffer_unsized_body(request: HttpRequest, limit: int | None) -> HttpResponse | None:
    """Read a body that has no Content-Length into memory (at most ``limit`` bytes) and give it
    one, or answer why not. None: nothing to do, or done."""
    meta = request.META
    if "HTTP_TRANSFER_ENCODING" not in meta or meta.get("CONTENT_LENGTH"):
        return None
    if not meta.get("wsgi.input_terminated"):
        return error_response(
            411, ErrorCode.LENGTH_REQUIRED, "Send the body with a Content-Length header."
        )
    stream = meta["wsgi.input"]
    try:
        data = stream.read(limit + 1) if limit is not None else stream.read()
    except Exception:  # the server's own errors: a chunk size that is not hex, a cut body...
        log.info("request %s: unsized body unreadable", request.request_id, exc_info=True)  # type: ignore[attr-defined]
        return error_response(
            400, ErrorCode.MALFORMED_REQUEST, "The request body could not be read."
        )
    if limit is not None and len(data) > limit:
        return _too_large(limit)
    # What Django and DRF read: the stream and its length (DRF takes a 0 length as no body).
    meta["CONTENT_LENGTH"] = str(len(data))
    meta["wsgi.input"] = io.BytesIO(data)
    request._stream = LimitedStream(io.BytesIO(data), len(data))  # type: ignore[assignment]
    return None


class IdentityMiddleware:
    """Resolve the caller once per request into ``request.identity`` (see hornet.identity)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        attach_identity(request)
        return self.get_response(request)
