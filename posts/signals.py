"""What each followers → posts signal does (posts.feed_views only parses and answers 204).

The followers service calls these routes after it has stored a change, with the caller's
identity forwarded; each function here owns every side effect of one signal (the feed's caches
and stored timelines, the caller's exclusions, notifications), so a view never decides what to
write.
"""

from uuid import UUID

from hornet.errors import Forbidden, InvalidInput
from posts import feed, safety
from posts.notifications import services as notifications
from posts.notifications.store import forget_between


def following_changed(
    *,
    caller_id: UUID,
    followee_id: UUID | None = None,
    follower_id: UUID | None = None,
    following: bool | None = None,
    follow_id: UUID | None = None,
) -> None:
    """``caller_id`` followed or unfollowed ``followee_id`` (without one: rebuild the caller's
    timeline); with ``follower_id``, the caller accepted that user's follow request, so the
    follower's feed changes and only the followee (the caller) may say so (403 otherwise). A
    new follow (``follow_id`` with ``following``) notifies the followee, or the follower whose
    request was accepted, once per id."""
    _accepter_only(caller_id, followee_id, follower_id)
    feed.following_changed(
        user_id=follower_id or caller_id, followee=followee_id, following=following
    )
    if follow_id is None or not following or followee_id is None:
        return
    _notify_follow(caller_id, followee_id, follow_id, follower_id)


def follow_made(
    *, caller_id: UUID, followee_id: UUID, follow_id: UUID, follower_id: UUID | None = None
) -> None:
    """A new follow's notification alone, once per ``follow_id``: the followee's, or with
    ``follower_id`` the requester's whose request the caller accepted. The followers service
    sends it again on its own when ``following-changed`` was not taken (docs/notifications.md,
    "Delivery"): unlike that signal, a late copy changes no timeline."""
    _accepter_only(caller_id, followee_id, follower_id)
    _notify_follow(caller_id, followee_id, follow_id, follower_id)


def _notify_follow(
    caller_id: UUID, followee_id: UUID, follow_id: UUID, follower_id: UUID | None
) -> None:
    if follower_id is not None:
        notifications.request_accepted(actor=caller_id, requester=follower_id, follow_id=follow_id)
    else:
        notifications.followed(actor=caller_id, followee=followee_id, follow_id=follow_id)


def _accepter_only(caller_id: UUID, followee_id: UUID | None, follower_id: UUID | None) -> None:
    """With ``follower_id`` (an accepted request) only the followee, the caller, may speak."""
    if follower_id is not None and followee_id != caller_id:
        message = "With follower_id, the followee must be the caller."
        raise Forbidden(message, details={"followee_id": [message]})


def relationship_changed(*, caller_id: UUID, user_id: UUID, change: str) -> None:
    """``caller_id`` blocked, unblocked, muted or unmuted ``user_id`` (posts.safety); a block
    also deletes each user's notifications of the other's actions (docs/notifications.md,
    "Blocks and mutes")."""
    if user_id == caller_id:
        raise InvalidInput.for_field("user_id", "Must be another user than the caller.")
    safety.relationship_changed(user_id=caller_id, other=user_id, change=change)
    if change == safety.BLOCK:
        forget_between(caller_id, user_id)


def follow_requested(*, caller_id: UUID, followee_id: UUID, request_id: UUID) -> None:
    """``caller_id`` asked the locked ``followee_id`` to follow them: a notification, once
    per ``request_id``."""
    notifications.follow_requested(actor=caller_id, followee_id=followee_id, request_id=request_id)
