"""The graph's constraints and indexes, installed by ``manage.py ensure_schema`` (never at import).

neomodel installs what followers.nodes declares (it names them ``constraint_unique_<Label>_<prop>``
and ``index_<Label>_<prop>``). The explicit statements below repeat the ones the service cannot
run without, under the same names and with ``IF NOT EXISTS``, so they are no-ops after
neomodel and still hold if a neomodel upgrade changes what it installs. Neo4j 5.7+ Community
supports the relationship uniqueness constraint (verified on 5.26 by the tests).

No index on ``FOLLOWS.created_at``: every list starts at one user and sorts that user's
edges, and a relationship index cannot serve a per-node expansion, so it would only cost writes.
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
    # Idempotency-Key records (followers.idempotency): one per caller and key; purged by expiry.
    "CREATE CONSTRAINT constraint_unique_IdempotencyKey_id IF NOT EXISTS "
    "FOR (k:IdempotencyKey) REQUIRE k.id IS UNIQUE",
    "CREATE INDEX index_IdempotencyKey_expires_at IF NOT EXISTS "
    "FOR (k:IdempotencyKey) ON (k.expires_at)",
]

AWAIT_INDEXES_SECONDS = 60

SHOW_CONSTRAINTS: LiteralString = """
SHOW CONSTRAINTS YIELD name, type, entityType, labelsOrTypes, properties
RETURN name, type + ' ' + entityType + ' ' + labelsOrTypes[0] + '.' + properties[0] AS what
ORDER BY name
"""

SHOW_INDEXES: LiteralString = """
SHOW INDEXES YIELD name, type, entityType, labelsOrTypes, properties, owningConstraint
WHERE type <> 'LOOKUP' AND owningConstraint IS NULL
RETURN name, type + ' INDEX ' + entityType + ' ' + labelsOrTypes[0] + '.' + properties[0] AS what
ORDER BY name
"""


def schema_install(stdout: Any) -> list[str]:
    """Install constraints and indexes idempotently; wait until the indexes are online."""
    import followers.nodes  # noqa: F401  (neomodel finds the classes it must install by import)

    # neomodel reports "already exists" for each rule on re-runs; keep that out of the output.
    db.install_all_labels(stdout=io.StringIO())
    # Straight through the driver: schema work may outlast the per-query timeout of requests.
    drv = driver()
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
