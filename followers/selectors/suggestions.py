"""Friend suggestions: users followed by the people the caller follows.

Ranking: more mutual connections first; ties go to the user with more followers, then to the
smaller user id (a total order, so the cursor is exact). The caller, anyone they follow or
dismissed, and anyone they block or are blocked by never appear. Each item names up to 3 of the
mutual connections (smallest user ids first, so the answer is stable).

Fan-out cap: the walk reads at most ``FOLLOWERS_SUGGEST_MAX_FOLLOWEES`` of the caller's
followees and at most ``FOLLOWERS_SUGGEST_PER_FOLLOWEE`` followees of each (settings; 200 and
50 by default), in storage order, so a request never reads more than their product in edges
however connected the neighbourhood is. Under the caps the counts are exact; past them they
count the sample.

Exclusion: the caller's followees, dismissed users, and the users the caller blocks or is
blocked by are collected once and each candidate is checked against that list, rather than one
pattern check per candidate (two ``Expand(Into)``), so the exclusion costs one read of a few
short lists, not probes per candidate (bench/README.md has the PROFILE numbers).

Safety and privacy (docs/safety.md): a block either way keeps each user out of the other's
suggestions (the exclusion list above, and the cold start's). A follow edge of someone who hides
their network never shows: the walk skips followees who hide theirs (their followees would be
named as "followed by" them) and candidates who hide theirs (naming who follows them), each a
filter on one property of a node the walk reads anyway, so the plan keeps its shape. Those
candidates can still come up in the cold start, which names nobody. The mutuals an item names
are people the caller follows, and a block removes follows both ways, so they are never users
the caller blocks or is blocked by.

Cold start: when that walk finds nobody (the caller follows no one, or only people who follow
no one new), the most-followed users instead, read in order from the range index on
``User.followers_count`` (no label scan), with ``mutual_count`` 0.
"""

from typing import Any, LiteralString
from uuid import UUID

from django.conf import settings
from neo4j import Record

from followers import graph
from followers.cursors import SuggestionKey
from followers.types import Suggestion, UserRef
from hornet.pagination import Page

FRIENDS_OF_FRIENDS: LiteralString = """
MATCH (me:User {user_id: $me})
USING INDEX SEEK me:User(user_id)
OPTIONAL MATCH (me)-[:FOLLOWS|DISMISSED|BLOCKS]->(x:User)
WITH me, collect(x) AS excluded
OPTIONAL MATCH (me)<-[:BLOCKS]-(y:User)
WITH me, excluded, collect(y) AS blockers
WITH me, excluded + blockers AS excluded
CALL (me) {
  MATCH (me)-[:FOLLOWS]->(friend:User)
  WHERE NOT coalesce(friend.hide_network, false)
  WITH friend LIMIT $max_followees
  CALL (friend) {
    MATCH (friend)-[:FOLLOWS]->(cand:User)
    RETURN cand LIMIT $per_followee
  }
  RETURN friend, cand
}
WITH me, excluded, cand, collect(friend) AS via
WHERE cand <> me AND NOT cand IN excluded AND NOT coalesce(cand.hide_network, false)
WITH cand, via, size(via) AS mutual_count, COUNT { (cand)<-[:FOLLOWS]-() } AS followers
WHERE $after_m IS NULL OR mutual_count < $after_m
   OR (mutual_count = $after_m
       AND (followers < $after_f OR (followers = $after_f AND cand.user_id > $after_u)))
WITH cand, via, mutual_count, followers
ORDER BY mutual_count DESC, followers DESC, cand.user_id ASC
LIMIT $limit
CALL (via) {
  UNWIND via AS v
  WITH v ORDER BY v.user_id LIMIT 3
  RETURN collect({user_id: v.user_id, username: v.username}) AS mutuals
}
RETURN cand.user_id AS user_id, cand.username AS username, mutual_count, followers, mutuals
ORDER BY mutual_count DESC, followers DESC, user_id ASC
"""

# Cold start, in two reads. The exclusions come first and go in as a parameter: computed in
# the same query (an Apply over the index seek) they make the planner drop the index order and
# sort every user with a follower; this way it reads the index in order and stops after the
# page (plus the users tied with the last one: PartialTop).
EXCLUDED: LiteralString = """
MATCH (me:User {user_id: $me})
USING INDEX SEEK me:User(user_id)
RETURN COLLECT { MATCH (me)-[:FOLLOWS|DISMISSED|BLOCKS]->(x:User) RETURN x.user_id }
       + COLLECT { MATCH (me)<-[:BLOCKS]-(x:User) RETURN x.user_id } AS excluded
"""

# $max_followers bounds the index range: the cursor's count, or no bound on the first page.
MOST_FOLLOWED: LiteralString = """
MATCH (u:User)
USING INDEX SEEK u:User(followers_count)
WHERE u.followers_count >= 1 AND u.followers_count <= $max_followers
  AND (u.followers_count < $max_followers OR $after_u IS NULL OR u.user_id > $after_u)
  AND u.user_id <> $me AND NOT u.user_id IN $excluded
WITH u ORDER BY u.followers_count DESC, u.user_id ASC LIMIT $limit
RETURN u.user_id AS user_id, u.username AS username, 0 AS mutual_count,
       u.followers_count AS followers, [] AS mutuals
"""

_NO_BOUND = 2**62


def _suggestion(record: Record) -> Suggestion:
    return Suggestion(
        user_id=UUID(record["user_id"]),
        username=record["username"],
        mutual_count=int(record["mutual_count"]),
        followers_count=int(record["followers"]),
        mutuals=[UserRef(UUID(m["user_id"]), m["username"]) for m in record["mutuals"]],
    )


def _page(records: list[Record], limit: int) -> Page[Suggestion]:
    items = [_suggestion(r) for r in records[:limit]]
    if len(records) <= limit:
        return Page(items, None)
    last = items[-1]
    key = SuggestionKey(last.mutual_count, last.followers_count, str(last.user_id))
    return Page(items, key.payload())


def _friends_of_friends(me: str, limit: int, key: SuggestionKey | None) -> list[Record]:
    return graph.read(
        FRIENDS_OF_FRIENDS,
        me=me,
        limit=limit + 1,
        max_followees=settings.FOLLOWERS_SUGGEST_MAX_FOLLOWEES,
        per_followee=settings.FOLLOWERS_SUGGEST_PER_FOLLOWEE,
        after_m=key.mutual_count if key else None,
        after_f=key.followers if key else None,
        after_u=key.user_id if key else None,
    )


def _most_followed(me: str, limit: int, key: SuggestionKey | None) -> list[Record]:
    records = graph.read(EXCLUDED, me=me)
    excluded = records[0]["excluded"] if records else []
    return graph.read(
        MOST_FOLLOWED,
        me=me,
        excluded=excluded,
        limit=limit + 1,
        max_followers=key.followers if key else _NO_BOUND,
        after_u=key.user_id if key else None,
    )


def suggestions_for(
    *, user_id: UUID, limit: int, after: dict[str, Any] | None = None
) -> Page[Suggestion]:
    """A page of suggestions for ``user_id`` (see the module docstring for the ranking)."""
    key = SuggestionKey.parse(after)
    me = str(user_id)
    # Cold-start items carry mutual_count 0, so the cursor itself says which list it is in.
    if key is None or key.mutual_count > 0:
        records = _friends_of_friends(me, limit, key)
        if records or key is not None:
            return _page(records, limit)
    return _page(_most_followed(me, limit, key), limit)
