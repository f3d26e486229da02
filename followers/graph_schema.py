"""The graph's constraints and indexes, installed by ``manage.py ensure_schema`` (never at import).

neomodel installs what followers.nodes declares (it names them ``constraint_unique_<Label>_<prop>``
and ``index_<Label>_<prop>``). The explicit statements below repeat the ones the service cannot
run without, under the same names and with ``IF NOT EXISTS``, so they are no-ops after
neomodel and still hold if a neomodel upgrade changes what it installs. Neo4j 5.7+ Community
supports the relationship uniqueness constraint (verified on 5.26 by the tests).

The follow lists read one page of a user's follows in ``(created_at, id)`` order without
touching the rest of the user's edges: each FOLLOWS edge carries copies of its endpoints' ids
(``sender_id``, ``receiver_id``; user ids never change) and two composite range indexes,
``(receiver_id, created_at, id)`` and ``(sender_id, created_at, id)``, hold every user's
follows in list order (followers.selectors.lists). Edges written before those properties
existed are given them here, in batches (``backfill_follow_keys``), before the indexes are used.
"""

import io
from typing import Any, LiteralString

from django.conf import settings
from neomodel import db

from followers.db import driver

STATEMENTS: list[LiteralString] = [
    "CREATE CONSTRAINT constraint_unique_User_user_id IF NOT EXISTS "
    "FOR (u:User) REQUIRE u.user_id IS UNIQUE",
    "CREATE CONSTRAINT constraint_unique_FOLLOWS_id IF NOT EXISTS "
    "FOR ()-[r:FOLLOWS]-() REQUIRE r.id IS UNIQUE",
    "CREATE INDEX index_User_followers_count IF NOT EXISTS FOR (u:User) ON (u.followers_count)",
    # A user's followers / followings in list order (followers.selectors.lists).
    "CREATE RANGE INDEX index_FOLLOWS_receiver_page IF NOT EXISTS "
    "FOR ()-[r:FOLLOWS]-() ON (r.receiver_id, r.created_at, r.id)",
    "CREATE RANGE INDEX index_FOLLOWS_sender_page IF NOT EXISTS "
    "FOR ()-[r:FOLLOWS]-() ON (r.sender_id, r.created_at, r.id)",
    # A user's blocks and mutes in list order (followers.selectors.blocks).
    "CREATE RANGE INDEX index_BLOCKS_sender_page IF NOT EXISTS "
    "FOR ()-[r:BLOCKS]-() ON (r.sender_id, r.created_at, r.id)",
    "CREATE RANGE INDEX index_MUTES_sender_page IF NOT EXISTS "
    "FOR ()-[r:MUTES]-() ON (r.sender_id, r.created_at, r.id)",
    # Idempotency-Key records (followers.idempotency): one per caller and key; purged by expiry.
    "CREATE CONSTRAINT constraint_unique_IdempotencyKey_id IF NOT EXISTS "
    "FOR (k:IdempotencyKey) REQUIRE k.id IS UNIQUE",
    "CREATE INDEX index_IdempotencyKey_expires_at IF NOT EXISTS "
    "FOR (k:IdempotencyKey) ON (k.expires_at)",
]

AWAIT_INDEXES_SECONDS = 60

# Edges without their endpoints' ids (written before the list indexes, or by hand) are
# invisible to the lists: copy the ids onto them. One relationship scan, a write only where
# missing, committed every BACKFILL_BATCH edges, so a re-run finds nothing to do.
BACKFILL_BATCH = 10_000
BACKFILL: LiteralString = """
MATCH (a:User)-[r:FOLLOWS]->(b:User)
WHERE r.sender_id IS NULL OR r.receiver_id IS NULL
CALL (a, r, b) {
  SET r.sender_id = a.user_id, r.receiver_id = b.user_id
} IN TRANSACTIONS OF $batch ROWS
"""

SHOW_CONSTRAINTS: LiteralString = """
SHOW CONSTRAINTS YIELD name, type, entityType, labelsOrTypes, properties
RETURN name, type + ' ' + entityType + ' ' + labelsOrTypes[0] + '.' + properties[0] AS what
ORDER BY name
"""

SHOW_INDEXES: LiteralString = """
SHOW INDEXES YIELD name, type, entityType, labelsOrTypes, properties, owningConstraint
WHERE type <> 'LOOKUP' AND owningConstraint IS NULL
RETURN name, type + ' INDEX ' + entityType + ' ' + labelsOrTypes[0] + '.'
             + reduce(s = properties[0], p IN properties[1..] | s + ',' + p) AS what
ORDER BY name
"""


def schema_install(stdout: Any) -> list[str]:
    """Install constraints and indexes idempotently; wait until the indexes are online."""
    import followers.nodes  # noqa: F401  (neomodel finds the classes it must install by import)

    # neomodel reports "already exists" for each rule on re-runs; keep that out of the output.
    db.install_all_labels(stdout=io.StringIO())
    # Straight through the driver: schema work may outlast the per-query timeout of requests.
    drv = driver()
    backfill_follow_keys()
    for statement in STATEMENTS:
        drv.execute_query(statement, database_=settings.NEO4J_DB)
    drv.execute_query(
        "CALL db.awaitIndexes($seconds)",
        {"seconds": AWAIT_INDEXES_SECONDS},
        database_=settings.NEO4J_DB,
    )
    lines = []
    for show in (SHOW_CONSTRAINTS, SHOW_INDEXES):
        records, _, _ = drv.execute_query(show, database_=settings.NEO4J_DB)
        lines += [f"{r['name']}: {r['what']}" for r in records]
    for line in lines:
        stdout.write(line + "\n")
    return lines


def backfill_follow_keys() -> int:
    """Give every FOLLOWS edge its ``sender_id`` and ``receiver_id`` (idempotent, batched);
    return how many edges were updated."""
    # CALL ... IN TRANSACTIONS needs an implicit (auto-commit) transaction: session.run.
    with driver().session(database=settings.NEO4J_DB) as session:
        summary = session.run(BACKFILL, batch=BACKFILL_BATCH).consume()
    return int(summary.counters.properties_set) // 2
