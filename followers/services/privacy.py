"""A user's privacy settings: ``locked`` (follows become requests) and ``hide_network`` (the
follow lists are the user's alone to see). Both are properties of the user's node, false when
absent, changed by ``PATCH /followers/me`` (docs/safety.md).

Locking keeps the existing followers. Unlocking accepts no pending request: they stay pending
until the user accepts or rejects them (followers.services.requests).
"""

from typing import LiteralString

from followers import graph
from followers.services.users import SET_USERNAME
from followers.types import Privacy
from hornet.headers import Forward

PRIVACY_SET: LiteralString = (
    graph.merge_user("me", "$user_id")
    + SET_USERNAME
    + """SET me.locked = coalesce($locked, me.locked, false),
    me.hide_network = coalesce($hide_network, me.hide_network, false)
RETURN me.username AS username, me.locked AS locked, me.hide_network AS hide_network
"""
)


def privacy_update(
    *, caller: Forward, locked: bool | None = None, hide_network: bool | None = None
) -> Privacy:
    """Set the caller's ``locked`` and/or ``hide_network`` (None: unchanged); return all of
    their settings."""
    record = graph.write(
        PRIVACY_SET,
        user_id=str(caller.identity.user_id),
        username=caller.identity.username,
        locked=locked,
        hide_network=hide_network,
    )[0]
    return Privacy(
        user_id=caller.identity.user_id,
        username=record["username"],
        locked=bool(record["locked"]),
        hide_network=bool(record["hide_network"]),
    )
