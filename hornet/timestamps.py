"""How both services write times: RFC 3339, UTC, milliseconds (``2026-05-01T12:00:00.123Z``)."""

from datetime import UTC, datetime
from typing import overload


@overload
def rfc3339(value: datetime) -> str: ...
@overload
def rfc3339(value: None) -> None: ...
def rfc3339(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
