"""OpenAPI pieces both services share: the error body and typed path parameters.

The schema generator cannot see what a view raises, so each action lists its error
responses; every route may also answer 401 (identity) and 503 (database), so those are
always included.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema_serializer,
)
from rest_framework import serializers

from hornet.errors import ERROR_CODE_DESCRIPTIONS, ErrorCode

# Ids of the documented examples: the demo users (hornet.devtools.DEMO_USERS).
ALICE, BOB = "a11ce000-0000-4000-8000-000000000001", "b0b00000-0000-4000-8000-000000000002"
CAROL = "ca401000-0000-4000-8000-000000000003"


def example(
    name: str, value: Any, *, request: bool = False, status: int | None = None
) -> OpenApiExample:
    """A documented example of a request body (``request``) or of a response (shown for 200
    and 201, or for ``status``), for ``extend_schema_serializer(examples=...)``: Swagger UI
    shows it, and the browsable API pre-fills its write form with a request example
    (hornet.browsable)."""
    codes = [str(status)] if status is not None else None
    return OpenApiExample(
        name, value, request_only=request, response_only=not request, status_codes=codes
    )


# The ``ErrorCode`` schema component (settings SPECTACULAR_SETTINGS ENUM_NAME_OVERRIDES).
ERROR_CODE_CHOICES = [(code.value, ERROR_CODE_DESCRIPTIONS[code]) for code in ErrorCode]


@extend_schema_serializer(component_name="Error")
class ErrorOut(serializers.Serializer):
    """The body of every error (hornet.errors.error_body); ``code`` is one of ``ErrorCode``."""

    code = serializers.ChoiceField(
        choices=ERROR_CODE_CHOICES,
        help_text="Stable machine-readable code; clients branch on it. The complete list:",
    )
    message = serializers.CharField()
    details = serializers.JSONField(
        allow_null=True, help_text="Field name -> messages for input errors; else null or context."
    )


# What gunicorn answers itself, before the service, on any route (hornet.gunicorn_errors).
SERVER_ERRORS = {
    414: "Request line too long (answered by the HTTP server, before the service).",
    431: "Too many header fields, or one too large (answered by the HTTP server).",
}


def error_responses(
    statuses: Iterable[int], descriptions: Mapping[int, str]
) -> dict[int, OpenApiResponse]:
    """Error responses for ``statuses`` plus 401 and 503, described by ``descriptions``, and
    the server's own 414 and 431."""
    wanted = sorted({*statuses, 401, 503})
    responses = {s: OpenApiResponse(ErrorOut, description=descriptions[s]) for s in wanted}
    for status, description in SERVER_ERRORS.items():
        responses.setdefault(status, OpenApiResponse(ErrorOut, description=description))
    return responses


def uuid_path(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.UUID, OpenApiParameter.PATH, description=description)


class StrictFieldsExtension(OpenApiSerializerExtension):
    """Request bodies as the server really checks them: no unknown fields, plus the rules a
    serializer states in ``openapi_rules`` (so generated clients and fuzzers send valid data)."""

    target_class = "hornet.serializers.StrictFieldsSerializer"
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema: dict[str, Any] = auto_schema._map_serializer(
            self.target, direction, bypass_extensions=True
        )
        if direction == "request":
            schema["additionalProperties"] = False
            rules = dict(getattr(self.target, "openapi_rules", {}))
            for name, extra in rules.pop("properties", {}).items():
                schema["properties"][name] = {**schema["properties"][name], **extra}
            schema.update(rules)
        return schema
