"""Follow requests to locked accounts: ``(requester)-[:REQUESTED]->(locked user)``.

A follow of a locked user (followers.services.follows) makes a request instead of a follow.
The locked user accepts it (the follow is created with the usual counter, in the same
transaction as the request is removed) or rejects it (the request is removed). Both start by
write-locking the pair, as a follow and a block do (followers.services.blocks.lock_pair), so an
accept never races a block into a follow that should not exist: a block removes the request
first and the accept finds none (404), or the accept runs first and the block removes the
follow it made.

Unlocking an account accepts nothing automatically: pending requests stay pending until the
user accepts or rejects them (docs/safety.md says why).
"""

from typing import Any, LiteralString
from uuid import UUID, uuid4

from neo4j import ManagedTransaction

from followers import clients, graph
from followers.services.blocks import lock_pair
from followers.services.follows import FOLLOW, follow_of, take_request
from followers.types import Follow
from hornet.errors import NotFound
from hornet.headers import Forward

FOLLOWING: LiteralString = """
MATCH (a:User {user_id: $sender_id})-[r:FOLLOWS]->(b:User {user_id: $receiver_id})
USING INDEX SEEK a:User(user_id) USING INDEX SEEK b:User(user_id)
RETURN r.id AS id, r.created_at AS created_at
"""


def request_accept(
    *, caller: Forward, requester_id: UUID, follow_id: UUID | None = None
) -> tuple[Follow, bool]:
    """The caller accepts ``requester_id``'s follow request: the follow is made (``True``).

    Idempotent: when the requester already follows the caller (an earlier accept) the follow
    is returned with ``False``; ``NotFound`` when there is neither a request nor a follow.
    Posts is told of the new follow as the contract of issue 16 says (``follower_id``)."""
    me, them, new_id = str(caller.identity.user_id), str(requester_id), str(follow_id or uuid4())

    def work(tx: ManagedTransaction) -> tuple[Follow, bool]:
        lock_pair(tx, me, them)
        pair: dict[str, Any] = {"sender_id": them, "receiver_id": me}
        if take_request(tx, them, me):
            record = tx.run(FOLLOW, pair, username=None, new_id=new_id).single(strict=True)
            return follow_of(record, requester_id, caller.identity.user_id), True
        found = tx.run(FOLLOWING, pair).single()
        if found is None:
            raise NotFound(
                "No follow request from this user.", details={"user_id": str(requester_id)}
            )
        return follow_of(found, requester_id, caller.identity.user_id), False

    follow, created = graph.write_tx(work)
    if created:
        clients.notify_following_changed(
            caller,
            followee_id=caller.identity.user_id,
            following=True,
            follower_id=requester_id,
            follow_id=follow.id,
        )
    return follow, created


def request_reject(*, caller: Forward, requester_id: UUID) -> bool:
    """The caller rejects ``requester_id``'s follow request. Idempotent: whether one was
    pending. The requester is not told (as everywhere: the request just is no more)."""
    me, them = str(caller.identity.user_id), str(requester_id)
    return graph.write_tx(lambda tx: take_request(tx, them, me))
