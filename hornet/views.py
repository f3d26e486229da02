"""JSON answers for requests that never reach a DRF view (unknown URLs, crashes), and
``error_response``, the Django ``JsonResponse`` of an error body that the middleware uses too."""

from typing import Any

from django.http import HttpRequest, JsonResponse

from hornet.errors import INTERNAL_ERROR_MESSAGE, ErrorCode, error_body


def error_response(status: int, code: ErrorCode, message: str, details: Any = None) -> JsonResponse:
    """``{code, message, details}`` (hornet.errors.error_body) as a plain Django response."""
    return JsonResponse(error_body(code, message, details), status=status)


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(404, ErrorCode.NOT_FOUND, f"No route for {request.path}.")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    # Django's own 400s, e.g. a Host outside DJANGO_ALLOWED_HOSTS (DisallowedHost).
    return error_response(400, ErrorCode.MALFORMED_REQUEST, "Bad request.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(403, ErrorCode.FORBIDDEN, "Forbidden.")


def server_error(request: HttpRequest) -> JsonResponse:
    request_id = getattr(request, "request_id", None)
    return error_response(
        500, ErrorCode.INTERNAL_ERROR, INTERNAL_ERROR_MESSAGE, {"request_id": request_id}
    )
