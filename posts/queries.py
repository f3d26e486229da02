"""Query shapes for the post lists, shared by the selectors, the feed and ``explain_queries``.

Every list is ordered by the unique key ``(created_at, _id)`` and pages with a cursor naming
the last item seen. The filter is ``created_at <= t AND (created_at < t OR _id < id)`` (the
mirror for ascending lists): the top-level bound lets an index on ``(..., created_at, _id)``
start right at the cursor, and the ``$or`` only sorts out posts of that same millisecond.
``posts.windows`` adds the other end of the time range to each query (a bounded key range).
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from hornet.pagination import CursorKey

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)
_LOWEST = UUID(int=0)
DESC = [("created_at", -1), ("_id", -1)]
ASC = [("created_at", 1), ("_id", 1)]


@dataclass(frozen=True)
class TimeKey(CursorKey):
    """Position of a post in a time-ordered list: the cursor's decoded payload."""

    created_at: datetime
    id: UUID

    @classmethod
    def before(cls, at: datetime) -> "TimeKey":
        """A key after which, newest first, come exactly the items older than ``at`` (no id is
        below the all-zero one, so none at ``at`` itself)."""
        return cls(created_at=at, id=_LOWEST)

    @classmethod
    def of(cls, row: dict[str, Any]) -> "TimeKey":
        return cls(created_at=row["created_at"], id=row["_id"])

    def payload(self) -> dict[str, Any]:
        millis = (self.created_at - EPOCH) // _MS  # integer maths: floats could be 1 ms off
        return {"t": millis, "id": self.id.hex}

    @classmethod
    def decode(cls, payload: dict[str, Any]) -> "TimeKey":
        millis, raw_id = payload.get("t"), payload.get("id")
        if not isinstance(millis, int) or isinstance(millis, bool) or not isinstance(raw_id, str):
            raise ValueError("not a time key")
        return cls(EPOCH + millis * _MS, UUID(hex=raw_id))


def after_filter(
    key: TimeKey | None, descending: bool, *, time: str = "created_at", tie: str = "_id"
) -> dict[str, Any]:
    """Strictly after the cursor's item in list order (nothing when there is no cursor).
    ``time`` and ``tie`` name the key's fields in lists of other documents (posts.marks)."""
    if key is None:
        return {}
    strict, loose = ("$lt", "$lte") if descending else ("$gt", "$gte")
    return {
        time: {loose: key.created_at},
        "$or": [{time: {strict: key.created_at}}, {tie: {strict: key.id}}],
    }


def planned(query: dict[str, Any]) -> dict[str, Any]:
    """The same filter with its top-level ``$or`` (the cursor's tie-break) and ``$nor`` (authors
    left out: posts.tags) moved into an ``$and`` beside the indexed fields. SecantusDB plans
    either one next to the other fields as a scan of the whole range, where ``$and`` keeps its
    index bounds (bench/README.md, "How each posts query is bounded"; tests/posts/test_windows.py
    keeps the shape; docs/engagement.md has the ``$nor`` numbers); MongoDB and FerretDB read both
    forms alike."""
    moved = [name for name in _LOGICAL if name in query]
    if not moved:
        return query
    rest = {k: v for k, v in query.items() if k not in moved}
    return {"$and": [rest, *({name: query[name]} for name in moved)]}


_LOGICAL = ("$or", "$nor")


def none_of(field: str, values: Collection[Any]) -> dict[str, Any]:
    """Leave out documents whose ``field`` is any of ``values`` (blocked or muted authors), as
    a ``$nor`` that ``planned`` moves into the ``$and``, not a ``$nin`` beside the indexed
    fields: SecantusDB plans the ``$nin`` as a scan of the whole matching range (a tag page 0.5
    -> 25-30 ms, docs/engagement.md; a notification page's list read p99 2.8 -> 84 ms on the
    bench data, docs/notifications.md). MongoDB and FerretDB read both alike. Nothing to leave
    out: an empty filter."""
    return {"$nor": [{field: {"$in": sorted(values)}}]} if values else {}


def lists_query(filters: list[dict[str, Any]], window: dict[str, Any]) -> dict[str, Any]:
    """One query for several lists in one time window (the followed authors of a feed page):
    an ``$or`` of each list's filter with the window's time bounds, so every clause is a
    bounded range of the index, and the cursor's tie-break beside it. One list: its filter and
    the window (``planned``). On SecantusDB this reads less than one query per author or
    ``author_id $in`` with one window (bench/README.md has the measurements)."""
    if len(filters) == 1:
        return planned({**filters[0], **window})
    times = window.get("created_at")
    clauses = [{**f, "created_at": times} if times else dict(f) for f in filters]
    query: dict[str, Any] = {"$or": clauses}
    if "$or" in window:
        query = {"$and": [query, {"$or": window["$or"]}]}
    return query
