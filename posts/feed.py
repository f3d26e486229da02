"""The home feed: posts and shares by the people the caller follows (and the caller's own).

Built from ONE call to the followers service (the followed ids, cached briefly in
``posts.following_cache``, beside the caller's exclusions: blocks and mutes, posts.safety,
which the feed leaves out) and indexed reads on ``(author_id, created_at)``: one walk of time
windows over all followed authors, sized from their statistics to hold about one page, each
window one query over the authors whose posts can lie in it
(``posts.selectors.newest_by_authors``). The work is about one page of posts plus one index
range per active followee and window, never everything they ever posted; issue 15's fan-out
on write makes it independent of the number followed. Pages use the same
``(created_at, _id)`` cursor as the user timeline, so posts that arrive while the caller
scrolls never shift the later pages (nothing skipped, nothing repeated).
"""

import datetime as dt
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.conf import settings

from hornet.headers import Forward
from hornet.pagination import Page
from posts import fanout, follower_lists, timelines
from posts.clients import followers_client
from posts.documents import FANOUT_DUE, now_ms, posts_collection
from posts.following_cache import (
    Cached,
    Part,
    following_cache_invalidate,
    following_cache_put,
    fresh_or_fetched,
    graph_get,
)
from posts.queries import TimeKey
from posts.safety import NOTHING, Hide, known_exclusions
from posts.selectors import Row, cursor_bound, newest_by_authors, page_of, posts_by_ids

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Feed:
    page: Page[Row]
    degraded: bool  # True when the followers service could not be asked


def feed_authors(
    *, forward: Forward, cached: Cached[list[UUID]] | None, now: dt.datetime | None = None
) -> tuple[list[UUID], bool]:
    """Whom the caller follows: the cached list while fresh, else one followers-service call.

    When that call fails, the last known list (however old) or none is used, and the feed is
    marked degraded instead of failing.
    """
    user_id = forward.identity.user_id
    now = now or dt.datetime.now(dt.UTC)

    def put(ids: list[UUID], replacing: Cached[list[UUID]] | None) -> None:
        following_cache_put(user_id, ids, now, replacing)

    found = fresh_or_fetched(
        cached,
        lambda: followers_client().following_ids(forward),
        put,
        part=Part.FOLLOWING,
        now=now,
        what=f"feed of {user_id}",
    )
    return found[0] or [], found[1]


def following_changed(
    *, user_id: UUID, followee: UUID | None = None, following: bool | None = None
) -> None:
    """The user followed or unfollowed someone: the next feed page asks afresh, and a stored
    timeline gains or loses the followee's posts (posts.fanout.follow_changed)."""
    following_cache_invalidate(user_id)
    if followee is not None:
        follower_lists.forget(followee, now=now_ms())
    fanout.follow_changed(user_id=user_id, followee=followee, following=following)


def feed_rows(
    *,
    author_ids: Sequence[UUID],
    limit: int,
    after: dict[str, Any] | None,
    hide: Hide = NOTHING,
) -> Page[Row]:
    """The pull feed: top-level posts and shares by these authors, newest first, one page
    after the cursor; ``hide``'s authors and shares of their posts left out."""
    bound = cursor_bound(after, descending=True)
    rows = newest_by_authors(
        author_ids=author_ids, need=limit + 1, bound=bound, top_level_only=True, hide=hide
    )
    return page_of(rows, limit)


@dataclass(frozen=True)
class _Reader:
    """The caller of one feed page and what one read of their cached graph said."""

    forward: Forward
    following: Cached[list[UUID]] | None
    hide: Hide
    degraded: bool  # their exclusions are stale: the followers service could not be asked


def _pull(reader: _Reader, *, limit: int, after: dict[str, Any] | None) -> Feed:
    followed, degraded = feed_authors(forward=reader.forward, cached=reader.following)
    authors = list(dict.fromkeys([reader.forward.identity.user_id, *followed]))
    page = feed_rows(author_ids=authors, limit=limit, after=after, hide=reader.hide)
    return Feed(page=page, degraded=degraded or reader.degraded)


def feed_page(*, forward: Forward, limit: int, after: dict[str, Any] | None) -> Feed:
    """One page of the home feed of ``forward``'s caller: from their stored timeline when it is
    ready, else pulled (and a timeline asked for). Both give the same pages
    (tests/feed/test_fanout.py). The users the caller blocks, is blocked by or mutes are left
    out (posts.safety); when those are not known at all (the followers service is down and
    nothing is cached), the page holds only the caller's own posts (fail closed), degraded."""
    identity = forward.identity
    now = now_ms()
    owner = timelines.owner_get(identity.user_id)
    if owner is None:
        timelines.owner_request(identity.user_id, now)
    graph = graph_get(identity.user_id)  # one read: whom they follow and whom they exclude
    excluding, stale = known_exclusions(forward=forward, cached=graph.excluded, now=now)
    if excluding is None:
        own = feed_rows(author_ids=[identity.user_id], limit=limit, after=after)
        return Feed(page=own, degraded=True)
    reader = _Reader(forward, graph.following, Hide(excluding.quiet), stale)
    # Until the timeline is built, and while fan-out lags (stored timelines may miss posts),
    # the feed is pulled: correct, only dearer.
    if owner is None or owner.state != timelines.READY or _fanout_behind(now):
        return _pull(reader, limit=limit, after=after)
    timelines.owner_touch(owner, now)
    key = TimeKey.parse(after)
    if key is not None and owner.horizon is not None and key.created_at < owner.horizon:
        return _pull(reader, limit=limit, after=after)
    need = limit + 1
    stored, complete = _timeline(owner, need, key, reader.hide, now)
    rows = stored
    if owner.big:
        bound = cursor_bound(after, descending=True)
        rows = rows + newest_by_authors(
            author_ids=owner.big, need=need, bound=bound, top_level_only=True, hide=reader.hide
        )
    degraded = reader.degraded
    if complete and owner.horizon is not None and len(rows) < need:
        # Past the stored timeline's horizon: the rest of this page is pulled from there.
        below = TimeKey.before(owner.horizon).payload()
        older = _pull(reader, limit=need, after=below)
        rows, degraded = rows + older.page.items, older.degraded
    return Feed(page=page_of(_newest(rows, need), limit), degraded=degraded)


@dataclass
class _Lag:
    checked: float = -1e9  # time.monotonic() of the last look
    behind: bool = False


_lag = _Lag()  # per process: the pending marks are read at most once a second


def _fanout_behind(now: dt.datetime) -> bool:
    """Has a post waited unclaimed for FEED_FANOUT_STALE_SECONDS (no worker running, or far
    behind)? One indexed read of the pending marks, at most once a second per process."""
    clock = time.monotonic()
    if clock - _lag.checked >= 1.0:
        cutoff = now - dt.timedelta(seconds=settings.FEED_FANOUT_STALE_SECONDS)
        late = posts_collection().find_one({FANOUT_DUE: {"$lte": cutoff}}, {"_id": 1})
        if late is not None and not _lag.behind:
            log.warning("fan-out is behind (post %s waits): feeds are pulled", late["_id"])
        _lag.checked, _lag.behind = clock, late is not None
    return _lag.behind


_SLACK = 5  # entries read beyond a page, for posts deleted since they were delivered


def _timeline(
    owner: timelines.Owner, need: int, key: TimeKey | None, hide: Hide, now: dt.datetime
) -> tuple[list[Row], bool]:
    """Up to ``need`` posts of the stored timeline after ``key`` (deleted posts dropped, and
    what ``hide`` hides: its authors' entries in the query, shares of their posts after it),
    and whether it ran out (everything after ``key`` down to the horizon was read)."""
    found: list[Row] = []
    while len(found) < need:
        ask = need - len(found) + _SLACK
        batch = timelines.timeline_rows(owner, need=ask, after=key, now=now, hide=hide.authors)
        if not batch:
            return found, True
        posts = posts_by_ids([e["p"] for e in batch])
        found.extend(hide.rows([posts[e["p"]] for e in batch if e["p"] in posts]))
        key = TimeKey(batch[-1]["t"], batch[-1]["p"])
        if len(batch) < ask:
            return found, True
    return found, False


def _newest(rows: list[Row], need: int) -> list[Row]:
    """The newest ``need`` of rows from several sources, each post once, in feed order."""
    unique = {row["_id"]: row for row in rows}
    ordered = sorted(unique.values(), key=lambda r: (r["created_at"], r["_id"]), reverse=True)
    return ordered[:need]
