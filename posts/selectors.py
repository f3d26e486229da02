"""Reads of posts. They return raw documents as stored (``_id``, UUIDs, datetimes), which
``posts.serializers.post_json`` turns into API JSON without building mongoengine objects.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from hornet.errors import NotFound
from posts import threads
from posts.db import query_ms
from posts.documents import posts_collection
from posts.queries import ASC, DESC, TimeKey, replies_filter, timeline_filter

Row = dict[str, Any]


@dataclass(frozen=True)
class Page:
    """One page of a list and the cursor payload of the next page (None on the last)."""

    items: list[Row]
    next_cursor: dict[str, Any] | None


def post_not_found(post_id: UUID, field: str = "id") -> NotFound:
    return NotFound(f"No post with id {post_id}.", details={field: ["No post with this id."]})


def post_find(*, post_id: UUID) -> Row | None:
    """The post with this id, or None."""
    row: Row | None = posts_collection().find_one({"_id": post_id}, max_time_ms=query_ms())
    return row


def post_get(*, post_id: UUID) -> Row:
    """The post with this id; NotFound otherwise."""
    row = post_find(post_id=post_id)
    if row is None:
        raise post_not_found(post_id)
    return row


def page_of(rows: list[Row], limit: int) -> Page:
    """A page from up to ``limit + 1`` rows in page order: the extra row only tells that a next
    page exists (no count query); the cursor is the last row shown."""
    if len(rows) <= limit:
        return Page(rows, None)
    rows = rows[:limit]
    return Page(rows, TimeKey.of(rows[-1]).payload())


def _page(query: dict[str, Any], sort: list[tuple[str, int]], limit: int) -> Page:
    found = posts_collection().find(query, sort=sort, limit=limit + 1, max_time_ms=query_ms())
    return page_of(list(found), limit)


def posts_by_authors_page(
    *, author_ids: Sequence[UUID], limit: int, after: dict[str, Any] | None = None
) -> Page:
    """Posts (including replies and shares) by any of these authors, newest first.

    The home feed calls this with the followed users' ids; the cursor format is the same as
    the single-author timeline's.
    """
    if not author_ids:
        return Page([], None)
    query = timeline_filter(author_ids, TimeKey.from_payload(after))
    return _page(query, DESC, limit)


def posts_by_author_page(
    *, author_id: UUID, limit: int, after: dict[str, Any] | None = None
) -> Page:
    """One user's posts, newest first. An unknown user simply has none."""
    return posts_by_authors_page(author_ids=[author_id], limit=limit, after=after)


def replies_page(*, post_id: UUID, limit: int, after: dict[str, Any] | None = None) -> Page:
    """Direct replies to a post, oldest first; NotFound if the post does not exist."""
    page = _page(replies_filter(post_id, TimeKey.from_payload(after)), ASC, limit)
    if not page.items and post_find(post_id=post_id) is None:
        # Checked only when there is nothing to show, so a busy thread costs one query; also
        # on later pages, so a thread deleted while it is paged answers 404, not [].
        raise post_not_found(post_id)
    return page


@dataclass(frozen=True)
class Context:
    ancestors: list[Row]  # root first
    post: Row
    replies: Page


def post_context(*, post_id: UUID, limit: int) -> Context:
    """A thread around a post: its ancestors up to the root and its first page of replies.

    Three queries whatever the depth: the post, its ancestors by the path it stores
    (posts.threads), the replies. If an ancestor has just been deleted, the chain stops there
    (its subtree, including this post, is being deleted too).
    """
    post = post_get(post_id=post_id)
    ancestors = threads.ancestors_of(post)
    replies = _page(replies_filter(post_id, None), ASC, limit)
    return Context(ancestors=ancestors, post=post, replies=replies)
