"""Find and repair drift in the follow graph (``manage.py check_consistency``).

Client-visible counts are node degrees, exact by construction; what can drift is the stored
``User.followers_count`` (read by the cold-start suggestions), kept in the same transaction as
every edge change, but not for edges written by hand or by an older version. Also checked:
FOLLOWS edges without an ``id`` (not deletable through the API), a ``created_at`` or their
endpoints' ids (``sender_id``/``receiver_id``: invisible to the follow lists, which seek them)
and pairs with more than one FOLLOWS edge (v1 stored duplicates). ``repair`` gives missing ids,
times and endpoint ids (as ``ensure_schema``'s backfill does), keeps the oldest edge of a
duplicated pair, and recounts each drifting user under the user's write lock, the lock that
every follow and unfollow of that user takes, so a concurrent change is never overwritten.
"""

import functools
from dataclasses import dataclass, field
from typing import LiteralString

from neo4j import ManagedTransaction

from followers import graph
from followers.services.follows import LOCK_RECEIVER

DRIFT: LiteralString = """
MATCH (u:User)
WITH u, COUNT { (u)<-[:FOLLOWS]-() } AS degree
WHERE u.followers_count IS NULL OR u.followers_count <> degree
RETURN u.user_id AS user_id, u.followers_count AS stored, degree
"""

_INCOMPLETE: LiteralString = """
r.id IS NULL OR r.created_at IS NULL OR r.sender_id IS NULL OR r.receiver_id IS NULL
"""

WITHOUT_ID: LiteralString = (
    "MATCH ()-[r:FOLLOWS]->() WHERE " + _INCOMPLETE + " RETURN count(r) AS n"
)

DUPLICATES: LiteralString = """
MATCH (a:User)-[r:FOLLOWS]->(b:User)
WITH a, b, count(r) AS n WHERE n > 1
RETURN a.user_id AS sender_id, b.user_id AS receiver_id, n
"""

GIVE_IDS: LiteralString = (
    "MATCH (a:User)-[r:FOLLOWS]->(b:User) WHERE "
    + _INCOMPLETE
    + """
SET r.id = coalesce(r.id, randomUUID()),
    r.created_at = coalesce(r.created_at, datetime.truncate('millisecond', datetime())),
    r.sender_id = a.user_id, r.receiver_id = b.user_id
RETURN count(r) AS n
"""
)

DROP_DUPLICATES: LiteralString = """
MATCH (a:User {user_id: $sender_id})-[r:FOLLOWS]->(b:User {user_id: $receiver_id})
USING INDEX SEEK a:User(user_id) USING INDEX SEEK b:User(user_id)
WITH r ORDER BY r.created_at, r.id
WITH collect(r) AS edges
UNWIND edges[1..] AS extra
DELETE extra
RETURN count(*) AS n
"""

RECOUNT: LiteralString = """
MATCH (u:User {user_id: $receiver_id})
USING INDEX SEEK u:User(user_id)
SET u.followers_count = COUNT { (u)<-[:FOLLOWS]-() }
RETURN u.followers_count AS count
"""


@dataclass
class Report:
    users_drifting: list[tuple[str, int | None, int]] = field(default_factory=list)
    follows_without_id: int = 0
    duplicate_pairs: list[tuple[str, str, int]] = field(default_factory=list)
    ids_given: int = 0
    duplicates_deleted: int = 0
    recounted: int = 0

    @property
    def clean(self) -> bool:
        return not (self.users_drifting or self.follows_without_id or self.duplicate_pairs)


def _recount(tx: ManagedTransaction, user_id: str) -> None:
    tx.run(LOCK_RECEIVER, receiver_id=user_id).consume()
    tx.run(RECOUNT, receiver_id=user_id).consume()


def check_consistency(*, repair: bool = False) -> Report:
    """Report drift; with ``repair`` also fix it (see the module docstring)."""
    report = Report(
        follows_without_id=int(graph.read(WITHOUT_ID)[0]["n"]),
        duplicate_pairs=[
            (r["sender_id"], r["receiver_id"], int(r["n"])) for r in graph.read(DUPLICATES)
        ],
    )
    if repair:
        if report.follows_without_id:
            report.ids_given = int(graph.write(GIVE_IDS)[0]["n"])
        for sender_id, receiver_id, _ in report.duplicate_pairs:
            records = graph.write(DROP_DUPLICATES, sender_id=sender_id, receiver_id=receiver_id)
            report.duplicates_deleted += int(records[0]["n"]) if records else 0
    report.users_drifting = [
        (r["user_id"], r["stored"], int(r["degree"])) for r in graph.read(DRIFT)
    ]
    if repair:
        for user_id, _, _ in report.users_drifting:
            graph.write_tx(functools.partial(_recount, user_id=user_id))
            report.recounted += 1
    return report
