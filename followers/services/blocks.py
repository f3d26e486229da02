"""Block and unblock: a ``BLOCKS`` edge that ends every follow and follow request between two
users, in one managed write transaction, and keeps new ones from being made.

Race with a follow (tests/followers/test_block_races.py): a block and a follow of the same pair
both start by write-locking the two users (``lock_pair``, in user id order so two of them do
not deadlock), and only then look at the pair. So they run one after the other: the follow
that came first is deleted by the block; the follow that comes second sees the block and is
refused (403 ``blocked``). No follow survives a block, and ``User.followers_count`` is
decremented once per follow deleted, in the same transaction, so counts stay exact.

After the transaction commits, the posts service is told (followers.clients,
``relationship-changed``; best effort, never raises), as the contract of issue 16 says.
"""

from typing import LiteralString
from uuid import UUID, uuid4

from neo4j import ManagedTransaction, Record

from followers import clients, graph
from followers.access import blocked_error
from followers.services.users import SET_USERNAME
from followers.types import UserSince
from hornet.errors import ErrorCode, InvalidInput
from hornet.headers import Forward

# Upsert both users and write-lock them (graph.write_lock), in the order of $ids: callers sort
# them, so two transactions on one pair lock alike.
LOCK_PAIR: LiteralString = "UNWIND $ids AS id" + graph.merge_user("u", "id") + graph.write_lock("u")

# The same for users who may not exist (an unfollow's first part, followers.services.follows):
# nobody is created, the known are locked.
LOCK_KNOWN_PAIR: LiteralString = """
UNWIND $ids AS id
MATCH (u:User {user_id: id})
USING INDEX SEEK u:User(user_id)
""" + graph.write_lock("u")

# What a follow of b by a must know, read after LOCK_PAIR (so every change committed before
# the locks were granted is seen).
PAIR_STATE: LiteralString = """
MATCH (a:User {user_id: $a}), (b:User {user_id: $b})
USING INDEX SEEK a:User(user_id) USING INDEX SEEK b:User(user_id)
RETURN EXISTS { (a)-[:BLOCKS]-(b) } AS blocked, coalesce(b.locked, false) AS locked,
       EXISTS { (a)-[:FOLLOWS]->(b) } AS following
"""

# Both in one statement (a follow's first): the aggregation ends the locking part for both
# users before the state is read, so the read comes after both locks, as in two statements,
# for one round trip and one statement less.
LOCKED_PAIR_STATE: LiteralString = LOCK_PAIR + "WITH count(*) AS locked_users" + PAIR_STATE

# Statement 2 of a block (after LOCK_PAIR): the edge, then every follow and follow request
# between the two, either way, each follow decrementing its receiver's stored count.
BLOCK: LiteralString = (
    """
MATCH (me:User {user_id: $me}), (b:User {user_id: $them})
USING INDEX SEEK me:User(user_id) USING INDEX SEEK b:User(user_id)"""
    + SET_USERNAME
    + """MERGE (me)-[k:BLOCKS]->(b)
  ON CREATE SET k.id = $new_id, k.created_at = datetime.truncate('millisecond', datetime()),
                k.sender_id = me.user_id, k.receiver_id = b.user_id
WITH me, b, k
CALL (me, b) {
  MATCH (me)-[f:FOLLOWS]-(b)
  WITH f, endNode(f) AS followee
  DELETE f
  SET followee.followers_count = followee.followers_count - 1
  RETURN count(*) AS unfollowed
}
CALL (me, b) {
  MATCH (me)-[q:REQUESTED]-(b)
  DELETE q
  RETURN count(*) AS withdrawn
}
RETURN k.id = $new_id AS created, k.created_at AS created_at, b.username AS username,
       unfollowed, withdrawn
"""
)

UNBLOCK: LiteralString = """
MATCH (me:User {user_id: $me})-[k:BLOCKS]->(b:User {user_id: $them})
USING INDEX SEEK me:User(user_id) USING INDEX SEEK b:User(user_id)
DELETE k
RETURN count(*) AS removed
"""


def lock_pair(tx: ManagedTransaction, a: str, b: str) -> None:
    """Upsert users ``a`` and ``b`` and hold both their write locks until the transaction ends:
    what every write of the pair's follows starts with (a follow and an unfollow take them
    inside their first statement: LOCKED_PAIR_STATE, follows.UNFOLLOW). Always in user-id
    order, so two such writes never deadlock each other."""
    tx.run(LOCK_PAIR, ids=sorted((a, b))).consume()


def locked_pair_state(tx: ManagedTransaction, a: str, b: str) -> Record:
    """``lock_pair`` (upserting both), then whether ``b`` is ``locked`` and ``a`` is
    ``following`` them, in one statement; ``blocked_error`` when either user blocks the
    other."""
    record = tx.run(LOCKED_PAIR_STATE, ids=sorted((a, b)), a=a, b=b).single(strict=True)
    if record["blocked"]:
        raise blocked_error()
    return record


def not_self(caller: Forward, user_id: UUID, message: str, code: ErrorCode) -> None:
    """A 400 naming ``user_id`` (with ``code``) when the caller names themself."""
    if caller.identity.user_id == user_id:
        raise InvalidInput.for_field("user_id", message, code)


def block_create(
    *, caller: Forward, user_id: UUID, block_id: UUID | None = None
) -> tuple[UserSince, bool]:
    """The caller blocks ``user_id``; return the block and whether it is new.

    Idempotent (blocking again returns the block with ``False``). Removes the follows both ways
    and the follow requests both ways in the same transaction. ``block_id`` (from an
    Idempotency-Key) names a new edge, so a retried block that was created reports created.
    """
    not_self(caller, user_id, "You cannot block yourself.", ErrorCode.SELF_BLOCK)
    me, them, new_id = str(caller.identity.user_id), str(user_id), str(block_id or uuid4())

    def work(tx: ManagedTransaction) -> tuple[UserSince, bool]:
        lock_pair(tx, me, them)
        record = tx.run(
            BLOCK, me=me, them=them, new_id=new_id, username=caller.identity.username
        ).single(strict=True)
        block = UserSince(user_id, record["username"], graph.native(record["created_at"]))
        return block, bool(record["created"])

    result = graph.write_tx(work)
    clients.notify_relationship_changed(caller, user_id=user_id, change="block")
    return result


def block_remove(*, caller: Forward, user_id: UUID) -> bool:
    """The caller unblocks ``user_id``. Idempotent: returns whether a block was removed; posts
    is told either way (a retry after a lost signal sends it again). Follows removed by the
    block stay removed."""
    not_self(caller, user_id, "You cannot block yourself.", ErrorCode.SELF_BLOCK)
    records = graph.write(UNBLOCK, me=str(caller.identity.user_id), them=str(user_id))
    clients.notify_relationship_changed(caller, user_id=user_id, change="unblock")
    return bool(records and records[0]["removed"])
