"""Reads of posts. They return raw documents as stored (``_id``, UUIDs, datetimes), which
``posts.serializers.post_json`` turns into API JSON without building mongoengine objects.

Every read a caller makes takes the caller's ``Exclusions`` (posts.safety): a block either way
hides the other's posts and shares of them everywhere (a hidden post answers 404 as if absent),
a mute hides the muted user's posts from the feed (posts.feed) and from replies only.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from hornet.errors import NotFound
from hornet.pagination import Page
from posts import threads
from posts.authors import author_stats_get
from posts.clients import Exclusions
from posts.db import query_ms
from posts.documents import ANCESTORS, now_ms, posts_collection
from posts.queries import ASC, DESC, TimeKey, after_filter, lists_query
from posts.safety import NOTHING, Hide
from posts.windows import (
    Bound,
    Finder,
    Stream,
    first_width,
    keeping,
    newest_first,
    oldest_first,
)

Row = dict[str, Any]
# Lists never show a reply's ancestor path (up to 1000 ids): not read.
_LIST_FIELDS = {ANCESTORS: 0}


def post_not_found(post_id: UUID, field: str = "id") -> NotFound:
    return NotFound(f"No post with id {post_id}.", details={field: ["No post with this id."]})


def post_find(*, post_id: UUID) -> Row | None:
    """The post with this id, or None."""
    row: Row | None = posts_collection().find_one({"_id": post_id}, max_time_ms=query_ms())
    return row


def post_get(*, post_id: UUID, hide: Hide = NOTHING) -> Row:
    """The post with this id; NotFound otherwise, or when ``hide`` hides it."""
    row = post_find(post_id=post_id)
    if row is None or not hide.shows(row):
        raise post_not_found(post_id)
    return row


def post_seen(*, post_id: UUID, excluding: Exclusions) -> Row:
    """The post as the caller may see it: NotFound when a block either way hides it."""
    return post_get(post_id=post_id, hide=Hide(excluding.hidden))


def posts_by_ids(ids: Sequence[UUID]) -> dict[UUID, Row]:
    """These posts (as list rows) by id; ids of deleted posts are simply missing."""
    found = posts_collection().find(
        {"_id": {"$in": list(ids)}}, _LIST_FIELDS, max_time_ms=query_ms()
    )
    return {row["_id"]: row for row in found}


def page_of(rows: list[Row], limit: int) -> Page[Row]:
    """A page from up to ``limit + 1`` rows in page order: the extra row only tells that a next
    page exists (no count query); the cursor is the last row shown."""
    if len(rows) <= limit:
        return Page(rows, None)
    rows = rows[:limit]
    return Page(rows, TimeKey.of(rows[-1]).payload())


def finder(sort: list[tuple[str, int]]) -> Finder:
    """The window reader of ``posts.windows``: one query for the lists of a window."""

    def find(filters: list[dict[str, Any]], window: dict[str, Any], limit: int) -> list[Row]:
        found = posts_collection().find(
            lists_query(filters, window),
            _LIST_FIELDS,
            sort=sort,
            limit=limit,
            max_time_ms=query_ms(),
        )
        return list(found)

    return find


def cursor_bound(after: dict[str, Any] | None, *, descending: bool) -> Bound | None:
    """The first slice's cursor side, from a (signed) cursor payload; None on a first page."""
    key = TimeKey.parse(after)
    if key is None:
        return None
    return Bound(at=key.created_at, filter=after_filter(key, descending=descending))


def newest_by_authors(
    *,
    author_ids: Sequence[UUID],
    need: int,
    bound: Bound | None,
    top_level_only: bool = False,
    hide: Hide = NOTHING,
) -> list[Row]:
    """Up to ``need`` posts by these authors, newest first, after ``bound``.

    One walk of time windows over all of them, sized from their statistics together (about one
    page of posts per window); each window is one query over the authors whose span meets it
    (authors who never posted are never asked), an ``$or`` of one bounded index range per
    author (``posts.queries.lists_query``) rather than ``author_id $in [...]``, which
    SecantusDB reads far more of (bench/README.md). ``top_level_only`` (the feed)
    drops replies here rather than with ``parent_post_id: null`` in the query, which made
    SecantusDB read by the replies index instead. bench/README.md has the measurements.
    ``hide``: the hidden authors' lists are not read at all, and shares of their posts are
    dropped by the finder, which reads on until the page is full.
    """
    authors = [a for a in dict.fromkeys(author_ids) if a not in hide.authors]
    stats = author_stats_get(authors)
    streams = [Stream.of({"author_id": a}, stats[a]) for a in authors if a in stats]
    find = finder(DESC)
    if top_level_only or hide.authors:
        find = keeping(find, lambda rows: hide.rows(_top_level(rows) if top_level_only else rows))
    return newest_first(find, streams, need=need, bound=bound)


def _top_level(rows: list[Row]) -> list[Row]:
    return [row for row in rows if row.get("parent_post_id") is None]


def posts_by_authors_page(
    *,
    author_ids: Sequence[UUID],
    limit: int,
    after: dict[str, Any] | None = None,
    hide: Hide = NOTHING,
) -> Page[Row]:
    """Posts (including replies and shares) by any of these authors, newest first."""
    if not author_ids:
        return Page([], None)
    bound = cursor_bound(after, descending=True)
    rows = newest_by_authors(author_ids=author_ids, need=limit + 1, bound=bound, hide=hide)
    return page_of(rows, limit)


def posts_by_author_page(
    *,
    author_id: UUID,
    limit: int,
    after: dict[str, Any] | None = None,
    excluding: Exclusions | None = None,
) -> Page[Row]:
    """One user's posts, newest first. An unknown user simply has none, and so has a user a
    block either way hides from the caller; shares of a hidden author's post are left out."""
    hide = Hide(excluding.hidden) if excluding is not None else NOTHING
    return posts_by_authors_page(author_ids=[author_id], limit=limit, after=after, hide=hide)


def _replies(post: Row, limit: int, after: dict[str, Any] | None, hide: Hide) -> Page[Row]:
    """A page of a post's direct replies, oldest first, read in windows from the post's time
    sized by its reply count. Replies are never shares, so ``hide`` is all in the query."""
    now = now_ms()
    age = max((now - post["created_at"]).total_seconds(), 1.0)
    rate = max(post.get("replies_count") or 0, 1) / age
    rows = oldest_first(
        finder(ASC),
        Stream({"parent_post_id": post["_id"], **hide.query()}, first=post["created_at"]),
        need=limit + 1,
        width=first_width(limit + 1, rate),
        bound=cursor_bound(after, descending=False),
        now=now,
    )
    return page_of(rows, limit)


def replies_page(
    *,
    post_id: UUID,
    limit: int,
    after: dict[str, Any] | None = None,
    excluding: Exclusions | None = None,
) -> Page[Row]:
    """Direct replies to a post, oldest first; NotFound if the post does not exist or a block
    hides it (also on later pages, so a thread deleted while it is paged answers 404, not []).
    Replies by users the caller blocks, is blocked by or mutes are left out."""
    excluding = excluding or Exclusions()
    post = post_seen(post_id=post_id, excluding=excluding)
    return _replies(post, limit, after, Hide(excluding.quiet))


@dataclass(frozen=True)
class Context:
    ancestors: list[Row]  # root first
    post: Row
    replies: Page[Row]


def post_context(*, post_id: UUID, limit: int, excluding: Exclusions | None = None) -> Context:
    """A thread around a post: its ancestors up to the root and its first page of replies.
    What the caller's exclusions hide is left out: the post itself (NotFound), ancestors by
    a user a block hides, replies as in ``replies_page``.

    Three queries whatever the depth: the post, its ancestors by the path it stores
    (posts.threads), the replies. If an ancestor has just been deleted, the chain stops there
    (its subtree, including this post, is being deleted too).
    """
    excluding = excluding or Exclusions()
    post = post_seen(post_id=post_id, excluding=excluding)
    ancestors = Hide(excluding.hidden).rows(threads.ancestors_of(post))
    replies = _replies(post, limit, None, Hide(excluding.quiet))
    return Context(ancestors=ancestors, post=post, replies=replies)
