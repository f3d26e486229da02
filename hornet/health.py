"""Liveness and readiness probes: plain Django views, no identity, no DRF machinery."""

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.module_loading import import_string

from hornet.error_handler import translate
from hornet.errors import DomainError, ErrorCode, error_body
from hornet.telemetry import untraced


def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive and serving."""
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    """The service's database answers now; 503 otherwise, with the error body every error
    has (hornet.errors.error_body) beside ``"status": "unavailable"``."""
    check = import_string(settings.HORNET_READINESS_CHECK)
    try:
        with untraced():
            check()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        error = translate(exc)
        if error is None or not isinstance(error, DomainError):
            error = DomainError("Readiness check failed.", code=ErrorCode.NOT_READY)
        body = {"status": "unavailable", **error_body(error.code, error.message)}
        return JsonResponse(body, status=503)
    return JsonResponse({"status": "ready"})
