"""What the posts service knows of a user's follow graph, cached in MongoDB and shared by every
posts worker and pod: whom the user follows (the feed) and whom they exclude (issue 16: the
users they block, who block them, and whom they mute; every read filters with them).

One small document per user (collection ``following_cache``), so one indexed read gives both:

    {_id: "<user id>", ids: [...], fetched_at: <when>,          # whom they follow
     excluded: {blocked: [...], blocked_by: [...], muted: [...], next_mute_expiry: <when>},
     excluded_at: <when>}

The following list is fresh for ``FEED_FOLLOWING_CACHE_SECONDS`` (5 s) after it was fetched, the
exclusions for ``EXCLUSIONS_CACHE_SECONDS`` (an hour) or until the soonest of their mutes ends
(``next_mute_expiry``, ``Cached.until``): every block, unblock, mute and unmute corrects them
at once through the signal below (sent again by the followers service while it is not taken),
so their time only bounds a signal lost beyond its retries, and most reads pay one ``_id``
read and no followers call (bench/README.md, docs/safety.md).
Exclusions past that time but younger than ``EXCLUSIONS_STALE_SECONDS`` (a day) still serve
the read while one followers call fetches them anew behind it (``fresh_or_fetched``,
hornet.background); such a fetch is stored only over the copy it replaces, so a signal's
correction made meanwhile is never overwritten (docs/safety.md).

The document lives in MongoDB rather than in process memory so that (a) an invalidation reaches
every worker at once: the followers service calls ``POST /posts/internal/following-changed``
after a follow or an unfollow and ``POST /posts/internal/relationship-changed`` after a block,
unblock, mute or unmute, so the change shows in the caller's next read; and (b) when the
followers service is down, the last known part (however old) still serves: a degraded feed, and
exclusions that keep hiding what they hid (``posts.safety``).
"""

import datetime as dt
import functools
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, TypeVar

from django.conf import settings
from pymongo.collection import Collection

from hornet.background import Background
from posts.clients import Exclusions, FollowersUnavailable
from posts.db import database, query_ms

log = logging.getLogger(__name__)

COLLECTION = "following_cache"
NEXT_MUTE_EXPIRY = "next_mute_expiry"  # in the excluded part: when it goes stale by itself
T = TypeVar("T")


class Part(Enum):
    """A cached part of the user's document: (field of its value, field of its fetch time)."""

    FOLLOWING = ("ids", "fetched_at")
    EXCLUDED = ("excluded", "excluded_at")

    @property
    def field(self) -> str:
        return self.value[0]

    @property
    def stamp(self) -> str:
        return self.value[1]

    @property
    def ttl_seconds(self) -> float:
        """How long a fetched value of this part is fresh."""
        if self is Part.FOLLOWING:
            return float(settings.FEED_FOLLOWING_CACHE_SECONDS)
        return float(settings.EXCLUSIONS_CACHE_SECONDS)

    @property
    def stale_seconds(self) -> float:
        """How long after its fresh time a fetched value is still used while it is fetched anew
        in the background (0: never; the following list is always asked for first)."""
        if self is Part.FOLLOWING:
            return 0.0
        return float(settings.EXCLUSIONS_STALE_SECONDS)


@dataclass(frozen=True)
class Cached(Generic[T]):
    value: T
    fetched_at: dt.datetime | None  # None once invalidated: stale, yet kept for a degraded read
    until: dt.datetime | None = None  # the value changes then by itself (a mute ends): stale

    def is_fresh(self, now: dt.datetime, ttl_seconds: float) -> bool:
        if self.fetched_at is None or (self.until is not None and now >= self.until):
            return False
        return (now - self.fetched_at).total_seconds() < ttl_seconds

    def is_usable(self, now: dt.datetime, part: Part) -> bool:
        """Past its fresh time but still used while a background fetch replaces it: fetched
        (not marked stale by a signal) less than the part's fresh plus stale time ago."""
        return self.is_fresh(now, part.ttl_seconds + part.stale_seconds)


@dataclass(frozen=True)
class UserGraph:
    """Both cached parts of one user, from one read; a part never fetched is None."""

    following: Cached[list[uuid.UUID]] | None
    excluded: Cached[Exclusions] | None


def _collection() -> Collection:
    return database()[COLLECTION]


def _ids(values: list[str]) -> list[uuid.UUID]:
    return [uuid.UUID(v) for v in values]


def _part(
    doc: dict[str, Any],
    part: Part,
    decode: Callable[[Any], T],
    until: Callable[[T], dt.datetime | None] = lambda value: None,
) -> Cached[T] | None:
    if part.field not in doc:
        return None
    value = decode(doc[part.field])
    return Cached(value, doc.get(part.stamp), until(value))


def _exclusions(value: dict[str, Any]) -> Exclusions:
    lists = {name: frozenset(_ids(value.get(name) or [])) for name in Exclusions.LISTS}
    return Exclusions(**lists, next_mute_expiry=value.get(NEXT_MUTE_EXPIRY))


def graph_get(user_id: uuid.UUID) -> UserGraph:
    """Both parts of the user's document: one ``_id`` read."""
    doc = _collection().find_one({"_id": str(user_id)}, max_time_ms=query_ms()) or {}
    return UserGraph(
        following=_part(doc, Part.FOLLOWING, _ids),
        excluded=_part(doc, Part.EXCLUDED, _exclusions, lambda e: e.next_mute_expiry),
    )


def fresh_or_fetched(
    cached: Cached[T] | None,
    fetch: Callable[[], T],
    put: Callable[[T, Cached[T] | None], None],
    *,
    part: Part,
    now: dt.datetime,
    what: str,
) -> tuple[T | None, bool]:
    """A part's value and whether it is stale: the cached value while fresh (``part``'s time);
    past that but within its stale time, the cached value too, while ``fetch()`` and ``put``
    run in the background (hornet.background: stale-while-revalidate, so a caller back after
    a few minutes does not wait for the followers service); else ``fetch()`` (one
    followers-service call) stored with ``put``; when that call fails, the last known value
    (however old), or None when there is none, and True. ``put(value, replacing)`` stores a
    background fetch only over the cached value it replaces (``replacing``), so a signal's
    correction that came meanwhile is not overwritten by what was fetched before it."""
    if cached is not None and cached.is_fresh(now, part.ttl_seconds):
        return cached.value, False
    if cached is not None and cached.is_usable(now, part):
        refreshes().submit(f"{part.name} {what}", lambda: _refetched(fetch, put, cached, what))
        return cached.value, False
    value = _asked(fetch, what)
    if value is None:
        return (cached.value if cached is not None else None), True
    put(value, None)
    return value, False


def _asked(fetch: Callable[[], T], what: str) -> T | None:
    """``fetch()`` (one followers-service call), or None, logged, when it cannot answer."""
    try:
        return fetch()
    except FollowersUnavailable as exc:
        log.warning("%s: followers service unavailable: %s", what, exc.message)
        return None


@functools.cache
def refreshes() -> Background:
    """This process's background refreshes, at most ``EXCLUSIONS_REFRESHES_PER_SECOND``."""
    return Background(per_second=settings.EXCLUSIONS_REFRESHES_PER_SECOND)


def _refetched(
    fetch: Callable[[], T], put: Callable[[T, Cached[T] | None], None], cached: Cached[T], what: str
) -> None:
    """A background fetch: stored over ``cached`` when the followers service answers, else
    left as it was."""
    value = _asked(fetch, f"{what} (background refresh)")
    if value is not None:
        put(value, cached)


def following_cache_get(user_id: uuid.UUID) -> Cached[list[uuid.UUID]] | None:
    return graph_get(user_id).following


def _put(
    user_id: uuid.UUID, part: Part, value: Any, now: dt.datetime, replacing: Cached[Any] | None
) -> None:
    """Store a fetched part; with ``replacing``, only while the part is still the one that was
    read (same fetch time: no signal has marked it stale and no other fetch has replaced it)."""
    update = {"$set": {part.field: value, part.stamp: now}}
    if replacing is None:
        _collection().update_one({"_id": str(user_id)}, update, upsert=True)
    else:
        _collection().update_one({"_id": str(user_id), part.stamp: replacing.fetched_at}, update)


def following_cache_put(
    user_id: uuid.UUID,
    ids: list[uuid.UUID],
    now: dt.datetime,
    replacing: Cached[list[uuid.UUID]] | None = None,
) -> None:
    _put(user_id, Part.FOLLOWING, [str(v) for v in ids], now, replacing)


def exclusions_cache_put(
    user_id: uuid.UUID,
    exclusions: Exclusions,
    now: dt.datetime,
    replacing: Cached[Exclusions] | None = None,
) -> None:
    value: dict[str, Any] = {
        name: sorted(str(v) for v in getattr(exclusions, name)) for name in Exclusions.LISTS
    }
    value[NEXT_MUTE_EXPIRY] = exclusions.next_mute_expiry
    _put(user_id, Part.EXCLUDED, value, now, replacing)


def cache_invalidate(user_id: uuid.UUID, *parts: Part) -> None:
    """Mark these parts stale but keep their values: they still serve a degraded read."""
    _collection().update_one({"_id": str(user_id)}, {"$set": {part.stamp: None for part in parts}})


def following_cache_invalidate(user_id: uuid.UUID) -> None:
    cache_invalidate(user_id, Part.FOLLOWING)


def exclusions_cache_change(
    user_id: uuid.UUID, name: str, other: uuid.UUID, *, present: bool
) -> None:
    """A known change to one list of the user's cached exclusions (``other`` now in it, or no
    longer): the part is made stale (the next read asks afresh) AND corrected, so that while
    the followers service is down the last known exclusions already hold the change (a new
    block hides at once). Only a part that was fetched whole is corrected: a document without
    one gains no partial list that could pass for the whole."""
    assert name in Exclusions.LISTS
    op = "$addToSet" if present else "$pull"
    _collection().update_one(
        {"_id": str(user_id), Part.EXCLUDED.field: {"$exists": True}},
        {op: {f"{Part.EXCLUDED.field}.{name}": str(other)}, "$set": {Part.EXCLUDED.stamp: None}},
    )
