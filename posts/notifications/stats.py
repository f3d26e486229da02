"""Per-recipient notification statistics: how many, the first and the latest notification
time. They size the time windows of a page's list read and of the unread count
(``posts.windows.newest_first``, as the author and tag timelines are sized from theirs), and
are hints, never the truth of what is shown: a wrong one costs only extra windows.

They live in the recipient's settings document (``notification_settings``, fields ``n``,
``first``, ``last``), which every page reads already for the read marker and the policy, so
the page reads them for free. The write is the price: ``notify`` adds one upsert to the
action, by primary key, before its insert (one ``bulk_write`` for all the action's
recipients), so an action now writes twice (docs/notifications.md, "Performance").

Invariant: the statistics cover every entry (``first <= t <= last``). They are written
*before* the entries, so a crash between the two leaves statistics for an entry never written
(one more empty window) and never an entry outside them; a retry counts its entry again (``n``
is a hint). The seed writes them for its bulk entries, ``ensure_schema`` fills them from the
entries when none exist (``backfill``). Expiry does not shrink them: readers clamp ``first``
to the retention's cutoff. Where they say nothing is left, readers still read one window down
to the cutoff (posts.notifications.reader), so entries they miss are shown all the same.
Tests: tests/posts/test_notification_windows.py.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from pymongo import UpdateOne
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError

from posts.authors import AuthorStats, Spans, stats_of, stats_update
from posts.db import database

COLLECTION = "notification_settings"
DUPLICATE_KEY = 11000


def collection() -> Collection:
    return database()[COLLECTION]


def stats_in(doc: dict[str, Any]) -> AuthorStats | None:
    """The statistics stored in a settings document, if any."""
    return stats_of(doc) if "n" in doc else None


def updates(docs: Iterable[Mapping[str, Any]]) -> list[UpdateOne]:
    """The statistics updates of these entry documents: one upsert per recipient."""
    spans: Spans[str] = Spans()
    for doc in docs:
        spans.add(str(doc["r"]), doc["t"])
    return [stats_update(k, v.first, v.last, v.posts) for k, v in spans.by_author.items()]


def touch(docs: list[dict[str, Any]]) -> None:
    """Count these entries in their recipients' statistics; call before inserting them. Two
    first upserts of one recipient at once can collide on servers that do not retry an upsert's
    duplicate key: the loser's update is applied again (the document exists by then)."""
    found = updates(docs)
    try:
        collection().bulk_write(found, ordered=False)
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if not errors or any(e.get("code") != DUPLICATE_KEY for e in errors):
            raise
        collection().bulk_write([found[e["index"]] for e in errors], ordered=False)


def write(found: list[UpdateOne]) -> int:
    """Apply statistics updates in batches of 1,000 (the seed and the backfill)."""
    for start in range(0, len(found), 1000):
        collection().bulk_write(found[start : start + 1000], ordered=False)
    return len(found)


def backfill(entries: Collection) -> int:
    """Statistics for entries written before they existed (``ensure_schema``): when no
    recipient has any but some entry exists, one pass over the entries. Returns the
    recipients filled."""
    if collection().find_one({"n": {"$exists": True}}, {"_id": 1}) is not None:
        return 0
    if entries.find_one({}, {"_id": 1}) is None:
        return 0
    return write(updates(entries.find({}, {"r": 1, "t": 1}, batch_size=10_000)))
