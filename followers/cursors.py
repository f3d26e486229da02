"""Cursor payloads of the followers lists (hornet.pagination signs and encodes them).

Follow lists are ordered by ``(created_at, id)`` descending, suggestions by
``(mutual_count desc, followers desc, user_id asc)``; a cursor holds the key of the last item
shown. A signed cursor from another list (say, a posts cursor) is still refused with a 400.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hornet.errors import ErrorCode, InvalidInput
from hornet.numbers import stored_int


def _invalid() -> InvalidInput:
    return InvalidInput.for_field("cursor", "Cursor is not valid.", code=ErrorCode.INVALID_CURSOR)


@dataclass(frozen=True, slots=True)
class FollowKey:
    created_at: datetime
    id: str

    def payload(self) -> dict[str, Any]:
        return {"t": self.created_at.isoformat(), "id": self.id}

    @classmethod
    def parse(cls, after: dict[str, Any] | None) -> "FollowKey | None":
        if after is None:
            return None
        t, follow_id = after.get("t"), after.get("id")
        if not isinstance(t, str) or not isinstance(follow_id, str) or len(follow_id) > 64:
            raise _invalid()
        try:
            created_at = datetime.fromisoformat(t)
        except ValueError:
            raise _invalid() from None
        if created_at.tzinfo is None:
            raise _invalid()
        return cls(created_at, follow_id)


def follow_params(key: FollowKey | None) -> dict[str, Any]:
    """Query parameters for the ``$after_t``/``$after_id`` predicate of the follow lists."""
    if key is None:
        return {"after_t": None, "after_id": None}
    return {"after_t": key.created_at, "after_id": key.id}


@dataclass(frozen=True, slots=True)
class SuggestionKey:
    mutual_count: int
    followers: int
    user_id: str

    def payload(self) -> dict[str, Any]:
        return {"m": self.mutual_count, "f": self.followers, "u": self.user_id}

    @classmethod
    def parse(cls, after: dict[str, Any] | None) -> "SuggestionKey | None":
        if after is None:
            return None
        m, f, u = after.get("m"), after.get("f"), after.get("u")
        if not isinstance(u, str) or len(u) > 64:
            raise _invalid()
        try:  # Neo4j integers are 64-bit: a larger one would fail in the driver (a 500)
            return cls(stored_int(m), stored_int(f), u)
        except ValueError:
            raise _invalid() from None
