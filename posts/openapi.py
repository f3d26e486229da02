"""OpenAPI pieces for the posts views: the error body and the responses every route shares.

The schema generator cannot see what a view raises, so each action lists its errors here.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_serializer
from rest_framework import serializers


@extend_schema_serializer(component_name="Error")
class ErrorOut(serializers.Serializer):
    """The body of every error (hornet.exceptions)."""

    code = serializers.CharField(help_text="Stable machine-readable code, e.g. `not_found`.")
    message = serializers.CharField()
    details = serializers.JSONField(
        allow_null=True, help_text="Field name -> messages for input errors; else null."
    )


_ERRORS = {
    400: "Invalid input: `details` names each offending field (or `cursor`, `limit`, `id`).",
    401: "No identity, or a malformed one.",
    403: "The caller is not the author.",
    404: "No such post (`details` names the id field).",
    429: "Too many writes; see `Retry-After`.",
    503: "The database is unavailable; retry later.",
}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """Error responses for these statuses (plus 401 and 503, which every route may answer)."""
    wanted = sorted({*statuses, 401, 503})
    return {s: OpenApiResponse(ErrorOut, description=_ERRORS[s]) for s in wanted}


def uuid_path(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.UUID, OpenApiParameter.PATH, description=description)


POST_ID = uuid_path("id", "The post's id.")
