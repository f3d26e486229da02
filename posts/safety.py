"""Blocks and mutes in the posts service (issue 16): whom a caller excludes, what that hides,
and the followers service's signal when it changes.

- **Whom**: ``GET /followers/user/{id}/excluded/ids`` (posts.clients), cached beside the
  following list in the user's ``following_cache`` document (posts.following_cache) and fresh
  for ``EXCLUSIONS_CACHE_SECONDS`` (then used a while longer as they are fetched anew in the
  background); the signal below makes a change show at once. When the
  followers service cannot answer, the last known exclusions are used (a signal has already
  written any block made since into them); with none known, the reads **fail closed**: the feed
  shows only the caller's own posts (degraded), and every other read that must filter answers
  503 ``followers_unavailable`` rather than show what a block may hide.
- **What**: a block either way (``Exclusions.hidden``) hides the other's posts, and shares of
  their posts, from every read: the feed, replies, thread context, author timelines and
  ``GET /posts/{id}`` (404 as if absent); replying to or sharing their posts is 403 ``blocked``.
  A mute (``Exclusions.quiet`` adds it) hides the muted user's posts from the muter's feed and
  the replies they read only. Reads leave the authors out in the query (``author_id $nin``, or
  simply not reading their lists); a share stores only its original's id, so shares of a
  hidden author's post are left out after the read (``Hide.rows``, one ``_id $in`` read of the
  originals per batch) by finders that keep reading until the page is full (posts.windows).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from hornet.errors import ErrorCode, Forbidden
from hornet.headers import Forward
from posts import follower_lists, timelines
from posts.clients import Exclusions, FollowersUnavailable, followers_client
from posts.db import query_ms
from posts.documents import now_ms, posts_collection
from posts.following_cache import (
    Cached,
    Part,
    cache_invalidate,
    exclusions_cache_change,
    exclusions_cache_put,
    fresh_or_fetched,
    graph_get,
)

Row = dict[str, Any]

BLOCK, UNBLOCK, MUTE, UNMUTE = "block", "unblock", "mute", "unmute"
CHANGES = (BLOCK, UNBLOCK, MUTE, UNMUTE)


def known_exclusions(
    *, forward: Forward, cached: Cached[Exclusions] | None, now: dt.datetime | None = None
) -> tuple[Exclusions | None, bool]:
    """The caller's exclusions and whether they are stale (posts.following_cache's rule: the
    cached ones while fresh, else one followers-service call, else the last known, or None)."""
    user_id = forward.identity.user_id
    now = now or dt.datetime.now(dt.UTC)
    return fresh_or_fetched(
        cached,
        lambda: followers_client().excluded_ids(forward),
        lambda value, replacing: exclusions_cache_put(user_id, value, now, replacing),
        part=Part.EXCLUDED,
        now=now,
        what=f"exclusions of {user_id}",
    )


def exclusions_for(*, forward: Forward) -> Exclusions:
    """The caller's exclusions for a read that must filter: one cache read, a followers call
    when stale; FollowersUnavailable (503) when none are known (fail closed)."""
    cached = graph_get(forward.identity.user_id).excluded
    exclusions, _ = known_exclusions(forward=forward, cached=cached)
    if exclusions is None:
        raise FollowersUnavailable(
            "The followers service is unavailable, so the blocks that apply to this request "
            "are unknown; retry later."
        )
    return exclusions


def refuse_blocked(author_id: UUID, exclusions: Exclusions) -> None:
    """403 ``blocked`` when a block either way stands between the caller and ``author_id``;
    the message never says who blocked whom."""
    if author_id in exclusions.hidden:
        raise Forbidden("You cannot interact with this user.", code=ErrorCode.BLOCKED)


@dataclass(frozen=True)
class Hide:
    """The authors a read hides; their posts, and shares of their posts, are left out."""

    authors: frozenset[UUID] = frozenset()

    def query(self) -> dict[str, Any]:
        """The filter that leaves their own posts out in the database."""
        return {"author_id": {"$nin": sorted(self.authors)}} if self.authors else {}

    def rows(self, rows: list[Row]) -> list[Row]:
        """These rows without the hidden authors' posts and shares of them (one read of the
        shared originals' authors, when some rows are shares)."""
        if not self.authors:
            return rows
        rows = [row for row in rows if row["author_id"] not in self.authors]
        originals = {r["original_post_id"] for r in rows if r.get("original_post_id")}
        if not originals:
            return rows
        query = {"_id": {"$in": list(originals)}, "author_id": {"$in": sorted(self.authors)}}
        found = posts_collection().find(query, {"_id": 1}, max_time_ms=query_ms())
        hidden = {doc["_id"] for doc in found}
        return [row for row in rows if row.get("original_post_id") not in hidden]

    def shows(self, row: Row) -> bool:
        return bool(self.rows([row]))


NOTHING = Hide()


def relationship_changed(*, user_id: UUID, other: UUID, change: str) -> None:
    """The followers service says ``user_id`` blocked, unblocked, muted or unmuted ``other``.

    Both users' cached exclusions go stale (and are corrected: posts.following_cache). A block
    also removed the follows both ways: both following lists go stale, and each user's stored
    home timeline loses the other's entries (one indexed ``delete_many`` each). The block is
    noted first, so that a fan-out page fetched before it and delivered after the purge is
    taken back by the worker (``timelines.note_block``, posts.fanout)."""
    if change in (BLOCK, UNBLOCK):
        present = change == BLOCK
        exclusions_cache_change(user_id, "blocked", other, present=present)
        exclusions_cache_change(other, "blocked_by", user_id, present=present)
    else:
        exclusions_cache_change(user_id, "muted", other, present=change == MUTE)
    for user in (user_id, other):
        cache_invalidate(user, Part.EXCLUDED, *([Part.FOLLOWING] if change == BLOCK else []))
    if change == BLOCK:
        follower_lists.forget(user_id, other, now=now_ms())  # the follows both ways are gone
        timelines.note_block(user_id, other)
        timelines.remove_author(user_id, other)
        timelines.remove_author(other, user_id)
