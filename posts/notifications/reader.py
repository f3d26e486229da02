"""A reader of their notifications (what they leave out, where their entries lie) and the two
reads that walk their entries newest first in time windows: a page's list (``newest_entries``)
and the unread count (``unread``).

SecantusDB reads a query's whole matching index range before its limit (posts.windows), so
one query over 90 days of a busy recipient's entries would read all of them. Both reads are
``posts.windows.newest_first`` over one stream, the recipient's entries, sized from their
statistics (posts.notifications.stats): the first window starts at the recipient's latest
entry (not now: a recipient last notified days ago costs no empty windows) and is about one
read's worth wide at their average rate; the reader's filters (a type, exclusions, the policy)
thin it, and a short window is followed by a wider one, as for timelines. A typical page is
therefore one list query (tests/posts/test_notification_windows.py
``test_a_page_of_days_old_notifications_is_one_list_query_from_the_latest_entry``). Where the
statistics say nothing is left (none, all expired, a cursor below their first entry) the read
is one query down to the cutoff: an empty range when they are right, the entries they missed
when they are not (``test_entries_outside_their_statistics_are_still_read``).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from pymongo import DESCENDING

from posts.authors import AuthorStats
from posts.db import query_ms
from posts.notifications.store import FROM_FOLLOWERS_SERVICE, cutoff, entries
from posts.queries import TimeKey, after_filter, none_of, planned
from posts.windows import Bound, Finder, Stream, newest_first

Row = dict[str, Any]
SORT = [("t", DESCENDING), ("_id", DESCENDING)]


@dataclass(frozen=True)
class Reader:
    """Whose notifications are read, and what the reader leaves out."""

    user_id: UUID
    excluded: frozenset[UUID] = frozenset()  # blocked either way, or muted
    following: frozenset[UUID] | None = None  # the policy's "only from people I follow"
    read_up_to: dt.datetime | None = None
    now: dt.datetime | None = None
    # posts.notifications.stats: where the entries lie (None: one read down to the cutoff)
    stats: AuthorStats | None = None

    def clauses(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        if self.excluded:
            found.append(none_of("a", self.excluded))
        if self.following is not None:
            kept = {"k": {"$in": list(FROM_FOLLOWERS_SERVICE)}}
            found.append({"$or": [kept, {"a": {"$in": sorted(self.following)}}]})
        return found

    def query(
        self,
        indexed: dict[str, Any],
        *,
        after: TimeKey | None = None,
        since: dt.datetime | None = None,
    ) -> dict[str, Any]:
        """``indexed`` for this reader: within the retention, after the cursor ``after`` (and
        the time ``since``), filtered. A field given a list is any of its values. One value: one
        range, the cursor's tie-break in an ``$and`` beside it (``planned``). Several: an
        ``$or`` of one bounded range per value, and with a cursor two per value (older than its
        time; at its time, below its id). SecantusDB reads ``$in`` over several values, or an
        ``$or`` of them beside the tie-break's ``$or``, as a scan of the recipient's entries
        (17 ms and 300 ms for a page's groups where this takes 2 to 4 ms: docs/notifications.md)."""
        fields = dict(indexed)
        times = dict(fields.pop("t", {}))
        oldest = cutoff(self.now)
        times["$gte"] = max(oldest, times.get("$gte", oldest))
        if since is not None:
            times["$gt"] = since
        listed = [name for name, value in fields.items() if isinstance(value, list)]
        assert len(listed) <= 1, listed  # one field of many values
        values = fields.pop(listed[0]) if listed else []
        if len(values) == 1:
            fields[listed[0]] = values[0]
        base = {"r": self.user_id, **fields}
        if len(values) < 2:
            tied = after_filter(after, True, time="t")
            query = planned({**base, **tied, "t": {**times, **tied.get("t", {})}})
        else:
            clauses = []
            for value in values:
                one = {**base, listed[0]: value}
                if after is None:
                    clauses.append({**one, "t": times})
                    continue
                at = after.created_at
                clauses.append({**one, "t": {**times, "$lt": at}})
                if at >= times["$gte"] and (since is None or at > since):
                    # the cursor's time itself, as an equality (a range of one time reads
                    # the whole group on SecantusDB)
                    clauses.append({**one, "t": at, "_id": {"$lt": after.id}})
            query = {"$or": clauses}
        extra = self.clauses()
        if not extra:
            return query
        return {"$and": [*query.get("$and", [query]), *extra]}


def _stream(reader: Reader, key: TimeKey | None = None, since: dt.datetime | None = None) -> Stream:
    """The reader's entries after ``key``, newer than the cutoff (and ``since``), as
    ``newest_first`` reads them. The rate is the statistics' own (over all their time): the
    cutoff and ``since`` only move where the walk ends. Where the statistics say nothing is
    left (none, all expired, or the cursor below their first entry) it is one window down to
    the cutoff: empty when they are right, and the entries they missed when they are not
    (``newest_first`` never reads outside a stream's span)."""
    oldest = cutoff(reader.now)
    if since is not None:
        oldest = max(oldest, since)
    found = reader.stats
    if found is None or found.last < oldest or (key is not None and key.created_at < found.first):
        now = reader.now or dt.datetime.now(dt.UTC)
        return Stream({}, oldest, max(now, oldest), 0.0)
    return Stream({}, max(found.first, oldest), found.last, found.rate())


def _finder(
    reader: Reader,
    indexed: dict[str, Any],
    after: TimeKey | None,
    since: dt.datetime | None = None,
    fields: dict[str, int] | None = None,
) -> Finder:
    """``newest_first``'s reader of one window on the entries' ``t``: the first window is the
    one that carries the cursor's tie-break (``Bound.filter``: its ``$lte`` and ``$or``), read
    after ``after`` by ``Reader.query``'s own cursor clauses."""

    def find(_: list[dict[str, Any]], window: dict[str, Any], limit: int) -> list[Row]:
        times = {op: v for op, v in window.get("t", {}).items() if op != "$lte"}
        cursor = after if "$or" in window else None
        query = reader.query({**indexed, "t": times}, after=cursor, since=since)
        found = entries().find(query, fields, sort=SORT, limit=limit, max_time_ms=query_ms())
        return list(found)

    return find


def newest_entries(
    reader: Reader, key: TimeKey | None, types: list[str] | None, need: int
) -> list[Row]:
    """Up to ``need`` of the reader's entries after ``key`` (of these types), newest first."""
    stream = _stream(reader, key)
    indexed: dict[str, Any] = {"k": list(types)} if types else {}
    bound = None if key is None else Bound(key.created_at, after_filter(key, True, time="t"))
    return newest_first(_finder(reader, indexed, key), [stream], need=need, bound=bound, time="t")


def unread(reader: Reader, cap: int) -> int:
    """How many entries lie after the read marker, up to ``cap``: their ids (from the
    ``(r, t, _id)`` index alone when the reader filters no actor) read newest first in
    windows, where one count would read every entry after the marker (all of them for a
    reader who never read)."""
    since = reader.read_up_to
    stream = _stream(reader, since=since)
    find = _finder(reader, {}, None, since, {"_id": 1})
    return len(newest_first(find, [stream], need=cap, bound=None, time="t"))
