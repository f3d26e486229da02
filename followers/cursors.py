"""Cursor payloads of the followers lists (hornet.pagination signs and encodes them).

Follow lists are ordered by ``(created_at, id)`` descending, suggestions by
``(mutual_count desc, followers desc, user_id asc)``; a cursor holds the key of the last item
shown. Both keys are ``hornet.pagination.CursorKey``s: a signed cursor from another list (say,
a posts cursor) is still refused with the one ``invalid_cursor`` 400.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hornet.numbers import stored_int
from hornet.pagination import CursorKey


@dataclass(frozen=True, slots=True)
class FollowKey(CursorKey):
    created_at: datetime
    id: str

    def payload(self) -> dict[str, Any]:
        return {"t": self.created_at.isoformat(), "id": self.id}

    @classmethod
    def decode(cls, payload: dict[str, Any]) -> "FollowKey":
        t, follow_id = payload.get("t"), payload.get("id")
        if not isinstance(t, str) or not isinstance(follow_id, str) or len(follow_id) > 64:
            raise ValueError("not a follow key")
        created_at = datetime.fromisoformat(t)
        if created_at.tzinfo is None:
            raise ValueError("a follow key's time is in UTC")
        return cls(created_at, follow_id)


def follow_params(key: FollowKey | None) -> dict[str, Any]:
    """Query parameters for the ``$after_t``/``$after_id`` predicate of the follow lists."""
    if key is None:
        return {"after_t": None, "after_id": None}
    return {"after_t": key.created_at, "after_id": key.id}


@dataclass(frozen=True, slots=True)
class SuggestionKey(CursorKey):
    mutual_count: int
    followers: int
    user_id: str

    def payload(self) -> dict[str, Any]:
        return {"m": self.mutual_count, "f": self.followers, "u": self.user_id}

    @classmethod
    def decode(cls, payload: dict[str, Any]) -> "SuggestionKey":
        m, f, u = payload.get("m"), payload.get("f"), payload.get("u")
        if not isinstance(u, str) or len(u) > 64:
            raise ValueError("not a suggestion key")
        # Neo4j integers are 64-bit: a larger one would fail in the driver (a 500)
        return cls(stored_int(m), stored_int(f), u)
