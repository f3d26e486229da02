"""Follow and unfollow: each one managed write transaction, safe under concurrency.

A pair has at most one FOLLOWS edge. ``MERGE (a)-[:FOLLOWS]->(b)`` on two bound nodes plans
as ``LockingMerge ... LOCK(me, b)`` on Neo4j 5.26 Community: it looks for the edge, and if
absent locks both endpoints and looks again before creating it. So 50 simultaneous follows
of one pair create one edge and every caller reads back its id, with no lock of our own
(tests/followers/test_concurrency.py; a check-then-CREATE query fails that test with dozens
of edges). The new id is generated here and only written ON CREATE, so ``r.id = $new_id``
tells the caller whether it created the edge (201) or found it (200).

Every edge is created with copies of its endpoints' ids (``r.sender_id``, ``r.receiver_id``):
the follow lists find a page of a user's follows through indexes on them
(followers.selectors.lists, followers.graph_schema).

``User.followers_count`` changes in the same transaction as the edge. Increments happen only
when the MERGE created the edge; removals first write-lock both users and only then look
for the edge, so two concurrent unfollows of one pair cannot both decrement.

A follow, an unfollow and a block of the same pair exclude each other: each write-locks the
two users first, in user-id order (followers.services.blocks: LOCK_PAIR, LOCK_KNOWN_PAIR; one
order, so they do not deadlock each other), so no follow survives a block
(tests/followers/test_block_races.py).

After the transaction commits, a follow that created an edge and every unfollow tell the posts
service that the caller's following changed (followers.clients, best effort, never raises), so
the caller's next feed page shows it (tests/followers/test_notify.py).
"""

from typing import Any, LiteralString
from uuid import UUID, uuid4

from neo4j import ManagedTransaction, Record

from followers import clients, graph
from followers.services.blocks import LOCK_KNOWN_PAIR, locked_pair_state
from followers.services.users import SET_USERNAME
from followers.types import Follow, FollowRequest
from hornet.errors import ErrorCode, Forbidden, InvalidInput, NotFound
from hornet.headers import Forward

# After LOCKED_PAIR_STATE, which upserted and locked both users: they are matched, not merged
# again (no Merge operators, fewer Eager barriers in the plan).
FOLLOW: LiteralString = (
    """
MATCH (me:User {user_id: $sender_id}), (b:User {user_id: $receiver_id})
USING INDEX SEEK me:User(user_id) USING INDEX SEEK b:User(user_id)"""
    + SET_USERNAME
    + """MERGE (me)-[r:FOLLOWS]->(b)
  ON CREATE SET r.id = $new_id, r.created_at = datetime.truncate('millisecond', datetime()),
                r.sender_id = me.user_id, r.receiver_id = b.user_id,
                b.followers_count = coalesce(b.followers_count, 0) + 1
RETURN r.id AS id, r.created_at AS created_at, r.id = $new_id AS created
"""
)

# Bulk path (the seed command, test fixtures): rows of {sender_id, receiver_id, id,
# created_ms}, one batch per transaction. Same MERGE, so re-running a seed never duplicates
# an edge or a count. Times come as epoch milliseconds: the driver converts a Python datetime
# parameter slowly enough to dominate a bulk load (bench/README.md, "Seeding").
FOLLOW_MANY: LiteralString = (
    """
UNWIND $rows AS row
WITH row WHERE row.sender_id <> row.receiver_id"""
    + graph.merge_user("a", "row.sender_id")
    + graph.merge_user("b", "row.receiver_id")
    + """MERGE (a)-[r:FOLLOWS]->(b)
  ON CREATE SET r.id = row.id,
                r.created_at = CASE WHEN row.created_ms IS NULL
                                    THEN datetime.truncate('millisecond', datetime())
                                    ELSE datetime({epochMillis: row.created_ms}) END,
                r.sender_id = a.user_id, r.receiver_id = b.user_id,
                b.followers_count = coalesce(b.followers_count, 0) + 1
WITH r, row WHERE r.id = row.id
RETURN count(r) AS created
"""
)

# Takes the receiver's write lock (graph.write_lock), so a next statement sees every concurrent
# change committed (followers.consistency; an unfollow locks both users: UNFOLLOW).
LOCK_RECEIVER: LiteralString = """
MATCH (b:User {user_id: $receiver_id})
USING INDEX SEEK b:User(user_id)
""" + graph.write_lock("b")

# An unfollow, one statement: write-lock both users who exist (LOCK_KNOWN_PAIR, nobody is
# created), then, after the aggregation has ended the locking (as in LOCKED_PAIR_STATE), withdraw
# the sender's pending request when $withdraw and delete the follow (the one named $follow_id,
# when given), decrementing the receiver's count once. One round trip where there were three.
UNFOLLOW: LiteralString = (
    LOCK_KNOWN_PAIR
    + """WITH count(*) AS locked_users
MATCH (a:User {user_id: $sender_id}), (b:User {user_id: $receiver_id})
USING INDEX SEEK a:User(user_id) USING INDEX SEEK b:User(user_id)
CALL (a, b) {
  MATCH (a)-[q:REQUESTED]->(b)
  WHERE $withdraw
  DELETE q
  RETURN count(*) AS withdrawn
}
CALL (a, b) {
  MATCH (a)-[r:FOLLOWS]->(b)
  WHERE $follow_id IS NULL OR r.id = $follow_id
  DELETE r
  SET b.followers_count = b.followers_count - 1
  RETURN count(*) AS removed
}
RETURN withdrawn, removed
"""
)

# A follow of a locked user (after LOCKED_PAIR_STATE): a request instead.
REQUEST: LiteralString = (
    """
MATCH (me:User {user_id: $sender_id}), (b:User {user_id: $receiver_id})
USING INDEX SEEK me:User(user_id) USING INDEX SEEK b:User(user_id)"""
    + SET_USERNAME
    + """MERGE (me)-[q:REQUESTED]->(b)
  ON CREATE SET q.id = $new_id, q.created_at = datetime.truncate('millisecond', datetime()),
                q.sender_id = me.user_id, q.receiver_id = b.user_id
RETURN q.id AS id, q.created_at AS created_at, q.id = $new_id AS created
"""
)

# Remove a pending follow request; how many there were (0 or 1).
TAKE_REQUEST: LiteralString = """
MATCH (a:User {user_id: $sender_id})-[q:REQUESTED]->(b:User {user_id: $receiver_id})
USING INDEX SEEK a:User(user_id) USING INDEX SEEK b:User(user_id)
DELETE q
RETURN count(*) AS taken
"""

FOLLOW_ENDS: LiteralString = """
MATCH (a:User)-[r:FOLLOWS {id: $follow_id}]->(b:User)
USING INDEX SEEK r:FOLLOWS(id)
RETURN a.user_id AS sender_id, b.user_id AS receiver_id
"""


def follow_of(
    record: Record, sender_id: UUID, receiver_id: UUID, kind: type[Follow] = Follow
) -> Follow:
    """The follow (or ``kind``: a request) a record's ``id`` and ``created_at`` describe."""
    return kind(UUID(record["id"]), sender_id, receiver_id, graph.native(record["created_at"]))


def take_request(tx: ManagedTransaction, sender_id: str, receiver_id: str) -> bool:
    """Remove ``sender_id``'s pending request to follow ``receiver_id``; whether there was one."""
    record = tx.run(TAKE_REQUEST, sender_id=sender_id, receiver_id=receiver_id).single()
    return bool(record and record["taken"])


def follow_create(
    *, caller: Forward, receiver_id: UUID, follow_id: UUID | None = None
) -> tuple[Follow, bool]:
    """Make the caller follow ``receiver_id``; return the follow and whether it is new.

    Idempotent: following again returns the existing follow with ``False``. A block between
    the two, either way, refuses it (403 ``blocked``): the follow write-locks both users before
    it looks, as a block does (followers.services.blocks). A locked receiver the caller does not
    follow yet gets a request instead: a ``FollowRequest`` (again idempotent); a new one is
    signalled to posts only to notify the receiver. Both users are upserted; the caller's
    username is refreshed when given (on either path: the view leaves the caller's upsert to
    this transaction, followers.views.base).
    ``follow_id`` (from an Idempotency-Key) names a new edge, so a retry of a follow that was
    created reports it as created (the first answer) rather than as found. Only a new follow
    is signalled to posts.
    """
    sender_id = caller.identity.user_id
    if sender_id == receiver_id:
        raise InvalidInput.for_field(
            "receiver_id", "You cannot follow yourself.", ErrorCode.SELF_FOLLOW
        )
    me, them, new_id = str(sender_id), str(receiver_id), str(follow_id or uuid4())
    params: dict[str, Any] = {
        "sender_id": me,
        "receiver_id": them,
        "new_id": new_id,
        "username": caller.identity.username,
    }

    def work(tx: ManagedTransaction) -> tuple[Follow, bool]:
        state = locked_pair_state(tx, me, them)
        if state["locked"] and not state["following"]:
            record = tx.run(REQUEST, params).single(strict=True)
            request = follow_of(record, sender_id, receiver_id, FollowRequest)
            return request, bool(record["created"])
        record = tx.run(FOLLOW, params).single(strict=True)
        return follow_of(record, sender_id, receiver_id), bool(record["created"])

    follow, created = graph.write_tx(work)
    if created and isinstance(follow, FollowRequest):
        clients.notify_follow_requested(caller, followee_id=receiver_id, request_id=follow.id)
    elif created:
        clients.notify_following_changed(
            caller, followee_id=receiver_id, following=True, follow_id=follow.id
        )
    return follow, created


def follows_create_many(rows: list[dict[str, Any]]) -> int:
    """Bulk follow ``[{sender_id, receiver_id, id, created_ms}]`` (str ids; epoch milliseconds,
    or None for now) in one transaction; return how many edges were new. Self-follows are
    skipped. Nobody is told (no caller to signal for): the feed's cache expires instead."""
    records = graph.write(FOLLOW_MANY, rows=rows)
    return int(records[0]["created"]) if records else 0


def _unfollow(
    tx: ManagedTransaction,
    sender_id: str,
    receiver_id: str,
    *,
    follow_id: str | None = None,
    withdraw: bool = False,
) -> bool:
    """Remove the follow (``follow_id``'s, if given) and, with ``withdraw``, a pending request
    of ``sender_id``'s to follow ``receiver_id``; whether either was there."""
    params: dict[str, Any] = {"ids": sorted((sender_id, receiver_id)), "sender_id": sender_id}
    params |= {"receiver_id": receiver_id, "follow_id": follow_id, "withdraw": withdraw}
    record = tx.run(UNFOLLOW, params).single()
    return bool(record and (record["removed"] or record["withdrawn"]))


def follow_remove_by_user(*, caller: Forward, receiver_id: UUID) -> bool:
    """The caller unfollows ``receiver_id``, or withdraws a pending request to follow them.
    Idempotent: returns whether an edge was removed; posts is told either way (a retry after a
    lost signal sends it again)."""
    sender_id, them = str(caller.identity.user_id), str(receiver_id)

    removed = graph.write_tx(lambda tx: _unfollow(tx, sender_id, them, withdraw=True))
    clients.notify_following_changed(caller, followee_id=receiver_id, following=False)
    return removed


def follow_remove(*, follow_id: UUID, caller: Forward) -> None:
    """Remove a follow by its id. Only its sender may: ``Forbidden`` otherwise, ``NotFound``
    when no follow has this id."""
    caller_id = caller.identity.user_id

    def work(tx: ManagedTransaction) -> UUID:
        ends = tx.run(FOLLOW_ENDS, follow_id=str(follow_id)).single()
        if ends is None:
            raise NotFound("No follow has this id.", details={"follow_id": str(follow_id)})
        if ends["sender_id"] != str(caller_id):
            raise Forbidden("Only the follower may remove a follow.")
        # A concurrent unfollow may remove it first: still done. Matching the id too means a
        # re-follow made meanwhile (a new edge, a new id) is not the one removed.
        _unfollow(tx, ends["sender_id"], ends["receiver_id"], follow_id=str(follow_id))
        return UUID(ends["receiver_id"])

    followee = graph.write_tx(work)
    clients.notify_following_changed(caller, followee_id=followee, following=False)
