"""Stored home timelines: one capped, time-ordered list of post ids per active reader.

Three collections (docs/feed.md has the design):

- ``home_timeline``: one small document per (owner, post): ``o`` owner, ``t`` the post's
  ``created_at``, ``p`` the post id, ``a`` its author, ``w`` when it was written (fan-out lag).
  Its ``_id`` is the owner's and the post's ids together, so writing the same entry twice is a
  duplicate-key error that ``append`` ignores: fan-out is at-least-once, entries are
  exactly-once. Read by ``(o, t desc, p desc)``, the feed's own order and cursor key.
- ``feed_owners``: one document per reader who has (or is getting) a timeline: ``state``
  (``new``: a rebuild is asked for; ``building``; ``ready``), ``read_at`` (readers idle for
  ``FEED_ACTIVE_DAYS`` lose theirs), ``big`` (the big accounts they follow, merged at read
  time), ``horizon`` (the timeline holds every feed post at or after it; older pages are
  pulled), ``due`` (work for the worker: a rebuild or a trim, claimed with a lease).
- ``big_authors``: authors with more followers than ``FEED_FANOUT_MAX_FOLLOWERS``, whose
  posts are never fanned out.
- ``timeline_blocks``: one document per recent block (``u`` the two users, ``at`` when posts
  heard of it), so that a fan-out page fetched before a block and delivered after its purge is
  taken back (``take_back_blocked``; docs/feed.md, "Blocks"). Kept for ``BLOCK_MEMORY``.

Only owners in state ``building`` or ``ready`` receive fan-out (``active_owners``), so a rebuild
can clear an old timeline first without racing the worker (posts.fanout.rebuild).
"""

import datetime as dt
import random
from collections.abc import Collection as Collection_
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.conf import settings
from pymongo import ASCENDING, DESCENDING, InsertOne, ReturnDocument
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError

from posts.db import database, duplicate_errors, query_ms
from posts.queries import TimeKey, after_filter, none_of, planned
from posts.windows import Bound, Stream, newest_first

ENTRIES = "home_timeline"
OWNERS = "feed_owners"
BIG = "big_authors"
BLOCKS = "timeline_blocks"
# Far longer than a fan-out page takes between its followers call and its insert.
BLOCK_MEMORY = dt.timedelta(days=1)
NEW, BUILDING, READY = "new", "building", "ready"
# A reader's ``read_at`` is rewritten at most this often (a feed read is otherwise read-only);
# the same touch asks the worker to trim the timeline back to its cap.
TOUCH_EVERY = dt.timedelta(hours=1)

Row = dict[str, Any]


def entries() -> Collection:
    return database()[ENTRIES]


def owners() -> Collection:
    return database()[OWNERS]


def big_authors() -> Collection:
    return database()[BIG]


def blocks() -> Collection:
    return database()[BLOCKS]


def ensure_indexes() -> list[str]:
    """The indexes of the four collections (``manage.py ensure_schema``)."""
    entries().create_index(
        [("o", ASCENDING), ("t", DESCENDING), ("p", DESCENDING)], name="timeline_by_owner"
    )
    entries().create_index([("o", ASCENDING), ("a", ASCENDING)], name="timeline_by_author")
    owners().create_index([("due", ASCENDING)], name="owner_work_due")
    owners().create_index([("read_at", ASCENDING)], name="owner_read_at")
    blocks().create_index([("u", ASCENDING), ("at", ASCENDING)], name="blocks_by_user")
    blocks().create_index([("at", ASCENDING)], name="blocks_by_time")
    return [
        "timeline_by_owner",
        "timeline_by_author",
        "owner_work_due",
        "owner_read_at",
        "blocks_by_user",
        "blocks_by_time",
    ]


def entry_id(owner: UUID, post_id: UUID) -> str:
    return owner.hex + post_id.hex


def entry(owner: UUID, post: Row, now: dt.datetime) -> Row:
    """The timeline entry of a post (a posts document or a projection of it) for ``owner``."""
    return {
        "_id": entry_id(owner, post["_id"]),
        "o": owner,
        "t": post["created_at"],
        "p": post["_id"],
        "a": post["author_id"],
        "w": now,
    }


def append(rows: Iterable[Row]) -> int:
    """Insert entries; ones already there are skipped. Returns how many were new."""
    batch = [InsertOne(row) for row in rows]
    if not batch:
        return 0
    try:
        return entries().bulk_write(batch, ordered=False).inserted_count
    except BulkWriteError as exc:
        duplicate_errors(exc)
        return int(exc.details.get("nInserted", 0))


@dataclass(frozen=True)
class Owner:
    user_id: UUID
    state: str
    read_at: dt.datetime | None
    big: list[UUID]
    horizon: dt.datetime | None

    @classmethod
    def of(cls, doc: Row) -> "Owner":
        return cls(
            user_id=doc["_id"],
            state=doc.get("state", NEW),
            read_at=doc.get("read_at"),
            big=list(doc.get("big") or []),
            horizon=doc.get("horizon"),
        )


def owner_get(user_id: UUID) -> Owner | None:
    doc = owners().find_one({"_id": user_id}, max_time_ms=query_ms())
    return Owner.of(doc) if doc is not None else None


def owner_request(user_id: UUID, now: dt.datetime) -> None:
    """Ask the worker for a (re)build of this reader's timeline."""
    owners().update_one(
        {"_id": user_id}, {"$set": {"state": NEW, "due": now, "read_at": now}}, upsert=True
    )


def owner_touch(owner: Owner, now: dt.datetime) -> None:
    """Note a read (at most once per TOUCH_EVERY) and ask the worker to trim the timeline,
    at a random moment within ``FEED_TRIM_SPREAD_SECONDS`` (never later than work already
    due). A trim reads the whole timeline; readers who come back together (a morning crowd,
    every caller of a bench run an hour after the last) would otherwise have all their trims
    due at once, ahead of their own reads: 1,643 of them took the mix's p99 from 31 to
    250 ms (docs/feed.md, "Cap")."""
    if owner.read_at is not None and now - owner.read_at < TOUCH_EVERY:
        return
    due = now + dt.timedelta(seconds=random.uniform(0.0, settings.FEED_TRIM_SPREAD_SECONDS))
    owners().update_one({"_id": owner.user_id}, {"$set": {"read_at": now}, "$min": {"due": due}})


def active_owners(user_ids: Sequence[UUID]) -> list[UUID]:
    """Which of these users keep a timeline that fan-out must reach."""
    found = owners().find(
        {"_id": {"$in": list(user_ids)}, "state": {"$in": [BUILDING, READY]}}, {"_id": 1}
    )
    return [doc["_id"] for doc in found]


def claim_owner(now: dt.datetime, lease: dt.timedelta) -> Owner | None:
    """One owner with work due (a rebuild, a trim), leased to the caller until ``now + lease``."""
    doc = owners().find_one_and_update(
        {"due": {"$lte": now}},
        {"$set": {"due": now + lease}},
        sort=[("due", ASCENDING)],
        return_document=ReturnDocument.AFTER,
    )
    return Owner.of(doc) if doc is not None else None


ORDER = [("t", DESCENDING), ("p", DESCENDING)]


def timeline_filter(
    owner: UUID, after: TimeKey | None, horizon: Any, hide: Collection_[UUID] = ()
) -> dict[str, Any]:
    """One reader's entries strictly after ``after`` (in feed order) and not before
    ``horizon``, none by the authors in ``hide``: a bounded range of ``timeline_by_owner``
    (``manage.py explain_queries``; ``timeline_rows`` adds a time window)."""
    return _entries_query(owner, after_filter(after, True, time="t", tie="p"), horizon, hide)


def _entries_query(
    owner: UUID, times: dict[str, Any], horizon: Any, hide: Collection_[UUID]
) -> dict[str, Any]:
    """The entries of ``owner`` within ``times`` (bounds on ``t`` and the cursor's tie-break,
    as posts.windows gives them), none older than ``horizon`` nor by ``hide``'s authors. The
    tie-break and the authors left out go in an ``$and`` beside the indexed fields
    (``posts.queries.planned``, ``none_of``)."""
    if horizon is not None:
        t = dict(times.get("t", {}))
        if t.get("$gte") is None or t["$gte"] < horizon:
            t["$gte"] = horizon
        times = {**times, "t": t}
    return planned({"o": owner, **none_of("a", hide), **times})


def timeline_rows(
    owner: Owner,
    *,
    need: int,
    after: TimeKey | None,
    now: dt.datetime,
    hide: Collection_[UUID] = (),
) -> list[Row]:
    """Up to ``need`` entries of ``owner``'s timeline after ``after``, newest first, none
    before its horizon nor by ``hide``'s authors.

    Read in time windows (``posts.windows.newest_first`` on ``t``), as every list of posts is:
    SecantusDB reads the whole matching index range before it applies the limit, so one query
    from the horizon would read the whole timeline (about ``FEED_TIMELINE_CAP`` entries, ~2 ms
    on the bench data) for a page of 20. The first window is sized from the timeline's density
    (the cap over the time since its horizon: a hint, the walk widens a short window). A
    timeline without a horizon holds fewer than the cap since it was built and is read in one
    query."""

    def find(_: list[dict[str, Any]], times: dict[str, Any], limit: int) -> list[Row]:
        query = _entries_query(owner.user_id, times, owner.horizon, hide)
        fields = {"t": 1, "p": 1, "a": 1}
        found = entries().find(query, fields, sort=ORDER, limit=limit, max_time_ms=query_ms())
        return list(found)

    tied = after_filter(after, True, time="t", tie="p")
    if owner.horizon is None:
        return find([], tied, need)
    span = max((now - owner.horizon).total_seconds(), 1.0)
    stream = Stream({}, first=owner.horizon, last=now, rate=settings.FEED_TIMELINE_CAP / span)
    bound = None if after is None else Bound(at=after.created_at, filter=tied)
    return newest_first(find, [stream], need=need, bound=bound, time="t")


def trim(owner: UUID) -> dt.datetime | None:
    """Cut the timeline back to ``FEED_TIMELINE_CAP`` entries (and any of the same millisecond
    as the last kept); returns the new horizon, the time of the oldest entry kept."""
    cut = list(
        entries()
        .find({"o": owner}, {"t": 1})
        .sort(ORDER)
        .skip(settings.FEED_TIMELINE_CAP - 1)
        .limit(1)
    )
    if not cut:
        return None
    horizon: dt.datetime = cut[0]["t"]
    if not entries().delete_many({"o": owner, "t": {"$lt": horizon}}).deleted_count:
        return None
    raise_horizon(owner, horizon)
    return horizon


def raise_horizon(owner: UUID, horizon: dt.datetime) -> None:
    """The timeline holds every feed post from ``horizon`` on (and may lack older ones)."""
    owners().update_one({"_id": owner}, {"$max": {"horizon": horizon}})


def remove_author(owner: UUID, author: UUID) -> None:
    """``owner`` unfollowed ``author``: their entries go, and so does the read-time merge."""
    owners().update_one({"_id": owner}, {"$pull": {"big": author}})
    entries().delete_many({"o": owner, "a": author})


def note_block(one: UUID, other: UUID, now: dt.datetime | None = None) -> None:
    """Remember a block for ``BLOCK_MEMORY`` (written before the timelines are purged), and
    forget the blocks older than that."""
    now = now or dt.datetime.now(dt.UTC)
    pair = sorted([one, other])
    blocks().update_one(
        {"_id": pair[0].hex + pair[1].hex}, {"$set": {"u": pair, "at": now}}, upsert=True
    )
    blocks().delete_many({"at": {"$lt": now - BLOCK_MEMORY}})


def take_back_blocked(post: Row, owner_ids: Sequence[UUID], since: dt.datetime) -> int:
    """After a fan-out page was delivered: remove the post from the timelines of those owners
    who blocked its author, or were blocked by them, since ``since`` (the page's followers
    call). One indexed read; a delete only when there is something to take back."""
    author = post["author_id"]
    found = blocks().find({"u": author, "at": {"$gte": since}}, {"u": 1})
    others = {user for doc in found for user in doc["u"] if user != author}
    back = others.intersection(owner_ids)
    if not back:
        return 0
    ids = [entry_id(owner, post["_id"]) for owner in back]
    return int(entries().delete_many({"_id": {"$in": ids}}).deleted_count)


def add_big(owners_ids: Sequence[UUID], author: UUID) -> None:
    owners().update_many({"_id": {"$in": list(owners_ids)}}, {"$addToSet": {"big": author}})


def is_big(author: UUID) -> bool:
    return big_authors().find_one({"_id": author}, {"_id": 1}) is not None


def big_among(author_ids: Sequence[UUID]) -> list[UUID]:
    found = big_authors().find({"_id": {"$in": list(author_ids)}}, {"_id": 1})
    return [doc["_id"] for doc in found]


def mark_big(author: UUID, followers: int, now: dt.datetime) -> None:
    big_authors().update_one(
        {"_id": author}, {"$set": {"followers": followers, "at": now}}, upsert=True
    )


def expired_owners(cutoff: dt.datetime, limit: int) -> list[UUID]:
    found = owners().find({"read_at": {"$lt": cutoff}}, {"_id": 1}, limit=limit)
    return [doc["_id"] for doc in found]


def drop_owner(owner: UUID, cutoff: dt.datetime) -> bool:
    """Forget an idle reader's timeline (unless they read it since ``cutoff``)."""
    gone = owners().delete_one({"_id": owner, "read_at": {"$lt": cutoff}}).deleted_count
    if gone:
        entries().delete_many({"o": owner})
    return bool(gone)
