"""Blocks in the benchmark data set: 5% of the users each block one account (issue 16).

The seed makes no blocks; this adds them once, through the followers service's own
``POST /followers/blocks/{user_id}`` (so each block removes its follows, counts stay exact and
the posts service is told, as in production), before the cast is drawn. Each chosen user
blocks one of the accounts they follow, the case that changes the most: the follow goes, the
feed must hide that author, suggestions must never offer them again. Chosen with their own
``random.Random``, so every run blocks the same pairs; an existing set is reused
(bench/README.md, "Blocks").
"""

import random
from typing import Any

import httpx
import neo4j

SHARE = 0.05

# Users and one account each of them follows, in a stable order for the random draw.
_PAIRS = """
MATCH (u:User)
WITH u ORDER BY u.user_id
MATCH (u)-[:FOLLOWS]->(f:User)
WITH u, min(f.user_id) AS followee
RETURN u.user_id AS blocker, followee
"""


def ensure(graph: neo4j.Driver, database: str, followers_url: str) -> dict[str, Any]:
    """Make 5% of the users block someone unless the data set already holds that many
    blocks; return how many blocks there are and how many were added now."""
    users = graph.execute_query("MATCH (u:User) RETURN count(u) AS n", database_=database)
    wanted = round(users.records[0]["n"] * SHARE)
    have = _count(graph, database)
    if have >= wanted:
        return {"blocks": have, "added": 0, "share": SHARE}
    pairs = graph.execute_query(_PAIRS, database_=database).records
    chosen = random.Random(16).sample(list(pairs), min(wanted, len(pairs)))
    added = 0
    with httpx.Client(base_url=followers_url, timeout=30) as http:
        for row in chosen:
            response = http.post(
                f"/followers/blocks/{row['followee']}",
                headers={"X-User-ID": row["blocker"]},
            )
            if response.status_code not in (200, 201):
                raise SystemExit(f"blocking failed: {response.status_code} {response.text}")
            added += response.status_code == 201
    return {"blocks": _count(graph, database), "added": added, "share": SHARE}


def _count(graph: neo4j.Driver, database: str) -> int:
    # The relationship-type count comes from the count store: no scan.
    records = graph.execute_query(
        "MATCH ()-[b:BLOCKS]->() RETURN count(b) AS n", database_=database
    ).records
    return int(records[0]["n"])
