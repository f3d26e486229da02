"""The follow graph as neomodel classes: ``(:User)-[:FOLLOWS]->(:User)``, ``-[:DISMISSED]->``,
and the safety edges ``-[:BLOCKS]->`` and ``-[:MUTES]->`` (docs/safety.md).

These declare the schema (``manage.py ensure_schema`` installs their constraints and indexes)
and serve the shell and admin scripts. The request paths run hand-written, parameterised Cypher
through the same driver (followers.graph), because each of them is one round trip that
neomodel's object API would split into several.
"""

from neomodel import (
    BooleanProperty,
    DateTimeNeo4jFormatProperty,
    IntegerProperty,
    RelationshipFrom,
    RelationshipTo,
    StringProperty,
    StructuredNode,
    StructuredRel,
)


class Follows(StructuredRel):
    """One follow. ``id`` is unique across the graph (a relationship uniqueness constraint),
    which also gives ``DELETE /followers/{id}`` an index to seek on."""

    # StructuredRel.id is neomodel's (deprecated) internal id, hence the Python-side name.
    follow_id = StringProperty(db_property="id", unique_index=True, required=True)
    created_at = DateTimeNeo4jFormatProperty(required=True)
    # Copies of the endpoints' user ids: the follow lists seek them through the composite
    # indexes (sender_id|receiver_id, created_at, id) of followers.graph_schema; an edge
    # without them is invisible to the lists.
    sender_id = StringProperty(required=True)
    receiver_id = StringProperty(required=True)


class Dismissal(StructuredRel):
    """The user dismissed this suggestion; it stays out of their suggestions."""

    created_at = DateTimeNeo4jFormatProperty()


class SafetyEdge(StructuredRel):
    """A block or a mute, shaped like a follow so its lists page the same way: an ``id``, a
    ``created_at`` and copies of the endpoints' ids, which the composite index
    ``(sender_id, created_at, id)`` of followers.graph_schema serves newest first."""

    edge_id = StringProperty(db_property="id", required=True)
    created_at = DateTimeNeo4jFormatProperty(required=True)
    sender_id = StringProperty(required=True)  # the blocker or muter
    receiver_id = StringProperty(required=True)  # the blocked or muted user


class Blocks(SafetyEdge):
    """The sender blocks the receiver: no follow either way, hidden from each other."""


class Mutes(SafetyEdge):
    """The sender mutes the receiver until ``expires_at`` (None: for ever). Private."""

    expires_at = DateTimeNeo4jFormatProperty()


class User(StructuredNode):
    """A Keycloak user as the graph knows them: ``user_id`` is the token's ``sub``."""

    user_id = StringProperty(unique_index=True, required=True)
    username = StringProperty()
    # Denormalised in-degree, kept in the same transaction as every FOLLOWS change. Only the
    # cold-start suggestions read it (through its range index: "most followed" without a
    # label scan); counts shown to clients come from the node's degree, which is exact.
    followers_count = IntegerProperty(index=True, default=0)
    # Privacy settings (PATCH /followers/me); absent means false.
    locked = BooleanProperty(default=False)  # follows of this user are requests
    hide_network = BooleanProperty(default=False)  # lists hidden from others

    following = RelationshipTo("User", "FOLLOWS", model=Follows)
    followers = RelationshipFrom("User", "FOLLOWS", model=Follows)
    dismissed = RelationshipTo("User", "DISMISSED", model=Dismissal)
    blocks = RelationshipTo("User", "BLOCKS", model=Blocks)
    mutes = RelationshipTo("User", "MUTES", model=Mutes)
