"""The home feed: posts and shares by the people the caller follows (and the caller's own).

Built from ONE call to the followers service (the followed ids, cached briefly in
``posts.following_cache``) and indexed reads on ``(author_id, created_at)``: one walk of time
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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.conf import settings

from hornet.headers import Forward
from hornet.pagination import Page
from posts.clients import FollowersUnavailable, followers_client
from posts.following_cache import (
    following_cache_get,
    following_cache_invalidate,
    following_cache_put,
)
from posts.selectors import Row, cursor_bound, newest_by_authors, page_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Feed:
    page: Page[Row]
    degraded: bool  # True when the followers service could not be asked


def feed_authors(*, forward: Forward, now: dt.datetime | None = None) -> tuple[list[UUID], bool]:
    """Whom the caller follows: the cached list while fresh, else one followers-service call.

    When that call fails, the last known list (however old) or none is used, and the feed is
    marked degraded instead of failing.
    """
    identity = forward.identity
    now = now or dt.datetime.now(dt.UTC)
    cached = following_cache_get(identity.user_id)
    if cached is not None and cached.is_fresh(now, settings.FEED_FOLLOWING_CACHE_SECONDS):
        return cached.ids, False
    try:
        ids = followers_client().following_ids(forward)
    except FollowersUnavailable as exc:
        log.warning("feed for %s degraded: %s", identity.user_id, exc.message)
        return (cached.ids if cached is not None else []), True
    following_cache_put(identity.user_id, ids, now)
    return ids, False


def following_changed(*, user_id: UUID) -> None:
    """The user followed or unfollowed someone: the next feed page asks afresh."""
    following_cache_invalidate(user_id)


def feed_rows(*, author_ids: Sequence[UUID], limit: int, after: dict[str, Any] | None) -> Page[Row]:
    """Top-level posts and shares by these authors, newest first, one page after the cursor."""
    bound = cursor_bound(after, descending=True)
    rows = newest_by_authors(
        author_ids=author_ids, need=limit + 1, bound=bound, top_level_only=True
    )
    return page_of(rows, limit)


def feed_page(*, forward: Forward, limit: int, after: dict[str, Any] | None) -> Feed:
    """One page of the home feed of ``forward``'s caller."""
    followed, degraded = feed_authors(forward=forward)
    authors = list(dict.fromkeys([forward.identity.user_id, *followed]))
    return Feed(page=feed_rows(author_ids=authors, limit=limit, after=after), degraded=degraded)
