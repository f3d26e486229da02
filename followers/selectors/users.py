"""One user: follower/following counts and the relationship with the caller.

Counts are the node's degree per relationship type and direction, which Neo4j keeps in its
store (no edge is read), so they are exact and O(1) even for very popular users. A user the
graph has never seen has zero of everything rather than being a 404: the followers service
is not the user registry.
"""

from dataclasses import dataclass
from typing import LiteralString
from uuid import UUID

from followers import graph
from followers.types import Privacy, Relationship

COUNTS: LiteralString = """
MATCH (u:User {user_id: $user_id})
USING INDEX SEEK u:User(user_id)
RETURN COUNT { (u)<-[:FOLLOWS]-() } AS followers, COUNT { (u)-[:FOLLOWS]->() } AS following
"""

RELATIONSHIP: LiteralString = """
OPTIONAL MATCH (u:User {user_id: $user_id}) USING INDEX SEEK u:User(user_id)
OPTIONAL MATCH (me:User {user_id: $me}) USING INDEX SEEK me:User(user_id)
RETURN u IS NOT NULL AS known,
       u.username AS username,
       COUNT { (u)<-[:FOLLOWS]-() } AS followers,
       COUNT { (u)-[:FOLLOWS]->() } AS following,
       EXISTS { (me)-[:FOLLOWS]->(u) } AS following_flag,
       EXISTS { (u)-[:FOLLOWS]->(me) } AS followed_by
"""


PRIVACY: LiteralString = """
MATCH (u:User {user_id: $user_id})
USING INDEX SEEK u:User(user_id)
RETURN u.username AS username, coalesce(u.locked, false) AS locked,
       coalesce(u.hide_network, false) AS hide_network
"""


@dataclass(frozen=True, slots=True)
class Counts:
    followers: int
    following: int


def follow_counts(*, user_id: UUID) -> Counts:
    """How many follow ``user_id`` and how many it follows (0 and 0 when unknown)."""
    records = graph.read(COUNTS, user_id=str(user_id))
    if not records:
        return Counts(0, 0)
    return Counts(int(records[0]["followers"]), int(records[0]["following"]))


def relationship(*, caller_id: UUID, user_id: UUID) -> Relationship:
    """``user_id`` as the caller sees it: username, counts, and the follows between them."""
    record = graph.read(RELATIONSHIP, user_id=str(user_id), me=str(caller_id))[0]
    known = bool(record["known"])
    return Relationship(
        user_id=user_id,
        username=record["username"],
        followers_count=int(record["followers"]) if known else 0,
        following_count=int(record["following"]) if known else 0,
        following=known and bool(record["following_flag"]),
        followed_by=known and bool(record["followed_by"]),
    )


def privacy_of(*, user_id: UUID) -> Privacy:
    """``user_id``'s privacy settings (all false for a user the graph does not know)."""
    records = graph.read(PRIVACY, user_id=str(user_id))
    if not records:
        return Privacy(user_id, None, locked=False, hide_network=False)
    r = records[0]
    return Privacy(user_id, r["username"], bool(r["locked"]), bool(r["hide_network"]))
