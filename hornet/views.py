"""JSON answers for requests that never reach a DRF view (unknown URLs, crashes)."""

from django.http import HttpRequest, JsonResponse


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(
        {"code": "not_found", "message": f"No route for {request.path}.", "details": None},
        status=404,
    )


def server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "code": "internal_error",
            "message": "Internal error; it has been logged.",
            "details": {"request_id": getattr(request, "request_id", None)},
        },
        status=500,
    )
