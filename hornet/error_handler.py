"""The one DRF exception handler: every error becomes ``{code, message, details}``
(``hornet.errors.error_body``).

Driver errors are mapped to DomainErrors by translators that each app registers where it
configures its driver (posts.db, followers.db), so this module knows no driver and no view
repeats a try/except.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework.response import Response

from hornet.errors import INTERNAL_ERROR_MESSAGE, DomainError, ErrorCode, error_body

log = logging.getLogger("hornet.errors")

Translator = Callable[[BaseException], DomainError | None]
_translators: list[Translator] = []


def register_translator(translator: Translator) -> None:
    """Add a function that maps a driver exception to a DomainError (or returns None)."""
    if translator not in _translators:
        _translators.append(translator)


def translate(exc: BaseException) -> DomainError | None:
    if isinstance(exc, DomainError):
        return exc
    for translator in _translators:
        mapped = translator(exc)
        if mapped is not None:
            return mapped
    return None


def _drf_details(exc: drf.APIException) -> tuple[str, Any]:
    detail = exc.detail
    if isinstance(detail, dict):
        return "; ".join(f"{k}: {_first(v)}" for k, v in detail.items()), _plain(detail)
    if isinstance(detail, list):
        return "; ".join(str(d) for d in detail), _plain(detail)
    return str(detail), None


def _first(value: Any) -> str:
    while isinstance(value, (list, tuple)) and value:
        value = value[0]
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_first(v)}" for k, v in value.items())
    return str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


_DRF_CODES = {
    drf.ValidationError: ErrorCode.INVALID_INPUT,
    drf.ParseError: ErrorCode.MALFORMED_REQUEST,
    drf.NotAuthenticated: ErrorCode.NOT_AUTHENTICATED,
    drf.AuthenticationFailed: ErrorCode.INVALID_IDENTITY,
    drf.PermissionDenied: ErrorCode.FORBIDDEN,
    drf.NotFound: ErrorCode.NOT_FOUND,
    drf.MethodNotAllowed: ErrorCode.METHOD_NOT_ALLOWED,
    drf.NotAcceptable: ErrorCode.NOT_ACCEPTABLE,
    drf.UnsupportedMediaType: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    drf.Throttled: ErrorCode.RATE_LIMITED,
}


def _drf_code(exc: drf.APIException) -> ErrorCode:
    """The code of a DRF exception. A validation error whose every field failed as a
    malformed UUID (hornet.serializers.StrictUUIDField) is ``invalid_uuid``, as the same id in
    a path is (hornet.ids)."""
    if isinstance(exc, drf.ValidationError) and _leaf_codes(exc.detail) == {ErrorCode.INVALID_UUID}:
        return ErrorCode.INVALID_UUID
    return next((c for t, c in _DRF_CODES.items() if isinstance(exc, t)), ErrorCode.ERROR)


def _leaf_codes(detail: Any) -> set[str | None]:
    """The codes of every message in a DRF error detail (``ErrorDetail.code``)."""
    if isinstance(detail, dict):
        return set().union(*(_leaf_codes(v) for v in detail.values()))
    if isinstance(detail, (list, tuple)):
        return set().union(*(_leaf_codes(v) for v in detail))
    return {getattr(detail, "code", None)}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    request = context.get("request")
    request_id = getattr(getattr(request, "_request", None), "request_id", None)
    domain = translate(exc)
    if domain is not None:
        if domain.status_code >= 500:
            log.warning("request %s: %s (%r)", request_id, domain.code, exc)
        response = Response(
            error_body(domain.code, domain.message, domain.details), domain.status_code
        )
        view = context.get("view")
        if domain.status_code == 401 and view is not None and request is not None:
            # A 401 names the scheme that would succeed (RFC 9110), as DRF's own 401s do.
            challenge = view.get_authenticate_header(request)
            if challenge:
                response["WWW-Authenticate"] = challenge
        return response
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        return Response(error_body(ErrorCode.PAYLOAD_TOO_LARGE, "Request body too large."), 413)
    elif isinstance(exc, SuspiciousOperation):
        # Django's refusals of a request's shape (more than DATA_UPLOAD_MAX_NUMBER_FIELDS query
        # parameters, a disallowed Host...): the client's doing, a 400 as Django would answer.
        log.info("request %s: %s", request_id, type(exc).__name__)
        return Response(
            error_body(ErrorCode.MALFORMED_REQUEST, "The request was refused as malformed."), 400
        )
    if isinstance(exc, drf.APIException):
        message, details = _drf_details(exc)
        response = Response(error_body(_drf_code(exc), message, details), exc.status_code)
        wait = getattr(exc, "wait", None)
        if isinstance(exc, drf.Throttled) and wait is not None:
            response["Retry-After"] = str(int(wait) + 1)
        auth_header = getattr(exc, "auth_header", None)
        if auth_header:
            response["WWW-Authenticate"] = auth_header
        return response
    log.exception("request %s: unhandled error", request_id)
    return Response(
        error_body(ErrorCode.INTERNAL_ERROR, INTERNAL_ERROR_MESSAGE, {"request_id": request_id}),
        500,
    )
