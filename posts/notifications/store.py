"""Storage of notifications: the entry documents, their indexes, the write an action adds,
the per-user settings (read marker, policy) and the expiry sweep (the package docstring has
the invariants)."""

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from pymongo import ASCENDING, DESCENDING
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError, DuplicateKeyError

from posts.authors import AuthorStats
from posts.db import database, duplicate_errors, query_ms
from posts.documents import now_ms
from posts.notifications import stats

ENTRIES = "notifications"
SETTINGS = stats.COLLECTION
RETENTION = dt.timedelta(days=90)

REPLY, MENTION, LIKE, SHARE = "reply", "mention", "like", "share"
FOLLOW, FOLLOW_REQUEST, FOLLOW_ACCEPTED = "follow", "follow_request", "follow_accepted"
TYPES = (REPLY, MENTION, LIKE, SHARE, FOLLOW, FOLLOW_REQUEST, FOLLOW_ACCEPTED)
GROUPED = (LIKE, SHARE, FOLLOW)  # the others are one entry per group
FROM_FOLLOWERS_SERVICE = (FOLLOW, FOLLOW_REQUEST, FOLLOW_ACCEPTED)
_NAMESPACE = uuid.UUID("6f1c2a4e-18a0-4c1e-9d1e-000000000018")

BY_RECIPIENT = "notifications_by_recipient"
BY_TYPE = "notifications_by_type"
# (r, g, t, _id, a): a group's newest in order, with their actors (its samples and counts are
# read from the index alone); it replaced (r, g, t, _id), dropped by ensure_indexes
BY_GROUP = "notifications_by_group_actor"
REPLACED = ("notifications_by_group_time",)
BY_TIME = "notifications_by_time"


def entries() -> Collection:
    return database()[ENTRIES]


def settings_collection() -> Collection:
    return stats.collection()


def ensure_indexes() -> list[str]:
    """The list (by recipient, and by recipient and type), group and expiry indexes
    (``manage.py ensure_schema``); the ones they replaced are dropped."""
    coll = entries()
    for name in REPLACED:
        if name in coll.index_information():
            coll.drop_index(name)
    coll.create_index([("r", ASCENDING), ("t", DESCENDING), ("_id", DESCENDING)], name=BY_RECIPIENT)
    coll.create_index(
        [("r", ASCENDING), ("k", ASCENDING), ("t", DESCENDING), ("_id", DESCENDING)],
        name=BY_TYPE,
    )
    coll.create_index(
        [
            ("r", ASCENDING),
            ("g", ASCENDING),
            ("t", DESCENDING),
            ("_id", DESCENDING),
            ("a", ASCENDING),
        ],
        name=BY_GROUP,
    )
    coll.create_index([("t", ASCENDING)], name=BY_TIME)
    return [BY_RECIPIENT, BY_TYPE, BY_GROUP, BY_TIME]


@dataclass(frozen=True)
class Event:
    """Something ``actor`` did that ``recipient`` hears of. ``subject``: what makes it one
    event (the liked post, the reply, the follow's id); ``post_id``: the post it is about."""

    kind: str
    recipient: UUID
    actor: UUID
    subject: UUID
    post_id: UUID | None = None

    def group(self, at: dt.datetime) -> str:
        if self.kind in (LIKE, SHARE):
            return f"{self.kind}:{self.subject.hex}"
        if self.kind == FOLLOW:
            return f"{FOLLOW}:{at.date().isoformat()}"
        return f"{self.kind}:{self.entry_id().hex}"

    def entry_id(self) -> UUID:
        key = f"{self.kind}:{self.recipient.hex}:{self.subject.hex}:{self.actor.hex}"
        return uuid.uuid5(_NAMESPACE, key)

    def document(self, at: dt.datetime) -> dict[str, Any]:
        return {
            "_id": self.entry_id(),
            "r": self.recipient,
            "a": self.actor,
            "k": self.kind,
            "s": self.subject,
            "p": self.post_id,
            "g": self.group(at),
            "t": at,
        }


def notify(events: Iterable[Event], at: dt.datetime | None = None) -> int:
    """Store these events' notifications in one write, after their recipients' statistics
    (posts.notifications.stats); how many were new. An event already stored (a retry) and one
    whose actor is its recipient are left out."""
    when = at or now_ms()
    docs = [e.document(when) for e in events if e.actor != e.recipient]
    if not docs:
        return 0
    stats.touch(docs)
    if len(docs) == 1:
        try:
            entries().insert_one(docs[0])
        except DuplicateKeyError:
            return 0
        return 1
    try:
        return len(entries().insert_many(docs, ordered=False).inserted_ids)
    except BulkWriteError as exc:
        duplicate_errors(exc)
        return int(exc.details.get("nInserted", 0))


def forget_between(a: UUID, b: UUID) -> int:
    """A block: each user's notifications of the other's actions go (one delete each way)."""
    return sum(entries().delete_many({"r": r, "a": x}).deleted_count for r, x in ((a, b), (b, a)))


def cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """The oldest time a notification is kept: reads leave out anything older."""
    return (now or now_ms()) - RETENTION


def purge(now: dt.datetime | None = None) -> int:
    """Delete the notifications older than ``RETENTION`` (one indexed delete)."""
    return entries().delete_many({"t": {"$lt": cutoff(now)}}).deleted_count


@dataclass(frozen=True)
class UserSettings:
    """A recipient's read marker (everything at or before it is read), filtering policy and
    notification statistics (None: they have no notifications)."""

    read_up_to: dt.datetime | None = None
    only_from_following: bool = False
    stats: AuthorStats | None = None


def settings_get(user_id: UUID) -> UserSettings:
    doc = settings_collection().find_one({"_id": str(user_id)}, max_time_ms=query_ms()) or {}
    return UserSettings(
        doc.get("read_up_to"), bool(doc.get("only_from_following", False)), stats.stats_in(doc)
    )


def policy_set(user_id: UUID, *, only_from_following: bool) -> UserSettings:
    settings_collection().update_one(
        {"_id": str(user_id)}, {"$set": {"only_from_following": only_from_following}}, upsert=True
    )
    return settings_get(user_id)


def marker_advance(user_id: UUID, up_to: dt.datetime) -> dt.datetime:
    """Move the read marker forward to ``up_to`` (never back); the marker now stored. One
    conditional update (that moved it: ``up_to`` is stored, nothing more is read), then an
    upsert for a user without settings (a concurrent one that lost the race leaves the later
    marker in place) and a read of the marker that stayed."""
    up_to = up_to.replace(microsecond=up_to.microsecond - up_to.microsecond % 1000)  # as stored
    coll = settings_collection()
    key = str(user_id)
    moved = coll.update_one(
        {"_id": key, "$or": [{"read_up_to": {"$lt": up_to}}, {"read_up_to": None}]},
        {"$set": {"read_up_to": up_to}},
    )
    if moved.matched_count:
        return up_to
    coll.update_one({"_id": key}, {"$setOnInsert": {"read_up_to": up_to}}, upsert=True)
    return settings_get(user_id).read_up_to or up_to
