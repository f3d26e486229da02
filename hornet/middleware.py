"""Request id, identity and body-size middleware, shared by both services."""

import logging
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from hornet.identity import attach_identity
from hornet.numbers import ascii_int

log = logging.getLogger(__name__)
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._\-]{1,128}$")


class RequestIdMiddleware:
    """Keep Istio's ``x-request-id`` (or make one) so logs and calls can be correlated.

    It also refuses bodies above DATA_UPLOAD_MAX_MEMORY_SIZE early, from Content-Length,
    with a JSON 413 rather than reading them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID_RE.fullmatch(incoming) else uuid.uuid4().hex  # type: ignore[attr-defined]
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = ascii_int(request.headers.get("Content-Length") or "0")
        except ValueError:  # not ASCII digits, or 19+ of them: certainly larger than the limit
            length = limit + 1 if limit is not None else 0
        if limit is not None and length > limit:
            response: HttpResponse = JsonResponse(
                {
                    "code": "payload_too_large",
                    "message": f"Request body larger than {limit} bytes.",
                    "details": None,
                },
                status=413,
            )
        else:
            response = self.get_response(request)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response


class IdentityMiddleware:
    """Resolve the caller once per request into ``request.identity`` (see hornet.identity)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        attach_identity(request)
        return self.get_response(request)
