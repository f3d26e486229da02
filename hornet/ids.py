"""UUIDs from input: one parser, one error code and one message for both services.

A malformed id is the same mistake wherever it is written, so a path segment
(``/posts/{id}``, ``/followers/user/{user_id}``) and a body field (``receiver_id``,
``parent_post_id``, ``original_post_id``) both answer 400 ``invalid_uuid``, "Must be a valid
UUID.", naming the field (never a 404). Body fields get it from
``hornet.serializers.StrictUUIDField``, which raises the same code and message.
"""

from uuid import UUID

from hornet.errors import ErrorCode, InvalidInput
from hornet.numbers import ascii_uuid

INVALID_UUID_MESSAGE = "Must be a valid UUID."


def uuid_arg(raw: str, field: str) -> UUID:
    """A UUID from the URL (ASCII spellings only, hornet.numbers), or a 400 naming ``field``."""
    try:
        return ascii_uuid(raw)
    except ValueError:
        raise InvalidInput.for_field(
            field, INVALID_UUID_MESSAGE, code=ErrorCode.INVALID_UUID
        ) from None
