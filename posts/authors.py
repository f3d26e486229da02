"""Per-author posting statistics: how many posts, the first and the latest post time.

They size the time windows of every time-ordered read (``posts.windows``): where an author's
posts start and end, and how densely they post. They are hints, never the truth of what is
shown: a list is always the posts that match its filter, and a wrong hint costs only extra
work. One small document per author in ``author_stats`` (``_id`` = the id as a string, as the
following cache, so that FerretDB serves the point read by its primary key too).

Invariant: the statistics cover every post. ``author_stats_touch`` runs *before* the post is
inserted, so a crash between the two leaves a statistic for a post that was never written
(harmless: one more empty window) and never a post outside ``[first, last]``. The seed writes
them for its bulk posts, ``ensure_schema`` fills an empty collection from the posts, and
``check_consistency --repair`` widens authors whose posts lie outside them (tests:
tests/posts/test_windows.py, tests/reliability/posts/test_consistency.py).
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from uuid import UUID

from pymongo import UpdateOne
from pymongo.collection import Collection

from posts.db import database, query_ms
from posts.documents import posts_collection

COLLECTION = "author_stats"
K = TypeVar("K")


@dataclass(frozen=True)
class AuthorStats:
    """What is known of an author's posts (over all time, deleted ones included)."""

    posts: int
    first: dt.datetime
    last: dt.datetime

    def rate(self) -> float:
        """Posts per second over the author's active span (at least one second)."""
        span = max((self.last - self.first).total_seconds(), 1.0)
        return self.posts / span


def stats_collection() -> Collection:
    return database()[COLLECTION]


def stats_of(doc: dict[str, Any]) -> AuthorStats:
    """A statistics document (an author's, or a tag's or mention's in posts.tags) read."""
    return AuthorStats(posts=int(doc["n"]), first=doc["first"], last=doc["last"])


def stats_update(key: str, first: Any, last: Any, n: int = 1) -> UpdateOne:
    """The upsert that makes one list's statistics (an author's here; a tag's or a mentioned
    user's in posts.tags) cover ``n`` more posts between ``first`` and ``last``."""
    return UpdateOne(
        {"_id": key},
        {"$inc": {"n": n}, "$min": {"first": first}, "$max": {"last": last}},
        upsert=True,
    )


def author_stats_touch(*, author_id: UUID, at: dt.datetime) -> None:
    """Count a post by this author at ``at``; call before inserting the post."""
    stats_collection().bulk_write([stats_update(str(author_id), at, at)])


def author_stats_get(author_ids: Sequence[UUID]) -> dict[UUID, AuthorStats]:
    """The statistics of these authors; an author who never posted has none."""
    if not author_ids:
        return {}
    keys = [str(a) for a in author_ids]
    query: dict[str, Any] = {"_id": keys[0]} if len(keys) == 1 else {"_id": {"$in": keys}}
    found = stats_collection().find(query, max_time_ms=query_ms())
    return {UUID(doc["_id"]): stats_of(doc) for doc in found}


class Spans(Generic[K]):
    """Each author's real posts, counted from the documents (one pass, in Python: FerretDB
    has no ``$min``/``$max`` accumulators); keyed by author id, or by any list's key
    (posts.tags' tags and mentions)."""

    def __init__(self) -> None:
        self.by_author: dict[K, AuthorStats] = {}

    def add(self, author: K, at: dt.datetime) -> None:
        seen = self.by_author.get(author)
        if seen is None:
            self.by_author[author] = AuthorStats(posts=1, first=at, last=at)
        else:
            self.by_author[author] = AuthorStats(
                posts=seen.posts + 1, first=min(seen.first, at), last=max(seen.last, at)
            )

    def uncovered(self, stored: dict[K, AuthorStats]) -> list[K]:
        """Authors some of whose posts lie outside their statistics (or who have none): those
        posts would be missing from their lists."""
        return [
            author
            for author, real in self.by_author.items()
            if (known := stored.get(author)) is None
            or known.first > real.first
            or known.last < real.last
        ]

    def write(self, authors: Iterable[K]) -> int:
        """Widen these authors' statistics to cover their posts; returns how many."""
        updates = [
            UpdateOne(
                {"_id": str(author)},
                {
                    "$max": {
                        "n": self.by_author[author].posts,
                        "last": self.by_author[author].last,
                    },
                    "$min": {"first": self.by_author[author].first},
                },
                upsert=True,
            )
            for author in authors
        ]
        for start in range(0, len(updates), 1000):
            stats_collection().bulk_write(updates[start : start + 1000], ordered=False)
        return len(updates)


def stored_stats() -> dict[UUID, AuthorStats]:
    """Every author's statistics (a maintenance read, not a request's)."""
    return {UUID(doc["_id"]): stats_of(doc) for doc in stats_collection().find({})}


def author_stats_backfill() -> int:
    """Statistics for posts written before they existed: when there are none at all but there
    are posts, count every author's posts once (``ensure_schema``; ``check_consistency``
    repairs authors left uncovered later). Returns the authors filled."""
    if stats_collection().find_one({}, {"_id": 1}) is not None:
        return 0
    posts = posts_collection()
    if posts.find_one({}, {"_id": 1}) is None:
        return 0
    spans: Spans[UUID] = Spans()
    for row in posts.find({}, {"author_id": 1, "created_at": 1}, batch_size=10_000):
        spans.add(row["author_id"], row["created_at"])
    return spans.write(spans.by_author)
