"""OpenAPI pieces shared by the followers views: error responses and path parameters."""

from drf_spectacular.utils import OpenApiResponse

from hornet.openapi import error_responses, uuid_path

_ERRORS = {
    400: "Invalid input; `details` names the field.",
    401: "No identity, or a malformed one.",
    403: "The caller may not do this.",
    404: "Not found.",
    409: "A request with this `Idempotency-Key` is still in progress; retry shortly.",
    422: "This `Idempotency-Key` was used with a different request body.",
    429: "Too many writes; see `Retry-After`.",
    503: "The graph database is unavailable; retry shortly.",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Error responses ``{code, message, details}`` for ``codes``, plus those every route may
    answer (hornet.openapi.error_responses: 401, 503 and the server's own 414 and 431)."""
    return error_responses(codes, _ERRORS)


USER_ID = uuid_path("user_id", "The user (Keycloak subject).")
FOLLOW_ID = uuid_path("follow_id", "The follow's id.")
