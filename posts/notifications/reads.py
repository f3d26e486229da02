"""Reading notifications: the grouped page, the unread count and the read marker by id.

A page is read newest first from the recipient's index range (``(r, t, _id)``, or ``(r, k, t,
_id)`` with a type filter), in batches of ``4 * limit`` entries and at most ``ROUNDS`` of them,
each batch read in time windows sized from the recipient's statistics and starting at their
latest entry (posts.notifications.reader: usually one query): each new group key met there
becomes a group, until ``limit`` groups. The grouped types (likes and shares of one post, the
follows of one day) then need their newest ``SAMPLE`` entries (the latest actors) and, when
there are that many, their count (``COUNT_CAP`` at most); those are read for all the page's
groups together, not one group at a time, from the ``(r, g, t, _id, a)`` index alone: one read
of their ranges in time order (``Reader.query``'s ``$or``, continued below its last entry for
the groups its limit cut short) and one ``$group`` count. A group is listed where its newest
entry falls: met again on a later page (its older entries), its newest entry is that page's
cursor or lies before it: skipped. So a page costs O(limit) indexed reads whatever the volume,
usually three round trips (the list, the samples, the counts) after the settings' read, and
each group is shown once (tests/posts/test_notifications.py
``test_a_group_is_listed_once_across_pages``,
``test_a_group_whose_newest_entry_ends_a_page_is_not_listed_again``,
``test_a_page_reads_its_groups_samples_and_counts_together``).

Every query carries the reader's filters (``Reader.clauses``): the 90-day cutoff, the actors
the reader blocks, is blocked by or mutes, and with the "only from people I follow" policy,
actors the reader follows (follows and follow requests are never filtered by it: they come
from people one does not follow yet).
"""

import datetime as dt
from typing import Any
from uuid import UUID

from hornet.errors import NotFound
from hornet.headers import Forward
from hornet.pagination import Page
from posts.db import query_ms
from posts.feed import feed_authors
from posts.following_cache import following_cache_get
from posts.notifications.reader import SORT, Reader, newest_entries, unread
from posts.notifications.store import GROUPED, entries, marker_advance, settings_get
from posts.queries import TimeKey
from posts.safety import exclusions_for

Row = dict[str, Any]
SAMPLE = 8  # latest actors shown per group (Mastodon's sample_account_ids)
COUNT_CAP = 10_000  # a group's count is exact up to this
ROUNDS = 4  # batches of entries read for one page at most
SAMPLED = {"_id": 1, "t": 1, "a": 1, "g": 1}  # all in the group index: read from it alone


def list_query(
    reader: Reader,
    key: TimeKey | None,
    types: list[str] | None,
    floor: dt.datetime | None = None,
) -> dict[str, Any]:
    """A page's entries after ``key`` and not older than ``floor`` (a time window), also
    ``manage.py explain_queries``."""
    indexed: dict[str, Any] = {"k": list(types)} if types else {}
    if floor is not None:
        indexed["t"] = {"$gte": floor}
    return reader.query(indexed, after=key)


def group_query(reader: Reader, groups: list[str], after: TimeKey | None = None) -> dict[str, Any]:
    """These groups' entries (after ``after``), for their samples and counts (also ``manage.py
    explain_queries``): one group's range, or several (``Reader.query``'s ``$or``)."""
    return reader.query({"g": list(groups)}, after=after)


def unread_query(reader: Reader) -> dict[str, Any]:
    """The entries after the read marker (also ``manage.py explain_queries``)."""
    return reader.query({}, since=reader.read_up_to)


def _earlier_page(row: Row, key: TimeKey) -> bool:
    """Whether ``row`` is ``key``'s entry or comes before it in the newest-first order: an
    earlier page's (the cursor is the last entry that page took, a head it listed)."""
    return (row["t"], row["_id"]) >= (key.created_at, key.id)


def _samples(reader: Reader, groups: list[str]) -> dict[str, list[Row]]:
    """The newest ``SAMPLE`` entries of each group, newest first, read for all the groups at
    once: ``SAMPLE`` entries per group in all, in time order. A group with fewer than
    ``SAMPLE`` in a read the limit cut has its others further down: the next read goes on
    below that read's last entry, for those groups only. Each full read completes a group at
    least (pigeonhole), so a page's samples cost a few reads, never more than one per group."""
    found: dict[str, list[Row]] = {g: [] for g in groups}
    pending, after = groups, None
    while pending:
        limit = SAMPLE * len(pending)
        query = group_query(reader, pending, after)
        rows = list(entries().find(query, SAMPLED, sort=SORT, limit=limit, max_time_ms=query_ms()))
        for row in rows:
            sample = found[row["g"]]
            if len(sample) < SAMPLE:
                sample.append(row)
        if len(rows) < limit:
            break
        after = TimeKey(rows[-1]["t"], rows[-1]["_id"])
        pending = [g for g in pending if len(found[g]) < SAMPLE]
    return found


def _counts(reader: Reader, groups: list[str]) -> dict[str, int]:
    """How many entries each group has, exact up to ``COUNT_CAP``: one aggregation over all
    of them (``$group`` with ``$sum``, which every supported server has) while they hold
    fewer than ``COUNT_CAP`` entries together, else one capped count each."""
    if not groups:
        return {}
    pipeline: list[dict[str, Any]] = [
        {"$match": group_query(reader, groups)},
        {"$limit": COUNT_CAP},
        {"$group": {"_id": "$g", "n": {"$sum": 1}}},
    ]
    found = {row["_id"]: row["n"] for row in entries().aggregate(pipeline, maxTimeMS=query_ms())}
    if sum(found.values()) < COUNT_CAP:
        return found
    ms = query_ms()
    return {
        g: entries().count_documents(group_query(reader, [g]), limit=COUNT_CAP, maxTimeMS=ms)
        for g in groups
    }


def _groups(reader: Reader, heads: list[Row], start: TimeKey | None) -> list[Row]:
    """The groups of these entries, each the first met of its group on this page (its head),
    in their order: a grouped type with its sample and count (one read and one count for all
    of them, ``_samples``/``_counts``). A group whose newest entry lies before ``start`` was
    listed by an earlier page (or its entries went meanwhile): left out."""
    samples = _samples(reader, [h["g"] for h in heads if h["k"] in GROUPED])
    full = [g for g, sample in samples.items() if len(sample) == SAMPLE]
    counts = _counts(reader, full)
    found: list[Row] = []
    for head in heads:
        sample = samples.get(head["g"], [head])
        if not sample or (start is not None and _earlier_page(sample[0], start)):
            continue
        newest = sample[0]
        found.append(
            {
                "group_key": head["g"],
                "type": head["k"],
                "notifications_count": counts.get(head["g"], len(sample)),
                "sample_account_ids": [r["a"] for r in sample],
                "most_recent_notification_id": newest["_id"],
                "latest_notification_at": newest["t"],
                "post_id": head.get("p"),  # one post per group
                "unread": reader.read_up_to is None or newest["t"] > reader.read_up_to,
            }
        )
    return found


def groups_page(
    reader: Reader, *, limit: int, after: dict[str, Any] | None, types: list[str] | None = None
) -> Page[Row]:
    """A page of ``limit`` groups at most, newest first (module docstring). The page's heads
    (each group's first entry met) are made groups together (``_groups``); when some of them
    were listed already, the walk goes on from where it stopped."""
    start = TimeKey.parse(after)
    key = start
    groups: list[Row] = []
    heads: list[Row] = []
    seen: set[str] = set()
    batch = limit * 4
    for _ in range(ROUNDS):
        rows = newest_entries(reader, key, types, batch)
        for row in rows:
            if row["g"] not in seen:
                if len(groups) + len(heads) == limit:
                    groups.extend(_groups(reader, heads, start))
                    heads = []
                    if len(groups) == limit:
                        return Page(groups, key.payload() if key is not None else None)
                seen.add(row["g"])
                heads.append(row)
            key = TimeKey(row["t"], row["_id"])
        if len(rows) < batch:
            return Page(groups + _groups(reader, heads, start), None)
    # the rounds ran out: the rest on the next page
    return Page(groups + _groups(reader, heads, start), key.payload() if key is not None else None)


def unread_count(reader: Reader, *, cap: int) -> int:
    """Notifications after the read marker, up to ``cap`` (posts.notifications.reader.unread:
    their ids, read in windows from the latest entry)."""
    return unread(reader, cap)


def entry_time(user_id: UUID, entry_id: UUID) -> dt.datetime:
    """When the recipient's notification ``entry_id`` happened; NotFound naming ``id``."""
    row = entries().find_one({"_id": entry_id, "r": user_id}, {"t": 1}, max_time_ms=query_ms())
    if row is None:
        raise NotFound("No such notification.", details={"id": ["No such notification."]})
    time: dt.datetime = row["t"]
    return time


def reader_for(forward: Forward) -> Reader:
    """The caller as a reader of their notifications: their exclusions (posts.safety; 503
    when none are known), read marker and policy (with it, whom they follow: the feed's list)."""
    user_id = forward.identity.user_id
    found = settings_get(user_id)
    following: frozenset[UUID] | None = None
    if found.only_from_following:
        ids, _ = feed_authors(forward=forward, cached=following_cache_get(user_id))
        following = frozenset(ids)
    return Reader(
        user_id=user_id,
        excluded=exclusions_for(forward=forward).quiet,
        following=following,
        read_up_to=found.read_up_to,
        stats=found.stats,
    )


def read_up_to(
    *, user_id: UUID, up_to: dt.datetime | None = None, entry_id: UUID | None = None
) -> dt.datetime:
    """Advance the user's read marker to ``up_to`` or to their notification ``entry_id``'s
    time (NotFound naming ``id``); the marker now stored."""
    if entry_id is not None:
        up_to = entry_time(user_id, entry_id)
    assert up_to is not None  # the view gives exactly one
    return marker_advance(user_id, up_to.astimezone(dt.UTC))
