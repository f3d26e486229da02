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
from followers.types import Block, Mute
from hornet.pagination import Page

EXCLUDED_IDS_MAX = 5000

_ACTIVE: LiteralString = "(m.expires_at IS NULL OR m.expires_at > datetime())"


def _page_query(rel: LiteralString, extra: LiteralString) -> LiteralString:
    return (
        f"""
MATCH ()-[r:{rel}]->(t)
USING INDEX SEEK r:{rel}(sender_id, created_at, id)
WHERE r.sender_id = $user_id"""
        + AFTER
        + extra
        + """
RETURN r.id AS id, t.user_id AS user_id, t.username AS username, r.created_at AS created_at,
       r.expires_at AS expires_at
ORDER BY r.sender_id DESC, r.created_at DESC, r.id DESC
LIMIT $limit
"""
    )


BLOCKS_PAGE: LiteralString = _page_query("BLOCKS", "")
MUTES_PAGE: LiteralString = _page_query(
    "MUTES", "  AND (r.expires_at IS NULL OR r.expires_at > datetime())\n"
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
                 RETURN m.receiver_id LIMIT $cap } AS muted
"""
)


def _page(query: LiteralString, user_id: UUID, limit: int, after: Any) -> list[Record]:
    key = FollowKey.parse(after)
    return graph.read(query, user_id=str(user_id), limit=limit + 1, **follow_params(key))


def blocks_page(*, user_id: UUID, limit: int, after: dict[str, Any] | None = None) -> Page[Block]:
    """Users ``user_id`` blocks, most recent block first."""
    records = _page(BLOCKS_PAGE, user_id, limit, after)
    items = [
        Block(UUID(r["user_id"]), r["username"], graph.native(r["created_at"]))
        for r in records[:limit]
    ]
    return Page(items, next_key(records, limit))


def mutes_page(*, user_id: UUID, limit: int, after: dict[str, Any] | None = None) -> Page[Mute]:
    """Users ``user_id`` mutes now (expired mutes left out), most recent mute first."""
    records = _page(MUTES_PAGE, user_id, limit, after)
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


def excluded_ids(*, user_id: UUID) -> dict[str, list[str]]:
    """``{"blocked", "blocked_by", "muted"}``: ids whose posts ``user_id`` must not see (each
    list at most ``EXCLUDED_IDS_MAX``); all empty for a user the graph does not know."""
    records = graph.read(EXCLUDED_IDS, user_id=str(user_id), cap=EXCLUDED_IDS_MAX)
    if not records:
        return {"blocked": [], "blocked_by": [], "muted": []}
    record = records[0]
    return {name: list(record[name]) for name in ("blocked", "blocked_by", "muted")}
