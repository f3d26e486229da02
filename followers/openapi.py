"""OpenAPI pieces shared by the followers views: error responses and path parameters."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from followers.serializers import ErrorOut

_ERRORS = {
    400: "Invalid input; `details` names the field.",
    401: "No identity, or a malformed one.",
    403: "The caller may not do this.",
    404: "Not found.",
    429: "Too many writes; see `Retry-After`.",
    503: "The graph database is unavailable; retry shortly.",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Error responses ``{code, message, details}`` for ``codes`` plus 401 and 503 (always)."""
    wanted = sorted({*codes, 401, 503})
    return {c: OpenApiResponse(ErrorOut, description=_ERRORS[c]) for c in wanted}


def uuid_path(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.UUID, OpenApiParameter.PATH, description=description)


USER_ID = uuid_path("user_id", "The user (Keycloak subject).")
FOLLOW_ID = uuid_path("follow_id", "The follow's id.")
