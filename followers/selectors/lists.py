"""The follow lists: followers, following, their ids and mutual follows, newest first.

Followers, following and both id lists read one page through a composite range index on the
FOLLOWS edges, ``(receiver_id, created_at, id)`` or ``(sender_id, created_at, id)`` (the edges
carry their endpoints' ids: followers.graph_schema). With an equality on the user and a range
on ``created_at``, the index returns that user's follows already in list order, so the plan is
``DirectedRelationshipIndexSeek`` -> ``Filter`` -> ``Limit``: no Sort or Top, and the seek stops
after ``limit + 1`` rows (the extra row only says whether a next page exists). The work of a
page is bounded by the page size, not by the user's degree: PROFILE counts the same db hits
for a followers page whether the user has 1,000 or 100,000 followers
(tests/followers/test_profile.py, test_follow_list_pages_cost_the_same_at_1k_and_100k_follows;
the numbers, and the previous expand-and-sort plan's, are in bench/README.md).

Three details keep that plan:
- ``ORDER BY`` names the equality property first (``r.receiver_id DESC, r.created_at DESC,
  r.id DESC``). It changes nothing in the result, but without it Neo4j 5.26 does not see that
  the index order serves the sort and adds a Top over every edge of the user.
- The cursor is a range (``created_at <= cursor time``) that the seek starts from, plus a
  filter on the id for follows made in the cursor's very millisecond; an OR of the two
  comparisons is no range, and every page would be read from the newest follow onwards. The
  first page seeks from the largest datetime.
- A composite index is only used when every one of its properties has a predicate, hence
  ``r.id IS NOT NULL``; ``USING INDEX SEEK`` pins the plan on a tiny graph (followers.graph).

A viewer's blocks (followers.selectors.visibility) leave users out of the followers and following
pages with a filter on the edge's copy of the other endpoint's id (``*_PAGE_HIDING``: ``NOT
r.sender_id IN $hidden``): the same plan, the filter reading a property of each edge it
already reads. Viewers without blocks (almost all) run the queries without that filter.

The cursor predicate starts strictly after the last item shown, so follows added between two
page fetches never shift or repeat an item. The mutual list walks from the caller (see
MUTUAL_PAGE): its cost is the caller's following count, whatever the user's follower count.
"""

from typing import Any, LiteralString
from uuid import UUID

from neo4j import Record

from followers import graph
from followers.cursors import FollowKey, follow_params
from followers.types import Follow, UserRef
from hornet.pagination import Page

# The cursor: a range the index seek starts from, and a filter on the cursor's millisecond
# (also the block and mute lists', followers.selectors.blocks).
AFTER: LiteralString = """
  AND r.created_at <= coalesce($after_t, datetime('+999999999-12-31T23:59:59.999999999Z'))
  AND ($after_t IS NULL OR r.created_at < $after_t OR r.id < $after_id)
  AND r.id IS NOT NULL
"""

_FOLLOWERS: LiteralString = (
    """
MATCH (s)-[r:FOLLOWS]->()
USING INDEX SEEK r:FOLLOWS(receiver_id, created_at, id)
WHERE r.receiver_id = $user_id"""
    + AFTER
)
_FOLLOWERS_RETURN: LiteralString = """
RETURN r.id AS id, s.user_id AS sender_id, r.receiver_id AS receiver_id,
       r.created_at AS created_at
ORDER BY r.receiver_id DESC, r.created_at DESC, r.id DESC
LIMIT $limit
"""
FOLLOWERS_PAGE: LiteralString = _FOLLOWERS + _FOLLOWERS_RETURN
# The same for a viewer who blocks or is blocked by some users: they are left out.
FOLLOWERS_PAGE_HIDING: LiteralString = (
    _FOLLOWERS + "  AND NOT r.sender_id IN $hidden" + _FOLLOWERS_RETURN
)

_FOLLOWING: LiteralString = (
    """
MATCH ()-[r:FOLLOWS]->(t)
USING INDEX SEEK r:FOLLOWS(sender_id, created_at, id)
WHERE r.sender_id = $user_id"""
    + AFTER
)
_FOLLOWING_RETURN: LiteralString = """
RETURN r.id AS id, r.sender_id AS sender_id, t.user_id AS receiver_id,
       r.created_at AS created_at
ORDER BY r.sender_id DESC, r.created_at DESC, r.id DESC
LIMIT $limit
"""
FOLLOWING_PAGE: LiteralString = _FOLLOWING + _FOLLOWING_RETURN
FOLLOWING_PAGE_HIDING: LiteralString = (
    _FOLLOWING + "  AND NOT r.receiver_id IN $hidden" + _FOLLOWING_RETURN
)

# The posts service's feed: only the ids (compact), same order and cursor as the list above.
FOLLOWING_IDS_PAGE: LiteralString = (
    """
MATCH ()-[r:FOLLOWS]->(t)
USING INDEX SEEK r:FOLLOWS(sender_id, created_at, id)
WHERE r.sender_id = $user_id"""
    + AFTER
    + """
RETURN t.user_id AS user_id, r.created_at AS created_at, r.id AS id
ORDER BY r.sender_id DESC, r.created_at DESC, r.id DESC
LIMIT $limit
"""
)

# The posts service's fan-out worker: the ids of a user's followers, same order and cursor as
# the followers list.
FOLLOWER_IDS_PAGE: LiteralString = (
    """
MATCH (s)-[r:FOLLOWS]->()
USING INDEX SEEK r:FOLLOWS(receiver_id, created_at, id)
WHERE r.receiver_id = $user_id"""
    + AFTER
    + """
RETURN s.user_id AS user_id, r.created_at AS created_at, r.id AS id
ORDER BY r.receiver_id DESC, r.created_at DESC, r.id DESC
LIMIT $limit
"""
)

# People the caller follows who follow the user, most recently followed by the caller first,
# and how many there are, in one round trip. People who hide their network are left out: their
# follow of the user is theirs to show (docs/safety.md). The walk starts from the caller
# (bounded by whom they follow) and checks each followee's edge to the user with Expand(Into);
# left to itself the planner would expand the user's followers instead, which is O(1M) for a
# celebrity.
MUTUAL_PAGE: LiteralString = """
MATCH (me:User {user_id: $me}), (t:User {user_id: $user_id})
USING INDEX SEEK me:User(user_id) USING INDEX SEEK t:User(user_id)
CALL (me, t) {
  MATCH (me)-[r:FOLLOWS]->(x:User)
  WHERE EXISTS { (x)-[:FOLLOWS]->(t) } AND NOT coalesce(x.hide_network, false)
  RETURN x, r ORDER BY r.created_at DESC, r.id DESC
}
WITH collect({user_id: x.user_id, username: x.username, created_at: r.created_at, id: r.id})
     AS found
RETURN size(found) AS total,
       [row IN found WHERE $after_t IS NULL OR row.created_at < $after_t
                        OR (row.created_at = $after_t AND row.id < $after_id)][..$limit] AS rows
"""


def next_key(rows: list[Any], limit: int) -> dict[str, Any] | None:
    """The cursor payload after row ``limit`` (rows carry ``created_at`` and ``id``), or None
    when the page read no extra row (the last page)."""
    if len(rows) <= limit:
        return None
    last = rows[limit - 1]
    return FollowKey(graph.native(last["created_at"]), last["id"]).payload()


def _follow(record: Record) -> Follow:
    return Follow(
        id=UUID(record["id"]),
        sender_id=UUID(record["sender_id"]),
        receiver_id=UUID(record["receiver_id"]),
        created_at=graph.native(record["created_at"]),
    )


def _follows_page(
    query: LiteralString, user_id: UUID, limit: int, after: Any, hidden: list[str] | None = None
) -> Page[Follow]:
    key = FollowKey.parse(after)
    records = graph.read(
        query, user_id=str(user_id), limit=limit + 1, hidden=hidden, **follow_params(key)
    )
    return Page([_follow(r) for r in records[:limit]], next_key(records, limit))


def followers_page(
    *,
    user_id: UUID,
    limit: int,
    after: dict[str, Any] | None = None,
    hidden: list[str] | None = None,
) -> Page[Follow]:
    """Follows received by ``user_id``, newest first, leaving out followers whose ids are in
    ``hidden`` (the viewer's blocks: followers.selectors.visibility). Unknown user: empty."""
    query = FOLLOWERS_PAGE_HIDING if hidden else FOLLOWERS_PAGE
    return _follows_page(query, user_id, limit, after, hidden)


def following_page(
    *,
    user_id: UUID,
    limit: int,
    after: dict[str, Any] | None = None,
    hidden: list[str] | None = None,
) -> Page[Follow]:
    """Follows made by ``user_id``, newest first, leaving out followees whose ids are in
    ``hidden``. Unknown user: an empty page."""
    query = FOLLOWING_PAGE_HIDING if hidden else FOLLOWING_PAGE
    return _follows_page(query, user_id, limit, after, hidden)


def _ids_page(query: LiteralString, user_id: UUID, limit: int, after: Any) -> Page[str]:
    key = FollowKey.parse(after)
    records = graph.read(query, user_id=str(user_id), limit=limit + 1, **follow_params(key))
    return Page([r["user_id"] for r in records[:limit]], next_key(records, limit))


def following_ids_page(
    *, user_id: UUID, limit: int, after: dict[str, Any] | None = None
) -> Page[str]:
    """Ids (canonical UUID strings) of the users ``user_id`` follows, newest follow first."""
    return _ids_page(FOLLOWING_IDS_PAGE, user_id, limit, after)


def follower_ids_page(
    *, user_id: UUID, limit: int, after: dict[str, Any] | None = None
) -> Page[str]:
    """Ids (canonical UUID strings) of the users who follow ``user_id``, newest follow first."""
    return _ids_page(FOLLOWER_IDS_PAGE, user_id, limit, after)


def mutual_page(
    *, caller_id: UUID, user_id: UUID, limit: int, after: dict[str, Any] | None = None
) -> Page[UserRef]:
    """Users the caller follows who follow ``user_id``, most recently followed first, with the
    total number of them in ``Page.total``."""
    key = FollowKey.parse(after)
    records = graph.read(
        MUTUAL_PAGE,
        me=str(caller_id),
        user_id=str(user_id),
        limit=limit + 1,
        **follow_params(key),
    )
    if not records:  # the caller or the user is not in the graph: nobody in common
        return Page([], None, total=0)
    rows = records[0]["rows"]
    items = [UserRef(UUID(row["user_id"]), row["username"]) for row in rows[:limit]]
    return Page(items, next_key(rows, limit), total=int(records[0]["total"]))
