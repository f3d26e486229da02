"""Reads of the safety edges: a user's blocks and mutes (newest first) and their excluded ids.

The block and mute lists page like the follow lists (followers.selectors.lists): each edge
carries ``sender_id``, ``created_at`` and ``id``, and the composite range index
``(sender_id, created_at, id)`` returns one user's edges already in list order, so a page is a
``DirectedRelationshipIndexSeek`` bounded by the page size. The mute list leaves out expired
mutes with a filter after the seek (they are dead weight until the user mutes that person again).

``excluded_ids`` is the posts service's one call (the contract of issue 16): whom the user
blocks, who blocks them, whom they mute now; it seeks the user and expands their edges, each
list capped at ``EXCLUDED_IDS_MAX``.
"""

from typing import Any, LiteralString
from uuid import UUID

from neo4j import Record

from followers import graph
from followers.cursors import FollowKey, follow_params
from followers.selectors.lists import AFTER, next_key
from followers.types import Mute, UserSince
from hornet.pagination import Page

EXCLUDED_IDS_MAX = 5000
EXCLUDED_LISTS = ("blocked", "blocked_by", "muted")

_ACTIVE: LiteralString = "(m.expires_at IS NULL OR m.expires_at > datetime())"


def edge_page_query(rel: LiteralString, extra: LiteralString, *, incoming: bool) -> LiteralString:
    """One page of a user's ``rel`` edges, newest first, with the other user as ``t``:
    outgoing (the user is ``sender_id``) or ``incoming`` (the user is ``receiver_id``)."""
    if incoming:
        head: LiteralString = f"""
MATCH (t)-[r:{rel}]->()
USING INDEX SEEK r:{rel}(receiver_id, created_at, id)
WHERE r.receiver_id = $user_id"""
        order: LiteralString = "r.receiver_id"
    else:
        head = f"""
MATCH ()-[r:{rel}]->(t)
USING INDEX SEEK r:{rel}(sender_id, created_at, id)
WHERE r.sender_id = $user_id"""
        order = "r.sender_id"
    return (
        head
        + AFTER
        + extra
        + """
RETURN r.id AS id, t.user_id AS user_id, t.username AS username, r.created_at AS created_at,
       r.expires_at AS expires_at
ORDER BY """
        + order
        + """ DESC, r.created_at DESC, r.id DESC
LIMIT $limit
"""
    )


BLOCKS_PAGE: LiteralString = edge_page_query("BLOCKS", "", incoming=False)
MUTES_PAGE: LiteralString = edge_page_query(
    "MUTES", "  AND (r.expires_at IS NULL OR r.expires_at > datetime())\n", incoming=False
)

EXCLUDED_IDS: LiteralString = (
    """
MATCH (u:User {user_id: $user_id})
USING INDEX SEEK u:User(user_id)
RETURN COLLECT { MATCH (u)-[k:BLOCKS]->() RETURN k.receiver_id LIMIT $cap } AS blocked,
       COLLECT { MATCH (u)<-[k:BLOCKS]-() RETURN k.sender_id LIMIT $cap } AS blocked_by,
       COLLECT { MATCH (u)-[m:MUTES]->() WHERE """
    + _ACTIVE
    + """
                 RETURN m.receiver_id LIMIT $cap } AS muted,
       COLLECT { MATCH (u)-[m:MUTES]->() WHERE m.expires_at > datetime()
                 RETURN m.expires_at ORDER BY m.expires_at LIMIT 1 } AS next_expiry
"""
)


def edge_page(query: LiteralString, user_id: UUID, limit: int, after: Any) -> list[Record]:
    """The records of one page of ``edge_page_query`` (``limit + 1`` of them at most)."""
    key = FollowKey.parse(after)
    return graph.read(query, user_id=str(user_id), limit=limit + 1, **follow_params(key))


def users_since_page(records: list[Record], limit: int) -> Page[UserSince]:
    """A page of ``UserSince`` from the records of ``edge_page``."""
    items = [
        UserSince(UUID(r["user_id"]), r["username"], graph.native(r["created_at"]))
        for r in records[:limit]
    ]
    return Page(items, next_key(records, limit))


def blocks_page(
    *, user_id: UUID, limit: int, after: dict[str, Any] | None = None
) -> Page[UserSince]:
    """Users ``user_id`` blocks, most recent block first."""
    return users_since_page(edge_page(BLOCKS_PAGE, user_id, limit, after), limit)


def mutes_page(*, user_id: UUID, limit: int, after: dict[str, Any] | None = None) -> Page[Mute]:
    """Users ``user_id`` mutes now (expired mutes left out), most recent mute first."""
    records = edge_page(MUTES_PAGE, user_id, limit, after)
    items = [
        Mute(
            UUID(r["user_id"]),
            r["username"],
            graph.native(r["created_at"]),
            graph.native_or_none(r["expires_at"]),
        )
        for r in records[:limit]
    ]
    return Page(items, next_key(records, limit))


def excluded_ids(*, user_id: UUID) -> dict[str, Any]:
    """``{"blocked", "blocked_by", "muted", "next_mute_expiry"}``: ids whose posts ``user_id``
    must not see (each list at most ``EXCLUDED_IDS_MAX``), and when the soonest of those mutes
    ends (None: none ends), until when the lists are right without a change; all empty for a
    user the graph does not know."""
    records = graph.read(EXCLUDED_IDS, user_id=str(user_id), cap=EXCLUDED_IDS_MAX)
    if not records:
        return {"blocked": [], "blocked_by": [], "muted": [], "next_mute_expiry": None}
    record = records[0]
    found: dict[str, Any] = {name: list(record[name]) for name in EXCLUDED_LISTS}
    expiry = record["next_expiry"]
    found["next_mute_expiry"] = graph.native(expiry[0]) if expiry else None
    return found
