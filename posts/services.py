"""Writes to posts. Counters move only by atomic ``$inc``; nothing is read-modified-written.

Concurrency and crash rules (each step is one single-document or one multi-document operation):
- A counted change (a reply or share created, or deleted) goes through an intent on the
  counted post (posts.intents): count + record the intent, write the post, close the intent.
  A crash in between leaves an intent that a retry with the same id resumes, or that
  ``check_consistency --repair`` settles; the counter is never off for good.
- Creating a reply first counts it on the parent; that update doubles as the existence check
  (no parent, nothing written: NotFound). If the parent is deleted before the intent is
  closed, the reply (and anything already under it) is deleted again and NotFound raised,
  so a delete racing new replies leaves no orphan.
- Every reply stores its ancestor path (posts.threads), so a subtree is one indexed query.
  Deleting removes the post first, then every post whose path holds it (``delete_many``,
  repeated until a pass deletes nothing: normally two passes, whatever the depth). A reply
  inserted concurrently is either there for a pass (and deleted) or finds its parent gone
  when it closes its intent (and deletes itself); a reply that slips between the passes and
  the deletion of its parent is an orphan that ``check_consistency --repair`` removes.
- Shares of a deleted post are kept: they are their sharers' posts. Their
  ``original_post_id`` then names a post that answers 404.
- A post's tag and mention entries (posts.list_entries) are written before the post joins
  those lists (create, edit) and deleted after it left them (edit, delete): a crash leaves an
  entry too many, which the timelines' read drops, never a post missing from its timeline.
- ``post_id`` (given with an Idempotency-Key) makes creation resumable: a retry after a
  failure finds the post or the intent of the first attempt and finishes it, never twice.
"""

from collections.abc import Iterator
from uuid import UUID, uuid4

from mongoengine.errors import NotUniqueError
from pymongo import ReturnDocument

from hornet.errors import Conflict, Forbidden, InvalidInput
from hornet.text import is_invisible
from posts import intents, list_entries, marks, threads
from posts.authors import author_stats_touch
from posts.clients import Exclusions
from posts.documents import CONTENT_MAX, Post, now_ms, posts_collection
from posts.notifications import services as notifications
from posts.safety import refuse_blocked
from posts.selectors import Row, post_find, post_get, post_not_found
from posts.tags import (
    Resolver,
    engagement_fields,
    list_stats_touch,
    no_resolution,
    stored_change,
)

_BATCH = 500  # ids per $in when walking a reply subtree
_MAX_PASSES = 10  # subtree deletes racing new replies; normally 2
_ID_BATCH = 10_000  # ids of a subtree read in one round trip (the default first batch is 101)
_DOOMED_FIELDS = {"_id": 1, **dict.fromkeys(list_entries.LISTS, 1)}


def _validate_content(content: str | None, *, is_share: bool) -> str | None:
    text = (content or "").strip()
    if is_invisible(text):  # zero-width spaces and the like show nothing: no content
        text = ""
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
    post_id: UUID | None = None,
    resolve: Resolver = no_resolution,
    excluding: Exclusions | None = None,
) -> Post:
    """Create a post, a reply (``parent_post_id``) or a share (``original_post_id``).

    Raises InvalidInput for bad content or both references at once, NotFound (naming the
    field) when the referenced post does not exist, and Forbidden (``blocked``) when a block
    either way stands between the author and the referenced post's author (``excluding``: the
    author's exclusions, posts.safety). With ``post_id`` (an idempotent retry may pass the same
    one again) an existing post of that id by this author is finished and returned instead of
    created twice. ``resolve`` turns the content's ``@usernames`` into user ids (posts.tags);
    the content's tags need nothing.
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
        id=post_id or uuid4(),
        author_id=author_id,
        content=text,
        parent_post_id=parent_post_id,
        original_post_id=original_post_id,
        created_at=now_ms(),
    )
    if parent_post_id is None:  # the feed shows posts and shares: pending fan-out, same insert
        post.fanout_due = post.created_at
    if post_id is not None:
        earlier = post_find(post_id=post_id)
        if earlier is not None:
            return _resumed(post, earlier)
    for name, value in engagement_fields(text, resolve).items():
        setattr(post, name, value or None)  # empty lists are not stored
    target_author: UUID | None = None  # of the post replied to or shared
    if parent_post_id is not None:
        parent = post_find(post_id=parent_post_id)
        if parent is None:
            raise post_not_found(parent_post_id, "parent_post_id")
        if excluding is not None:
            refuse_blocked(parent["author_id"], excluding)
        post.ancestor_ids = threads.reply_path(parent)  # InvalidInput if too deep
        target_author = parent["author_id"]
    if original_post_id is not None:
        original = post_find(post_id=original_post_id)
        if original is not None:  # a missing one is the intent's NotFound below
            target_author = original["author_id"]
            if excluding is not None:
                refuse_blocked(target_author, excluding)
    target = _counted_target(post)
    if target is None:
        _insert(post)
        _notify(post, None)
        return post
    field, target_id, counter = target
    if (
        intents.open_intent(
            target_id=target_id, post_id=post.id, counter=counter, kind=intents.CREATE, now=now_ms()
        )
        is None
    ):
        raise post_not_found(target_id, field)
    _insert(post)
    closed = intents.close_creation(target_id=target_id, post_id=post.id)
    if not closed and field == "parent_post_id":  # the thread was deleted meanwhile
        delete_subtree(post.id)  # no orphan reply
        raise post_not_found(target_id, field)
    _notify(post, target_author)
    return post


def _notify(post: Post, target_author: UUID | None) -> None:
    """The post's notifications (posts.notifications): ``target_author`` wrote the post it
    replies to or shares. Written by every attempt, so a resumed creation repairs a lost one."""
    row = post.to_mongo().to_dict()
    parent = target_author if post.parent_post_id is not None else None
    original = target_author if post.original_post_id is not None else None
    notifications.post_created(row, parent, original)


def _counted_target(post: Post | Row) -> tuple[str, UUID, str] | None:
    """(field, id, counter) of the post whose counter this post moves, if any."""
    parent, original = post["parent_post_id"], post["original_post_id"]
    if parent is not None:
        return "parent_post_id", parent, "replies_count"
    if original is not None:
        return "original_post_id", original, "shares_count"
    return None


def _insert(post: Post) -> None:
    # Statistics and list entries first: they must cover every post (posts.authors, posts.tags,
    # posts.list_entries).
    author_stats_touch(author_id=post.author_id, at=post.created_at)
    list_stats_touch({"tags": post.tags or [], "mentions": post.mentions or []}, post.created_at)
    list_entries.put([post.to_mongo()])
    try:
        post.save(force_insert=True)
    except NotUniqueError:  # a retry raced its own first attempt, which inserted the post
        stored = posts_collection().find_one({"_id": post.id}, list_entries.FIELDS)
        if stored is not None:  # its entries at its time (ours were written at another)
            list_entries.put([stored])


def _resumed(post: Post, earlier: Row) -> Post:
    """An earlier attempt with this id inserted the post: close its intent, return it."""
    if earlier["author_id"] != post.author_id:
        raise Conflict("This id belongs to another post.")
    stored = Post._from_son(earlier)
    target = _counted_target(stored)
    target_author = None
    if target is not None:
        intents.close_creation(target_id=target[1], post_id=stored.id)
        found = post_find(post_id=target[1])
        target_author = None if found is None else found["author_id"]
    _notify(stored, target_author)
    return stored  # type: ignore[no-any-return]


def _own(post_id: UUID, actor_id: UUID) -> Row:
    row = post_get(post_id=post_id)
    if row["author_id"] != actor_id:
        raise Forbidden("Only the author may change or delete this post.")
    return row


def post_edit(
    *, post_id: UUID, actor_id: UUID, content: str | None, resolve: Resolver = no_resolution
) -> Row:
    """Replace the content of the actor's own post and stamp ``edited_at``; its mentions and
    tags are parsed again from the new content (``resolve`` as in post_create).

    Content rules are those of creation: required on posts and replies, optional on shares.
    Returns the updated document. Shares of the post keep pointing at it.
    """
    row = _own(post_id, actor_id)
    text = _validate_content(content, is_share=row.get("original_post_id") is not None)
    fields = engagement_fields(text, resolve)
    list_stats_touch(fields, row["created_at"])  # before the post joins those lists
    list_entries.put([{**row, **fields}])
    change = stored_change(fields)
    change.setdefault("$set", {})["edited_at"] = now_ms()
    if text is None:
        change.setdefault("$unset", {})["content"] = ""
    else:
        change["$set"]["content"] = text
    updated: Row | None = posts_collection().find_one_and_update(
        {"_id": post_id, "author_id": actor_id}, change, return_document=ReturnDocument.AFTER
    )
    if updated is None:  # deleted between the check and the update
        raise post_not_found(post_id)
    # after the post left them (an edit racing this one may add one back: check_consistency)
    list_entries.remove(
        post_id, set(list_entries.keys_of(row)) - set(list_entries.keys_of(updated))
    )
    return updated


def post_delete(*, post_id: UUID, actor_id: UUID) -> int:
    """Delete the actor's own post and its whole reply subtree; return how many were deleted.

    The parent's ``replies_count`` and the original's ``shares_count`` go down by one
    (never below zero), through an intent keyed by this post, so two concurrent deletes
    count once.
    """
    row = _own(post_id, actor_id)
    posts = posts_collection()
    # Their likes, bookmarks and list entries go too: listed now, while the subtree can still
    # be found.
    under = list(posts.find(threads.subtree_filter(post_id), _DOOMED_FIELDS, batch_size=_ID_BATCH))
    doomed = [post_id, *(r["_id"] for r in under)]
    target = _counted_target({f: row.get(f) for f in ("parent_post_id", "original_post_id")})
    intent = None
    if target is not None:
        intent = intents.open_intent(
            target_id=target[1],
            post_id=post_id,
            counter=target[2],
            kind=intents.DELETE,
            now=now_ms(),
        )
    deleted = posts.delete_one({"_id": post_id, "author_id": actor_id}).deleted_count
    if intent is not None and target is not None:
        if deleted:  # the one deleter counts it, whoever opened the intent
            intents.close_deletion(target_id=target[1], post_id=post_id, counter=target[2])
        else:  # lost the race: the winner counts; withdraw ours unless someone took it over
            intent.withdraw()
    if deleted == 0:
        raise post_not_found(post_id)
    removed = 1 + _delete_descendants(post_id)
    marks.forget_posts(doomed)  # marks on replies that raced in: check_consistency's orphans
    list_entries.forget([row, *under])  # likewise (their entries are dropped when read)
    return removed


def delete_subtree(post_id: UUID) -> int:
    """Delete a post whose parent is gone and everything under it; no counter moves."""
    return posts_collection().delete_one({"_id": post_id}).deleted_count + _delete_descendants(
        post_id
    )


def _delete_descendants(root_id: UUID) -> int:
    """Everything under ``root_id``: a few queries whatever the depth (module docstring)."""
    posts = posts_collection()
    deleted = 0
    for _ in range(_MAX_PASSES):
        removed = posts.delete_many(threads.subtree_filter(root_id)).deleted_count
        deleted += removed
        if not removed:
            break
    return deleted + _delete_pathless_descendants(root_id)


def _delete_pathless_descendants(root_id: UUID) -> int:
    """Replies stored without a path (before ``ensure_schema`` backfilled them), level by
    level, each level deleted before its children are listed. Once every reply has its path
    this is one query that finds nothing."""
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
