"""Mute and unmute: a private ``MUTES`` edge with an optional expiry. A mute changes no follow;
the posts service hides the muted user's posts from the muter's feed and replies.

An expired mute is as good as absent (lists and excluded ids leave it out); muting again
replaces it (a new id and time, answered as created). Muting an actively muted user again
replaces only the expiry (``None``: for ever) and answers 200.
"""

from typing import LiteralString
from uuid import UUID, uuid4

from followers import clients, graph
from followers.services.blocks import not_self
from followers.services.users import SET_USERNAME
from followers.types import Mute
from hornet.errors import ErrorCode
from hornet.headers import Forward

_NOW: LiteralString = "datetime.truncate('millisecond', datetime())"

MUTE: LiteralString = (
    graph.merge_user("me", "$me")
    + SET_USERNAME
    + graph.merge_user("b", "$them")
    + "MERGE (me)-[m:MUTES]->(b)\n  ON CREATE SET m.id = $new_id, m.created_at = "
    + _NOW
    + """, m.sender_id = me.user_id, m.receiver_id = b.user_id
WITH b, m, m.expires_at IS NOT NULL AND m.expires_at <= datetime() AS lapsed
FOREACH (_ IN CASE WHEN lapsed THEN [1] ELSE [] END |
  SET m.id = $new_id, m.created_at = """
    + _NOW
    + """)
SET m.expires_at = CASE WHEN $seconds IS NULL THEN null
                        ELSE """
    + _NOW
    + """ + duration({seconds: $seconds}) END
RETURN m.id = $new_id AS created, m.created_at AS created_at, m.expires_at AS expires_at,
       b.username AS username
"""
)

UNMUTE: LiteralString = """
MATCH (me:User {user_id: $me})-[m:MUTES]->(b:User {user_id: $them})
USING INDEX SEEK me:User(user_id) USING INDEX SEEK b:User(user_id)
DELETE m
RETURN count(*) AS removed
"""


def mute_create(
    *,
    caller: Forward,
    user_id: UUID,
    duration_seconds: int | None = None,
    mute_id: UUID | None = None,
) -> tuple[Mute, bool]:
    """The caller mutes ``user_id`` for ``duration_seconds`` (None: until unmuted); return the
    mute and whether it is new (an expired mute counts as absent). ``mute_id`` (from an
    Idempotency-Key) names a new edge, so a retried mute that was created reports created."""
    not_self(caller, user_id, "You cannot mute yourself.", ErrorCode.SELF_MUTE)
    record = graph.write(
        MUTE,
        me=str(caller.identity.user_id),
        them=str(user_id),
        username=caller.identity.username,
        new_id=str(mute_id or uuid4()),
        seconds=duration_seconds,
    )[0]
    mute = Mute(
        user_id=user_id,
        username=record["username"],
        created_at=graph.native(record["created_at"]),
        expires_at=graph.native_or_none(record["expires_at"]),
    )
    clients.notify_relationship_changed(caller, user_id=user_id, change="mute")
    return mute, bool(record["created"])


def mute_remove(*, caller: Forward, user_id: UUID) -> bool:
    """The caller unmutes ``user_id``. Idempotent: returns whether a mute was removed; posts is
    told either way."""
    not_self(caller, user_id, "You cannot mute yourself.", ErrorCode.SELF_MUTE)
    records = graph.write(UNMUTE, me=str(caller.identity.user_id), them=str(user_id))
    clients.notify_relationship_changed(caller, user_id=user_id, change="unmute")
    return bool(records and records[0]["removed"])
