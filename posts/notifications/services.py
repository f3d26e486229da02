"""The notification each action writes: idempotent, after its recipients' statistics (the
package docstring)."""

from uuid import UUID

from posts.notifications.store import (
    FOLLOW,
    FOLLOW_ACCEPTED,
    FOLLOW_REQUEST,
    LIKE,
    MENTION,
    REPLY,
    SHARE,
    Event,
    notify,
)
from posts.selectors import Row


def post_created(post: Row, parent_author: UUID | None, original_author: UUID | None) -> int:
    """A new post's notifications: its parent's author (reply), its original's author
    (share) and the users it mentions, in one write. Called again by a resumed creation: the
    entries already stored are left as they are."""
    author, post_id = post["author_id"], post["_id"]
    events = [Event(MENTION, user, author, post_id, post_id) for user in post.get("mentions") or ()]
    if parent_author is not None:
        events.append(Event(REPLY, parent_author, author, post_id, post_id))
    if original_author is not None:
        original = post["original_post_id"]
        events.append(Event(SHARE, original_author, author, original, original))
    return notify(events)


def liked(post: Row, actor: UUID) -> int:
    """``actor`` likes ``post`` (a repeat, or a like after an unlike, writes nothing new)."""
    return notify([Event(LIKE, post["author_id"], actor, post["_id"], post["_id"])])


def followed(*, actor: UUID, followee: UUID, follow_id: UUID) -> int:
    """``actor`` follows ``followee`` (a new follow edge ``follow_id``)."""
    return notify([Event(FOLLOW, followee, actor, follow_id)])


def request_accepted(*, actor: UUID, requester: UUID, follow_id: UUID) -> int:
    """``actor`` accepted ``requester``'s follow request: the requester hears of it."""
    return notify([Event(FOLLOW_ACCEPTED, requester, actor, follow_id)])


def follow_requested(*, actor: UUID, followee_id: UUID, request_id: UUID) -> int:
    """``actor`` asked the locked ``followee_id`` to follow them."""
    return notify([Event(FOLLOW_REQUEST, followee_id, actor, request_id)])
