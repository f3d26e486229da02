"""JSON answers for requests that never reach a DRF view (unknown URLs, crashes)."""

from django.http import HttpRequest, JsonResponse


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(
        {"code": "not_found", "message": f"No route for {request.path}.", "details": None},
        status=404,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    # Django's own 400s, e.g. a Host outside DJANGO_ALLOWED_HOSTS (DisallowedHost).
    return JsonResponse(
        {"code": "malformed_request", "message": "Bad request.", "details": None}, status=400
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse({"code": "forbidden", "message": "Forbidden.", "details": None}, status=403)


def server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "code": "internal_error",
            "message": "Internal error; it has been logged.",
            "details": {"request_id": getattr(request, "request_id", None)},
        },
        status=500,
    )
