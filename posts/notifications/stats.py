"""Per-recipient notification statistics: how many, the first and the latest notification
time. They size the time windows of a page's list read and of the unread count
(``posts.windows.newest_first``, as the author and tag timelines are sized from theirs), and
are hints, never the truth of what is shown: a wrong one costs only extra windows.

They live in the recipient's settings document (``notification_settings``, fields ``n``,
``first``, ``last``), which every page reads already for the read marker and the policy, so
the page reads them for free. The write is the price, kept rare: ``notify`` upserts a
recipient's statistics (by primary key, before its insert) only when this process has not
written them in the last ``WRITE_EVERY_SECONDS``; the entries counted meanwhile are added to
that next write. So a notification is one indexed write (its insert), and a second one at most
once a minute per recipient and process (docs/notifications.md, "Performance").

Invariant: the statistics cover every entry (``first <= t <= last``) but for the entries a
process counted since its last write (in practice at most ``WRITE_EVERY_SECONDS`` newer than
``last``). Readers need no more: a page's first window is open above (posts.windows: the newest
slice reaches up to the cursor, or has no upper bound), so ``last`` only places its lower end,
and entries outside the statistics are still read (``test_entries_outside_their_statistics_
are_still_read``). A first write goes before its entry, so a crash between the two leaves
statistics for an entry never written (one more empty window); a retry counts its entry again
(``n`` is a hint). The seed writes them for its bulk entries (``write``, every one),
``ensure_schema`` fills them from the entries when none exist (``backfill``). Expiry does not
shrink them: readers clamp ``first`` to the retention's cutoff. Where they say nothing is left,
readers still read one window down to the cutoff (posts.notifications.reader), so entries they
miss are shown all the same.
Tests: tests/posts/test_notification_windows.py.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pymongo import UpdateOne
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError

from posts.authors import AuthorStats, Spans, stats_of, stats_update
from posts.db import database, duplicate_errors

COLLECTION = "notification_settings"


def collection() -> Collection:
    return database()[COLLECTION]


def stats_in(doc: dict[str, Any]) -> AuthorStats | None:
    """The statistics stored in a settings document, if any."""
    return stats_of(doc) if "n" in doc else None


def _spans(docs: Iterable[Mapping[str, Any]]) -> Spans[str]:
    """What these entry documents add to each recipient's statistics."""
    spans: Spans[str] = Spans()
    for doc in docs:
        spans.add(str(doc["r"]), doc["t"])
    return spans


def updates(docs: Iterable[Mapping[str, Any]]) -> list[UpdateOne]:
    """The statistics updates of these entry documents: one upsert per recipient."""
    return [stats_update(k, v.first, v.last, v.posts) for k, v in _spans(docs).by_author.items()]


WRITE_EVERY_SECONDS = 60.0
_REMEMBERED = 100_000  # recipients whose last write this process remembers


@dataclass
class _Written:
    at: float  # time.monotonic() of this process's last write of the recipient's statistics
    pending: int = 0  # entries counted since, added to the next write


_written: "OrderedDict[str, _Written]" = OrderedDict()
_lock = threading.Lock()


def forget_written() -> None:
    """Forget which statistics this process wrote (tests: every test starts clean)."""
    with _lock:
        _written.clear()


def _due(docs: list[dict[str, Any]]) -> list[UpdateOne]:
    """The statistics updates these entries need now: of the recipients not written by this
    process in the last ``WRITE_EVERY_SECONDS`` (with what was counted meanwhile); the others
    only count them."""
    clock = time.monotonic()
    spans = _spans(docs)
    due = []
    with _lock:
        for key, span in spans.by_author.items():
            known = _written.get(key)
            if known is not None and clock - known.at < WRITE_EVERY_SECONDS:
                known.pending += span.posts
                continue
            pending = known.pending if known is not None else 0
            due.append(stats_update(key, span.first, span.last, span.posts + pending))
            _written[key] = _Written(clock)
            _written.move_to_end(key)
        while len(_written) > _REMEMBERED:
            _written.popitem(last=False)
    return due


def touch(docs: list[dict[str, Any]]) -> None:
    """Count these entries in their recipients' statistics; call before inserting them (a
    write only where one is due: ``_due``). Two first upserts of one recipient at once can
    collide on servers that do not retry an upsert's duplicate key: the loser's update is
    applied again (the document exists by then)."""
    found = _due(docs)
    if not found:
        return
    try:
        collection().bulk_write(found, ordered=False)
    except BulkWriteError as exc:
        errors = duplicate_errors(exc)
        if not errors:
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
