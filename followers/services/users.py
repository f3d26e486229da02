"""Users as the graph knows them: upserted from the identity headers, never created by hand.

The followers service has no user registry (Keycloak is the source of truth): a User node
appears the first time the service sees an id, as a caller or as someone being followed,
and its username is refreshed whenever a caller presents a different one.
"""

from functools import lru_cache
from typing import Any, LiteralString
from uuid import UUID

from followers import graph

SEEN_CACHE_SIZE = 50_000  # callers remembered as upserted, per process

# Used inside the write queries that MERGE the caller anyway. The FOREACH writes (and so
# write-locks the node) only when the name changed: a follow must not serialise every other
# transaction touching the same caller just to rewrite an unchanged name.
SET_USERNAME: LiteralString = """
FOREACH (_ IN CASE WHEN $username IS NOT NULL AND coalesce(me.username, '') <> $username
                   THEN [1] ELSE [] END | SET me.username = $username)
"""

USER_UPSERT: LiteralString = graph.merge_user("me", "$user_id") + SET_USERNAME

# Bulk path (seeding): rows of {user_id, username}; one transaction per batch.
USERS_UPSERT_MANY: LiteralString = (
    "UNWIND $rows AS row"
    + graph.merge_user("u", "row.user_id")
    + """SET u.username = coalesce(row.username, u.username)
RETURN count(u) AS upserted
"""
)


def user_upsert(*, user_id: UUID, username: str | None) -> None:
    """Create the user if new; set the username when one is given and it changed."""
    graph.write(USER_UPSERT, user_id=str(user_id), username=username)


def users_upsert_many(rows: list[dict[str, Any]]) -> int:
    """Upsert ``[{"user_id": str, "username": str | None}, ...]`` in one transaction."""
    records = graph.write(USERS_UPSERT_MANY, rows=rows)
    return int(records[0]["upserted"]) if records else 0


@lru_cache(maxsize=SEEN_CACHE_SIZE)
def _seen(user_id: str, username: str | None) -> None:
    # lru_cache does not cache a call that raised, so a failed upsert is retried next time.
    graph.write(USER_UPSERT, user_id=user_id, username=username)


def user_seen(*, user_id: UUID, username: str | None) -> None:
    """Upsert a caller once per process per (id, username): reads stay reads after that."""
    _seen(str(user_id), username)


def forget_seen() -> None:
    """Forget which callers were upserted (tests wipe the graph between cases)."""
    _seen.cache_clear()
