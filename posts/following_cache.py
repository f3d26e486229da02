"""The feed's cache of "whom does this user follow", shared by every posts worker and pod.

It lives in MongoDB (collection ``following_cache``, one small document per user) rather than
in process memory so that (a) an invalidation reaches every worker at once: the followers
service calls ``POST /posts/internal/following-changed`` after the caller follows or unfollows,
so that follow shows in the caller's next feed page; and (b) when the followers service is
down, the last known list (however old) still builds a degraded feed.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from pymongo.collection import Collection

from posts.db import database

COLLECTION = "following_cache"


@dataclass(frozen=True)
class CachedFollowing:
    ids: list[uuid.UUID]
    fetched_at: dt.datetime | None  # None once invalidated

    def is_fresh(self, now: dt.datetime, ttl_seconds: float) -> bool:
        return self.fetched_at is not None and (now - self.fetched_at).total_seconds() < ttl_seconds


def _collection() -> Collection:
    return database()[COLLECTION]


def following_cache_get(user_id: uuid.UUID) -> CachedFollowing | None:
    doc = _collection().find_one({"_id": str(user_id)})
    if doc is None:
        return None
    return CachedFollowing(ids=[uuid.UUID(v) for v in doc["ids"]], fetched_at=doc.get("fetched_at"))


def following_cache_put(user_id: uuid.UUID, ids: list[uuid.UUID], now: dt.datetime) -> None:
    _collection().replace_one(
        {"_id": str(user_id)},
        {"_id": str(user_id), "ids": [str(v) for v in ids], "fetched_at": now},
        upsert=True,
    )


def following_cache_invalidate(user_id: uuid.UUID) -> None:
    """Mark the entry stale but keep the ids: they still serve a degraded feed."""
    _collection().update_one({"_id": str(user_id)}, {"$set": {"fetched_at": None}})
