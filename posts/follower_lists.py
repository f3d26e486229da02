"""Authors' follower ids as the fan-out worker last read them, kept for
``FEED_FANOUT_FOLLOWERS_CACHE_SECONDS`` (docs/feed.md, "Follower lists"): an author who posts
again within that time is fanned out without asking the followers service again.

One document per author whose followers fit in one page (``FEED_FANOUT_PAGE``), in the
collection ``follower_lists``: ``{_id: "<author id>", ids: [...], total, fetched_at}``. Every
change of an author's followers reaches the posts service as a signal (a follow, an unfollow,
an accepted request: ``following-changed`` names the followee; a block: both users), which
forgets the author's list at once (``forget``), leaving ``forgotten_at``; a list fetched before
that moment (or less than ``CLOCK_SKEW`` after it: the pods' clocks differ) is never stored over
it (``put``), so a fan-out that asked just before a follow cannot keep the list without the new
follower. The time only bounds a signal that never
arrived, as the following list's does.
"""

import contextlib
import datetime as dt
from dataclasses import dataclass
from uuid import UUID

from django.conf import settings
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from posts.db import database, query_ms
from posts.documents import CLOCK_SKEW

COLLECTION = "follower_lists"


@dataclass(frozen=True)
class FollowerList:
    ids: list[UUID]
    total: int
    fetched_at: dt.datetime  # what the followers service said then


def _collection() -> Collection:
    return database()[COLLECTION]


def fresh(author: UUID, now: dt.datetime) -> FollowerList | None:
    """The author's stored follower ids while fresh; None when there are none or they are
    older than ``FEED_FANOUT_FOLLOWERS_CACHE_SECONDS`` (or forgotten since)."""
    ttl = settings.FEED_FANOUT_FOLLOWERS_CACHE_SECONDS
    if ttl <= 0:
        return None
    doc = _collection().find_one({"_id": str(author)}, max_time_ms=query_ms())
    if not doc or doc.get("ids") is None:
        return None
    fetched_at = doc["fetched_at"]
    if (now - fetched_at).total_seconds() >= ttl:
        return None
    return FollowerList([UUID(v) for v in doc["ids"]], int(doc["total"]), fetched_at)


def put(author: UUID, ids: list[UUID], total: int, fetched_at: dt.datetime) -> None:
    """Keep the author's whole follower list as asked at ``fetched_at``, unless a signal has
    forgotten it since (then the next fan-out asks again)."""
    if settings.FEED_FANOUT_FOLLOWERS_CACHE_SECONDS <= 0:
        return
    # Forgotten by a pod whose clock may run ahead of this one's: allow for it.
    before = fetched_at - CLOCK_SKEW
    unchanged_since = {
        "$or": [{"forgotten_at": {"$exists": False}}, {"forgotten_at": {"$lt": before}}]
    }
    values = {"ids": [str(v) for v in ids], "total": total, "fetched_at": fetched_at}
    with contextlib.suppress(DuplicateKeyError):  # forgotten after it was asked: not kept
        _collection().update_one(
            {"_id": str(author), **unchanged_since}, {"$set": values}, upsert=True
        )


def forget(*authors: UUID, now: dt.datetime) -> None:
    """These authors' followers changed: their lists are dropped, and one asked before
    ``now`` is never stored."""
    for author in authors:
        _collection().update_one(
            {"_id": str(author)},
            {"$set": {"ids": None, "forgotten_at": now}},
            upsert=True,
        )
