"""The one error hierarchy, its closed set of codes and the one error body.

Services raise these; hornet.error_handler renders them. Each error carries its HTTP status and
a stable machine-readable ``code`` from ``ErrorCode``, the complete list of codes a client may
see (the OpenAPI schema of both services lists them); services themselves never mention HTTP.
Every ``{code, message, details}`` body, whoever answers (the DRF handler, the middleware,
Django's error views, gunicorn), is built by ``error_body``.
"""

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """Every ``code`` a client may see. ``DomainError`` and ``error_body`` refuse any other."""

    ERROR = "error"
    INVALID_INPUT = "invalid_input"
    INVALID_UUID = "invalid_uuid"
    INVALID_CURSOR = "invalid_cursor"
    INVALID_KEY = "invalid_key"
    THREAD_TOO_DEEP = "thread_too_deep"
    SELF_FOLLOW = "self_follow"
    SELF_DISMISS = "self_dismiss"
    SELF_BLOCK = "self_block"
    SELF_MUTE = "self_mute"
    MALFORMED_REQUEST = "malformed_request"
    NOT_AUTHENTICATED = "not_authenticated"
    INVALID_IDENTITY = "invalid_identity"
    FORBIDDEN = "forbidden"
    BLOCKED = "blocked"
    NETWORK_HIDDEN = "network_hidden"
    CSRF_FAILED = "csrf_failed"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    REQUEST_TIMEOUT = "request_timeout"
    CONFLICT = "conflict"
    IDEMPOTENCY_IN_PROGRESS = "idempotency_in_progress"
    LENGTH_REQUIRED = "length_required"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    URI_TOO_LONG = "uri_too_long"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    EXPECTATION_FAILED = "expectation_failed"
    UNPROCESSABLE = "unprocessable"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    RATE_LIMITED = "rate_limited"
    HEADER_FIELDS_TOO_LARGE = "header_fields_too_large"
    INTERNAL_ERROR = "internal_error"
    NOT_IMPLEMENTED = "not_implemented"
    SERVICE_UNAVAILABLE = "service_unavailable"
    DATABASE_UNAVAILABLE = "database_unavailable"
    FOLLOWERS_UNAVAILABLE = "followers_unavailable"
    FOLLOWERS_REFUSED = "followers_refused"
    TOKEN_UNAVAILABLE = "token_unavailable"  # noqa: S105 - an error code, not a credential
    IDENTITY_PROVIDER_UNAVAILABLE = "identity_provider_unavailable"
    NOT_READY = "not_ready"


# What each code means, for the OpenAPI schema (hornet.openapi.ErrorOut); one line per member.
ERROR_CODE_DESCRIPTIONS: dict[ErrorCode, str] = {
    ErrorCode.ERROR: "An error without a more specific code.",
    ErrorCode.INVALID_INPUT: "400: a body field, query parameter or header is not acceptable; "
    "`details` names each one (unknown body fields: `Unknown field.`).",
    ErrorCode.INVALID_UUID: "400: an id in the path or the body is not a UUID; `details` "
    "names the field.",
    ErrorCode.INVALID_CURSOR: "400: the `cursor` is forged, truncated or from another list.",
    ErrorCode.INVALID_KEY: "400: the `Idempotency-Key` header is malformed.",
    ErrorCode.THREAD_TOO_DEEP: "400: a reply to a post already at the deepest thread level.",
    ErrorCode.SELF_FOLLOW: "400: a user cannot follow themselves.",
    ErrorCode.SELF_DISMISS: "400: a user cannot dismiss themselves as a suggestion.",
    ErrorCode.SELF_BLOCK: "400: a user cannot block themselves.",
    ErrorCode.SELF_MUTE: "400: a user cannot mute themselves.",
    ErrorCode.MALFORMED_REQUEST: "400: the request (JSON body, headers, framing) could not be "
    "parsed.",
    ErrorCode.NOT_AUTHENTICATED: "401: no identity was presented.",
    ErrorCode.INVALID_IDENTITY: "401: the identity presented is malformed, unverifiable or "
    "contradictory.",
    ErrorCode.FORBIDDEN: "403: the caller may not do this.",
    ErrorCode.BLOCKED: "403: a block between the caller and this user (either way) forbids "
    "this; the message is neutral and does not say who blocked whom.",
    ErrorCode.NETWORK_HIDDEN: "403: the user hides whom they follow and who follows them.",
    ErrorCode.CSRF_FAILED: "403: a cookie-authenticated write without a valid CSRF token "
    "(development only).",
    ErrorCode.NOT_FOUND: "404: no such object, or no such route.",
    ErrorCode.METHOD_NOT_ALLOWED: "405: the route does not answer this method.",
    ErrorCode.NOT_ACCEPTABLE: "406: no representation matches the `Accept` header.",
    ErrorCode.REQUEST_TIMEOUT: "408: the request was not received in time (HTTP server).",
    ErrorCode.CONFLICT: "409: the request conflicts with the current state.",
    ErrorCode.IDEMPOTENCY_IN_PROGRESS: "409: a request with this `Idempotency-Key` is still "
    "running; retry shortly.",
    ErrorCode.LENGTH_REQUIRED: "411: a body without `Content-Length` that cannot be read safely.",
    ErrorCode.PAYLOAD_TOO_LARGE: "413: the request body is too large.",
    ErrorCode.URI_TOO_LONG: "414: the request line is too long (HTTP server).",
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: "415: the body's `Content-Type` is not accepted.",
    ErrorCode.EXPECTATION_FAILED: "417: the `Expect` header cannot be met (HTTP server).",
    ErrorCode.UNPROCESSABLE: "422: understood but refused.",
    ErrorCode.IDEMPOTENCY_KEY_REUSED: "422: this `Idempotency-Key` was used with another request.",
    ErrorCode.RATE_LIMITED: "429: too many writes; see `Retry-After`.",
    ErrorCode.HEADER_FIELDS_TOO_LARGE: "431: too many header fields, or one too large "
    "(HTTP server).",
    ErrorCode.INTERNAL_ERROR: "500: an unexpected error; it was logged with the request id "
    "given in `details`.",
    ErrorCode.NOT_IMPLEMENTED: "501: the transfer coding is not supported (HTTP server).",
    ErrorCode.SERVICE_UNAVAILABLE: "503: a backing service is unavailable; retry later.",
    ErrorCode.DATABASE_UNAVAILABLE: "503: the service's database is unavailable; retry later.",
    ErrorCode.FOLLOWERS_UNAVAILABLE: "503: the followers service is unavailable (feed); retry "
    "later.",
    ErrorCode.FOLLOWERS_REFUSED: "503: the followers service refused the feed's call.",
    ErrorCode.TOKEN_UNAVAILABLE: "Never answered to clients: the fan-out worker could not get "
    "its own token from the identity provider (it retries).",
    ErrorCode.IDENTITY_PROVIDER_UNAVAILABLE: "503: the identity provider's keys cannot be "
    "fetched (`jwt` mode).",
    ErrorCode.NOT_READY: "503 from `/readyz` only: the readiness check failed.",
}


INTERNAL_ERROR_MESSAGE = "Internal error; it has been logged."


def error_body(code: ErrorCode, message: str, details: Any = None) -> dict[str, Any]:
    """The body of every error answer; ``ValueError`` for a code outside ``ErrorCode``."""
    return {"code": ErrorCode(code).value, "message": message, "details": details}


class DomainError(Exception):
    """Base of every error a client may see. ``details`` names fields where relevant."""

    status_code = 400
    code = ErrorCode.ERROR
    default_message = "The request could not be processed."

    def __init__(
        self, message: str | None = None, *, details: Any = None, code: ErrorCode | None = None
    ):
        self.message = message or self.default_message
        self.details = details
        if code:
            self.code = ErrorCode(code)  # a code outside the closed set is a ValueError
        super().__init__(self.message)


class InvalidInput(DomainError):
    """Input that is well-formed JSON but not acceptable; ``details`` maps field -> messages."""

    status_code = 400
    code = ErrorCode.INVALID_INPUT
    default_message = "Invalid input."

    @classmethod
    def for_field(cls, field: str, message: str, code: ErrorCode | None = None) -> "InvalidInput":
        return cls(f"{field}: {message}", details={field: [message]}, code=code)


class Unauthenticated(DomainError):
    """No usable identity on a request that needs one."""

    status_code = 401
    code = ErrorCode.NOT_AUTHENTICATED
    default_message = "Authentication credentials were not provided."


class InvalidIdentity(Unauthenticated):
    """An identity was presented but is malformed, unverifiable or contradictory."""

    code = ErrorCode.INVALID_IDENTITY
    default_message = "The identity presented with the request is not valid."


class Forbidden(DomainError):
    """The caller is known but may not do this."""

    status_code = 403
    code = ErrorCode.FORBIDDEN
    default_message = "You may not do this."


class NotFound(DomainError):
    """The named object does not exist."""

    status_code = 404
    code = ErrorCode.NOT_FOUND
    default_message = "Not found."


class Conflict(DomainError):
    """The request conflicts with the current state (for example a concurrent duplicate)."""

    status_code = 409
    code = ErrorCode.CONFLICT
    default_message = "Conflict with the current state."


class Unprocessable(DomainError):
    """Understood but refused, for example an idempotency key reused with another body."""

    status_code = 422
    code = ErrorCode.UNPROCESSABLE
    default_message = "The request cannot be processed."


class ServiceUnavailable(DomainError):
    """A database or a service we depend on does not answer. Safe to retry later."""

    status_code = 503
    code = ErrorCode.SERVICE_UNAVAILABLE
    default_message = "A backing service is unavailable; try again shortly."


class DatabaseUnavailable(ServiceUnavailable):
    """The service's own database does not answer (down, unreachable or timing out)."""

    code = ErrorCode.DATABASE_UNAVAILABLE
    default_message = "The database is unavailable; try again shortly."
