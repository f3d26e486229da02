"""The strict request serializers both services build their bodies from.

- ``StrictFieldsSerializer`` refuses body fields it does not declare, with a 400 naming each one:
  a misspelt ``parent_post_id`` or ``receiver`` must not be silently ignored. Fields the server
  sets (ids, counters, timestamps, the author) are unknown input too. Its OpenAPI twin is
  ``hornet.openapi.StrictFieldsExtension`` (``additionalProperties: false``).
- ``StrictCharField``: only JSON strings (DRF would turn 12 into "12").
- ``StrictBooleanField``: only JSON ``true``/``false`` (DRF would take 0, 1, "yes", "off").
- ``StrictIntegerField``: only JSON integers (DRF would take "60", 60.0 and true).
- ``StrictUUIDField``: only UUID strings in ASCII (DRF would take the integer 42, and
  ``uuid.UUID`` takes ``+``, ``_`` and non-ASCII digits; hornet.numbers). Its error is the one a
  malformed id in a path gets (hornet.ids): code ``invalid_uuid``, "Must be a valid UUID."

Every input serializer of both services derives from ``StrictFieldsSerializer``
(tests/hornet/test_error_codes.py checks it), and every view of both services reads its body
with ``valid_body``.
"""

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers
from rest_framework.request import Request

from hornet.errors import ErrorCode
from hornet.ids import INVALID_UUID_MESSAGE
from hornet.numbers import ascii_uuid


def valid_body(
    serializer_class: type[serializers.Serializer], request: Request, *, optional: bool = False
) -> dict[str, Any]:
    """The request body as ``serializer_class`` validates it (400 naming each field);
    ``optional``: a request without a body reads as ``{}``."""
    data = serializer_class(data=(request.data or {}) if optional else request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class StrictFieldsSerializer(serializers.Serializer):
    """A serializer that refuses body fields it does not declare."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(str(k) for k in data if k not in self.fields)
            if unknown:
                raise serializers.ValidationError({k: ["Unknown field."] for k in unknown})
        return super().to_internal_value(data)


class StrictCharField(serializers.CharField):
    """Only JSON strings: DRF would otherwise turn 12 into "12"."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class StrictBooleanField(serializers.BooleanField):
    """Only JSON booleans: DRF would otherwise read 0, "1", "yes" or "off" as one."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictIntegerField(serializers.IntegerField):
    """Only JSON integers: DRF would otherwise read "60", 60.0 or true as one."""

    def to_internal_value(self, data: Any) -> int:
        if not isinstance(data, int) or isinstance(data, bool):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class StrictUUIDField(serializers.UUIDField):
    """Only UUID strings, ASCII spellings only: DRF would otherwise accept integers.

    The error's code is ``invalid_uuid`` (``ErrorDetail.code``), which hornet.error_handler
    answers as the body's code when every failing field is such an id."""

    default_error_messages = {ErrorCode.INVALID_UUID.value: INVALID_UUID_MESSAGE}

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str):
            try:
                return ascii_uuid(data)
            except ValueError:
                pass
        self.fail(ErrorCode.INVALID_UUID.value)
