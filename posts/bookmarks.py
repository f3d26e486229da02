"""Bookmarks: private marks (posts.marks); only their owner ever sees them, no counter."""

from uuid import UUID

from posts.documents import now_ms
from posts.marks import BOOKMARKS
from posts.selectors import post_find, post_not_found


def bookmark_add(*, post_id: UUID, user_id: UUID) -> bool:
    """Bookmark the post (idempotent); True if this call added it. NotFound without the post,
    also when the post is deleted while the bookmark is written (no bookmark outlives it)."""
    if post_find(post_id=post_id) is None:
        raise post_not_found(post_id)
    added = BOOKMARKS.insert(post_id, user_id, now_ms())
    if added and post_find(post_id=post_id) is None:
        BOOKMARKS.delete(post_id, user_id)
        raise post_not_found(post_id)
    return added


def bookmark_remove(*, post_id: UUID, user_id: UUID) -> bool:
    """Remove the bookmark (idempotent); True if there was one. NotFound without the post."""
    if BOOKMARKS.delete(post_id, user_id):
        return True
    if post_find(post_id=post_id) is None:
        raise post_not_found(post_id)
    return False
