"""Writes to posts. Counters move only by atomic ``$inc``; nothing is read-modified-written.

Concurrency rules (each step is one single-document or one multi-document operation):
- Creating a reply or a share inserts the post first, then ``$inc``s the referenced post.
  That update doubles as the existence check: if it matches nothing, the reference is gone
  (never existed, or was deleted meanwhile), so the new post is removed and NotFound raised.
- Deleting removes the post first, then its reply subtree level by level, each level
  deleted before its children are listed. A reply inserted concurrently is therefore either
  listed (and deleted) or finds its parent gone at its ``$inc`` (and deletes itself).
- Shares of a deleted post are kept: they are their sharers' posts. Their
  ``original_post_id`` then names a post that answers 404.
"""

from collections.abc import Iterator
from uuid import UUID

from pymongo import ReturnDocument

from hornet.errors import Forbidden, InvalidInput
from posts.documents import CONTENT_MAX, Post, now_ms, posts_collection
from posts.selectors import Row, post_get, post_not_found

_BATCH = 500  # ids per $in when walking a reply subtree


def _validate_content(content: str | None, *, is_share: bool) -> str | None:
    text = (content or "").strip()
    if not text and not is_share:
        raise InvalidInput.for_field(
            "content", "Required (1 to 5000 characters) unless the post is a share."
        )
    if len(text) > CONTENT_MAX:
        raise InvalidInput.for_field("content", f"At most {CONTENT_MAX} characters.")
    return text or None


def post_create(
    *,
    author_id: UUID,
    content: str | None = None,
    parent_post_id: UUID | None = None,
    original_post_id: UUID | None = None,
) -> Post:
    """Create a post, a reply (``parent_post_id``) or a share (``original_post_id``).

    Raises InvalidInput for bad content or both references at once, and NotFound (naming the
    field) when the referenced post does not exist.
    """
    if parent_post_id is not None and original_post_id is not None:
        raise InvalidInput(
            "A post is either a reply or a share, not both.",
            details={
                f: ["Set only one of parent_post_id, original_post_id."]
                for f in ("parent_post_id", "original_post_id")
            },
        )
    text = _validate_content(content, is_share=original_post_id is not None)
    post = Post(
        author_id=author_id,
        content=text,
        parent_post_id=parent_post_id,
        original_post_id=original_post_id,
        created_at=now_ms(),
    )
    post.save(force_insert=True)
    if parent_post_id is not None:
        _count_or_undo(post, "parent_post_id", parent_post_id, "replies_count")
    elif original_post_id is not None:
        _count_or_undo(post, "original_post_id", original_post_id, "shares_count")
    return post


def _count_or_undo(post: Post, field: str, target_id: UUID, counter: str) -> None:
    posts = posts_collection()
    if posts.update_one({"_id": target_id}, {"$inc": {counter: 1}}).matched_count == 1:
        return
    posts.delete_one({"_id": post.id})
    raise post_not_found(target_id, field)


def _own(post_id: UUID, actor_id: UUID) -> Row:
    row = post_get(post_id=post_id)
    if row["author_id"] != actor_id:
        raise Forbidden("Only the author may change or delete this post.")
    return row


def post_edit(*, post_id: UUID, actor_id: UUID, content: str | None) -> Row:
    """Replace the content of the actor's own post and stamp ``edited_at``.

    Content rules are those of creation: required on posts and replies, optional on shares.
    Returns the updated document. Shares of the post keep pointing at it.
    """
    row = _own(post_id, actor_id)
    text = _validate_content(content, is_share=row.get("original_post_id") is not None)
    change: dict[str, dict[str, object]] = {"$set": {"edited_at": now_ms()}}
    if text is None:
        change["$unset"] = {"content": ""}
    else:
        change["$set"]["content"] = text
    updated: Row | None = posts_collection().find_one_and_update(
        {"_id": post_id, "author_id": actor_id}, change, return_document=ReturnDocument.AFTER
    )
    if updated is None:  # deleted between the check and the update
        raise post_not_found(post_id)
    return updated


def post_delete(*, post_id: UUID, actor_id: UUID) -> int:
    """Delete the actor's own post and its whole reply subtree; return how many were deleted.

    The parent's ``replies_count`` and the original's ``shares_count`` go down by one
    (never below zero). Only the caller whose delete removed the post adjusts them, so two
    concurrent deletes count once.
    """
    row = _own(post_id, actor_id)
    posts = posts_collection()
    if posts.delete_one({"_id": post_id, "author_id": actor_id}).deleted_count == 0:
        raise post_not_found(post_id)
    for field, counter in (
        ("parent_post_id", "replies_count"),
        ("original_post_id", "shares_count"),
    ):
        target = row.get(field)
        if target is not None:
            posts.update_one({"_id": target, counter: {"$gt": 0}}, {"$inc": {counter: -1}})
    return 1 + _delete_descendants(post_id)


def _delete_descendants(root_id: UUID) -> int:
    posts = posts_collection()
    deleted = 0
    level = [root_id]
    while level:
        children: list[UUID] = []
        for batch in _chunks(level):
            ids = [r["_id"] for r in posts.find({"parent_post_id": {"$in": batch}}, {"_id": 1})]
            children.extend(ids)
        for batch in _chunks(children):
            deleted += posts.delete_many({"_id": {"$in": batch}}).deleted_count
        level = children
    return deleted


def _chunks(ids: list[UUID]) -> Iterator[list[UUID]]:
    for start in range(0, len(ids), _BATCH):
        yield ids[start : start + _BATCH]
