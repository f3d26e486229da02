"""The fan-out worker's steps (``manage.py fanout`` runs them in a loop; docs/feed.md).

- **Fan-out**: a top-level post or share is created with ``fanout_due`` set (the same insert:
  posts.services), so a post is never acknowledged without its pending mark. The worker claims
  the oldest due post with a lease (``fanout_due`` moved to the lease's end, ``fanout_by`` its
  name), pages the author's follower ids from the followers service, appends the post to the
  timelines of the followers who keep one (and the author's own), records its progress
  (``fanout_after``, the followers cursor) after each page, and clears the mark at the end. A
  worker killed mid-way leaves the mark; once the lease ends another claims the post and goes on
  from the recorded page. Entries are idempotent (posts.timelines), so a page done twice adds
  nothing twice. An author with more than ``FEED_FANOUT_MAX_FOLLOWERS`` followers is marked big
  instead: their posts are merged at read time (posts.feed), and their followers' timelines
  learn it once.
- **Owner work**: a reader asked for a timeline (``state: new``) gets one built from the pull
  feed's query (the newest ``FEED_TIMELINE_CAP`` posts of whom they follow, as the followers
  service told the feed); a reader who reads it gets it trimmed back to the cap now and then.
- **Expiry**: readers idle for ``FEED_ACTIVE_DAYS`` lose their timeline (their next read
  rebuilds it).
"""

import datetime as dt
import logging
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.conf import settings
from opentelemetry.trace import SpanKind
from prometheus_client.core import GaugeMetricFamily
from pymongo import ASCENDING, ReturnDocument

from hornet.headers import Forward
from hornet.telemetry import span, untraced
from posts import follower_lists, timelines
from posts.clients import FollowersClient, FollowersUnavailable, IdsPage, followers_client
from posts.db import query_ms
from posts.documents import CLOCK_SKEW, FANOUT_DUE, now_ms, posts_collection
from posts.following_cache import following_cache_get
from posts.selectors import newest_by_authors
from posts.service_token import worker_identity

log = logging.getLogger(__name__)

FANOUT_BY = "fanout_by"
FANOUT_AFTER = "fanout_after"
FANNED_AT = "fanned_at"
RETRY_AFTER = dt.timedelta(seconds=2)  # the followers service failed: try this post again then
Row = dict[str, Any]


CONSUMER = SpanKind.CONSUMER


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.FEED_FANOUT_LEASE_SECONDS)


@dataclass
class Worker:
    """One worker's state: its name (the lease holder) and its followers-service client."""

    name: str
    client: FollowersClient

    @classmethod
    def start(cls, name: str | None = None) -> "Worker":
        return cls(name or worker_name(), followers_client())

    def step(self) -> bool:
        """Do one piece of work, if any is due; False when there was nothing to do.

        Traced (when traces are on) as one ``CONSUMER`` span per piece of work, the root of a
        trace holding its MongoDB commands and its calls to the followers service; the polls
        that find nothing (ten a second) make no spans."""
        with untraced():
            post = claim_post(self.name)
        if post is not None:
            with span("fanout post", {"hornet.post_id": str(post["_id"])}, kind=CONSUMER):
                fan_out(post, self.name, self.client)
            return True
        with untraced():
            owner = timelines.claim_owner(now_ms(), lease())
        if owner is not None:
            with span("fanout timeline", kind=CONSUMER):
                owner_work(owner, self.client)
            return True
        return False


def claim_post(worker: str, now: dt.datetime | None = None) -> Row | None:
    now = now or now_ms()
    doc: Row | None = posts_collection().find_one_and_update(
        {FANOUT_DUE: {"$lte": now}},
        {"$set": {FANOUT_DUE: now + lease(), FANOUT_BY: worker}},
        sort=[(FANOUT_DUE, ASCENDING)],
        # No projection: FerretDB 1.24 does not implement findAndModify's "fields".
        return_document=ReturnDocument.AFTER,
    )
    return doc


def _held(post: Row, worker: str) -> dict[str, Any]:
    return {"_id": post["_id"], FANOUT_BY: worker}


def _progress(post: Row, worker: str, cursor: str) -> bool:
    """Record a finished page and extend the lease; False if the lease was lost (or the post
    deleted): stop, someone else has it."""
    found = posts_collection().update_one(
        _held(post, worker), {"$set": {FANOUT_AFTER: cursor, FANOUT_DUE: now_ms() + lease()}}
    )
    return found.matched_count == 1


def _finish(post: Row, worker: str) -> None:
    """Clear the pending mark; ``fanned_at`` (when the last timeline got the post) gives the
    fan-out lag (bench/README.md)."""
    posts_collection().update_one(
        _held(post, worker),
        {
            "$unset": {FANOUT_DUE: "", FANOUT_BY: "", FANOUT_AFTER: ""},
            "$set": {FANNED_AT: now_ms()},
        },
    )


def _release(post: Row, worker: str, when: dt.datetime) -> None:
    posts_collection().update_one(_held(post, worker), {"$set": {FANOUT_DUE: when}})


def calls_about(author: UUID) -> Forward:
    """Who the worker's calls about ``author`` (their followers, or whom they follow) are made as:
    its own service token in production, the user's identity header on a loopback stack
    (posts.service_token)."""
    return Forward.of(worker_identity(author), {})


def _deliver(owner_ids: list[UUID], post: Row) -> int:
    now = now_ms()
    return timelines.append(timelines.entry(o, post, now) for o in owner_ids)


def fan_out(post: Row, worker: str, client: FollowersClient) -> bool:
    """Deliver one claimed post; True when done, False when stopped (lease lost, followers
    service down: the post stays pending and is tried again)."""
    author = post["author_id"]
    if post.get(FANOUT_AFTER) is None:
        _deliver(timelines.active_owners([author]), post)
    if timelines.is_big(author):
        _finish(post, worker)
        return True
    cursor = post.get(FANOUT_AFTER)
    try:
        forward = calls_about(author)
        while True:
            asked, page = _followers_page(author, cursor, client, forward)
            if page.total is not None and page.total > settings.FEED_FANOUT_MAX_FOLLOWERS:
                _become_big(author, page.total, page.ids, page.next_cursor, client, forward)
                _finish(post, worker)
                return True
            owners = timelines.active_owners(page.ids)
            _deliver(owners, post)
            # A block made after the followers call may have purged the timelines before this
            # delivery: take the post back from them (docs/feed.md, "Blocks").
            timelines.take_back_blocked(post, owners, since=asked - CLOCK_SKEW)
            if page.next_cursor is None:
                _finish(post, worker)
                return True
            cursor = page.next_cursor
            if not _progress(post, worker, cursor):
                return False
    except FollowersUnavailable as exc:
        log.warning("fan-out of %s postponed: %s", post["_id"], exc.message)
        _release(post, worker, now_ms() + RETRY_AFTER)
        return False


def _followers_page(
    author: UUID, cursor: str | None, client: FollowersClient, forward: Forward
) -> tuple[dt.datetime, IdsPage]:
    """A page of the author's follower ids and when the followers service said so: their
    whole list kept from an earlier fan-out while fresh (posts.follower_lists), else asked
    (and kept when it is one page)."""
    now = now_ms()
    if cursor is None:
        kept = follower_lists.fresh(author, now)
        if kept is not None:
            return kept.fetched_at, IdsPage(kept.ids, None, kept.total)
    page = client.follower_ids_page(author, cursor, forward)
    if cursor is None and page.next_cursor is None and page.total is not None:
        follower_lists.put(author, page.ids, page.total, now)
    return now, page


def _become_big(
    author: UUID,
    followers: int,
    ids: list[UUID],
    cursor: str | None,
    client: FollowersClient,
    forward: Forward,
) -> None:
    """``author`` passed the threshold: mark them, and tell their followers' timelines to merge
    their posts at read time from now on (once; a later post finds them marked)."""
    timelines.mark_big(author, followers, now_ms())
    while True:
        timelines.add_big(timelines.active_owners(ids), author)
        if cursor is None:
            return
        page = client.follower_ids_page(author, cursor, forward)
        ids, cursor = page.ids, page.next_cursor


def owner_work(owner: timelines.Owner, client: FollowersClient) -> None:
    """A leased owner: build their timeline, or trim it back to the cap."""
    if owner.state == timelines.READY:
        timelines.trim(owner.user_id)
        timelines.owners().update_one(
            {"_id": owner.user_id, "state": timelines.READY}, {"$unset": {"due": ""}}
        )
        return
    try:
        rebuild(owner.user_id, client)
    except FollowersUnavailable as exc:
        log.warning("timeline of %s not built yet: %s", owner.user_id, exc.message)
        timelines.owners().update_one(
            {"_id": owner.user_id}, {"$set": {"due": now_ms() + RETRY_AFTER}}
        )


def _following(user_id: UUID, client: FollowersClient) -> list[UUID]:
    """Whom the reader follows: what the feed last heard (a rebuild is asked for by a feed
    read, which has just asked), else the followers service."""
    cached = following_cache_get(user_id)
    if cached is not None and cached.fetched_at is not None:  # not dropped by a change since
        return cached.value
    return client.following_ids(calls_about(user_id), user_id=user_id)


def rebuild(user_id: UUID, client: FollowersClient) -> int:
    """Build a reader's timeline from the pull feed's query; returns the entries written.

    The owner is taken out of fan-out (``new``) while old entries are cleared, then receives
    fan-out again (``building``) before the pull reads, so a post is either read by the pull or
    delivered by a fan-out that saw ``building``: none is missed. If the reader's following
    changed meanwhile (the state went back to ``new``), the build ends unready and runs again.
    """
    following = _following(user_id, client)
    owners = timelines.owners()
    owners.update_one({"_id": user_id}, {"$set": {"state": timelines.NEW}})
    timelines.entries().delete_many({"o": user_id})
    owners.update_one({"_id": user_id}, {"$set": {"state": timelines.BUILDING}})
    big = timelines.big_among([a for a in following if a != user_id])
    authors = [a for a in dict.fromkeys([user_id, *following]) if a not in set(big)]
    cap = settings.FEED_TIMELINE_CAP
    rows = newest_by_authors(author_ids=authors, need=cap, bound=None, top_level_only=True)
    now = now_ms()
    written = timelines.append(timelines.entry(user_id, row, now) for row in rows)
    horizon = rows[-1]["created_at"] if len(rows) >= cap else None
    owners.update_one(
        {"_id": user_id, "state": timelines.BUILDING},
        {"$set": {"state": timelines.READY, "big": big, "horizon": horizon}, "$unset": {"due": ""}},
    )
    return written


def follow_changed(*, user_id: UUID, followee: UUID | None, following: bool | None) -> None:
    """The followers service says ``user_id`` followed (or unfollowed) ``followee``: their
    timeline gets the followee's latest posts (or loses them). Without the details (an older
    followers service), the timeline is rebuilt."""
    owner = timelines.owner_get(user_id)
    if owner is None:
        return
    if followee is None or following is None or owner.state != timelines.READY:
        timelines.owner_request(user_id, now_ms())
        return
    if not following:
        timelines.remove_author(user_id, followee)
        return
    if timelines.is_big(followee):
        timelines.add_big([user_id], followee)
        return
    backfill = settings.FEED_FOLLOW_BACKFILL
    rows = newest_by_authors(author_ids=[followee], need=backfill, bound=None, top_level_only=True)
    now = now_ms()
    # Posts below the horizon are never read from the timeline (pages past it are pulled) and
    # the next trim would delete them: only those at or above it are written (a few for most
    # followees, where all 100 were, and as many deleted again by an unfollow).
    kept = [r for r in rows if owner.horizon is None or r["created_at"] >= owner.horizon]
    timelines.append(timelines.entry(user_id, row, now) for row in kept)
    if len(rows) >= backfill:  # older posts of theirs are not in the timeline: pulled instead
        timelines.raise_horizon(user_id, rows[-1]["created_at"])


def expire(now: dt.datetime | None = None, limit: int = 100) -> int:
    """Drop the timelines of readers idle for ``FEED_ACTIVE_DAYS``; returns how many."""
    cutoff = (now or now_ms()) - dt.timedelta(days=settings.FEED_ACTIVE_DAYS)
    return sum(timelines.drop_owner(o, cutoff) for o in timelines.expired_owners(cutoff, limit))


QUEUE_READ_MAX = 10_000  # a scrape reads at most this many pending marks


def lag_metrics() -> Iterator[GaugeMetricFamily]:
    """Scrape-time series of the posts service (HORNET_METRICS_COLLECTORS): posts waiting for
    fan-out (at most QUEUE_READ_MAX counted) and how long the oldest of them has waited, from
    one indexed range read of the pending marks, whichever process runs the workers."""
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    pending = posts_collection().find(
        {FANOUT_DUE: {"$gt": epoch}},
        {"created_at": 1},
        limit=QUEUE_READ_MAX,
        max_time_ms=query_ms(),
    )
    created = [row["created_at"] for row in pending]
    oldest = min(created, default=None)
    lag = (now_ms() - oldest).total_seconds() if oldest is not None else 0.0
    depth = GaugeMetricFamily(
        "hornet_fanout_queue_depth", "Posts waiting to be fanned out (counted up to 10,000)."
    )
    depth.add_metric([], len(created))
    yield depth
    age = GaugeMetricFamily(
        "hornet_fanout_lag_seconds", "How long the oldest post waiting for fan-out has waited."
    )
    age.add_metric([], max(lag, 0.0))
    yield age
