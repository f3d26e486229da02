"""PROFILE every query of the service: each starts from an index seek, never a scan.

The graph is deliberately tiny: that is where a cost-based planner is most tempted to read a
whole index or a label instead of seeking, so it is where the hints are proved."""

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, LiteralString

import pytest

from followers import graph
from followers.management.commands.seed import wipe_graph
from followers.selectors import lists, suggestions, users
from followers.services import follows
from followers.services import suggestions as dismissals
from followers.services import users as user_services
from tests.followers.helpers import edges
from tests.followers.helpers import users as user_ids

SCANS = {
    "AllNodesScan",
    "NodeByLabelScan",
    "DirectedRelationshipTypeScan",
    "UndirectedRelationshipTypeScan",
    "DirectedAllRelationshipsScan",
    "UndirectedAllRelationshipsScan",
    # reading a whole index and filtering is a scan too
    "NodeIndexScan",
    "DirectedRelationshipIndexScan",
    "UndirectedRelationshipIndexScan",
}
USER_SEEK = "NodeUniqueIndexSeek"
FOLLOWS_SEEK = "DirectedRelationshipIndexSeek"  # the follow lists' (user, created_at, id) index


def _operators(plan: dict[str, Any]) -> list[str]:
    """Operator names of a profiled plan tree (``NodeUniqueIndexSeek@neo4j`` -> the name)."""
    names = [plan["operatorType"].split("@")[0]]
    for child in plan.get("children", []):
        names.extend(_operators(child))
    return names


@pytest.fixture
def world() -> dict[str, Any]:
    people = user_ids(30)
    me, them = people[0], people[1]
    pairs = [(a, b) for a in people[:10] for b in people[10:] if a != b]
    edges(*pairs, (me, them), (them, people[2]))
    follow_id = graph.read("MATCH ()-[r:FOLLOWS]->() RETURN r.id AS id LIMIT 1")[0]["id"]
    return {"me": str(me), "them": str(them), "follow_id": follow_id}


def _cases(w: dict[str, Any]) -> dict[str, tuple[Any, dict[str, Any], str]]:
    """name -> (query, parameters, the index seek the plan must contain)."""
    me, them, new = w["me"], w["them"], str(uuid.uuid4())
    page = {"limit": 21, "after_t": datetime(2030, 1, 1, tzinfo=UTC), "after_id": "z"}
    pair = {"sender_id": me, "receiver_id": them}
    row = {**pair, "id": new, "created_ms": None}
    cursor = {"after_m": None, "after_f": None, "after_u": None}
    fan_out = {"max_followees": 200, "per_followee": 50}
    cold = {"max_followers": 2**62, "after_u": None, "excluded": [them]}
    return {
        "follow": (
            follows.FOLLOW,
            {"sender_id": me, "receiver_id": new, "username": "m", "new_id": new},
            USER_SEEK,
        ),
        "follow_many": (follows.FOLLOW_MANY, {"rows": [row]}, USER_SEEK),
        "lock_receiver": (follows.LOCK_RECEIVER, {"receiver_id": them}, USER_SEEK),
        "unfollow": (
            follows.UNFOLLOW,
            {**pair, "ids": sorted([me, them]), "follow_id": None, "withdraw": True},
            USER_SEEK,
        ),
        "follow_ends": (
            follows.FOLLOW_ENDS,
            {"follow_id": w["follow_id"]},
            "RelationshipUniqueIndexSeek",
        ),
        "user_upsert": (user_services.USER_UPSERT, {"user_id": me, "username": "x"}, USER_SEEK),
        "dismiss": (
            dismissals.DISMISS,
            {"user_id": me, "dismissed_id": them, "username": None},
            USER_SEEK,
        ),
        "followers_page": (lists.FOLLOWERS_PAGE, {"user_id": them, **page}, FOLLOWS_SEEK),
        "following_page": (lists.FOLLOWING_PAGE, {"user_id": me, **page}, FOLLOWS_SEEK),
        "followers_page_hiding": (
            lists.FOLLOWERS_PAGE_HIDING,
            {"user_id": them, "hidden": [me], **page},
            FOLLOWS_SEEK,
        ),
        "following_page_hiding": (
            lists.FOLLOWING_PAGE_HIDING,
            {"user_id": me, "hidden": [them], **page},
            FOLLOWS_SEEK,
        ),
        "following_ids": (lists.FOLLOWING_IDS_PAGE, {"user_id": me, **page}, FOLLOWS_SEEK),
        "mutual": (lists.MUTUAL_PAGE, {"me": me, "user_id": them, **page}, USER_SEEK),
        "counts": (users.COUNTS, {"user_id": them}, USER_SEEK),
        "relationship": (users.RELATIONSHIP, {"user_id": them, "me": me}, USER_SEEK),
        "suggestions": (
            suggestions.FRIENDS_OF_FRIENDS,
            {"me": me, "limit": 21, **fan_out, **cursor},
            USER_SEEK,
        ),
        "excluded": (suggestions.EXCLUDED, {"me": me}, USER_SEEK),
        "most_followed": (
            suggestions.MOST_FOLLOWED,
            {"me": me, "limit": 21, **cold},
            "NodeIndexSeekByRange",
        ),
    }


CASES = [
    "follow",
    "follow_many",
    "lock_receiver",
    "unfollow",
    "follow_ends",
    "user_upsert",
    "dismiss",
    "followers_page",
    "following_page",
    "followers_page_hiding",
    "following_page_hiding",
    "following_ids",
    "mutual",
    "counts",
    "relationship",
    "suggestions",
    "excluded",
    "most_followed",
]


def assert_seeks_and_never_scans(query: LiteralString, params: dict[str, Any], seek: str) -> None:
    """PROFILE ``query``: its plan holds the index ``seek`` and no scan."""
    operators = _operators(graph.profile(query, **params).profile)
    assert any(seek in op for op in operators), operators
    assert not SCANS & set(operators), operators


@pytest.mark.parametrize("name", CASES)
def test_query_starts_from_an_index_and_never_scans(world, name):
    assert_seeks_and_never_scans(*_cases(world)[name])


def test_every_query_is_covered(world):
    assert sorted(_cases(world)) == sorted(CASES)


def _rows_and_hits(plan: dict[str, Any]) -> tuple[int, int]:
    """Most rows any operator produced, and the db hits of the whole plan."""
    rows, hits = plan.get("rows", 0), plan.get("dbHits", 0)
    for child in plan.get("children", []):
        child_rows, child_hits = _rows_and_hits(child)
        rows, hits = max(rows, child_rows), hits + child_hits
    return rows, hits


def test_mutual_walks_from_the_caller_not_from_a_celebrity():
    me, celebrity = uuid.uuid4(), uuid.uuid4()
    friends, fans = user_ids(5), user_ids(2000)
    edges(*[(me, f) for f in friends], *[(x, celebrity) for x in friends[:2] + fans])
    params = {
        "me": str(me),
        "user_id": str(celebrity),
        "limit": 21,
        "after_t": None,
        "after_id": None,
    }
    rows, hits = _rows_and_hits(graph.profile(lists.MUTUAL_PAGE, **params).profile)
    assert graph.read(lists.MUTUAL_PAGE, **params)[0]["total"] == 2
    assert rows <= 10, rows  # the celebrity's 2002 followers are never expanded
    assert hits < 200, hits


def test_most_followed_reads_the_index_in_order_and_stops():
    graph.write(
        "UNWIND range(1, 3000) AS n CREATE (:User {user_id: toString(n), followers_count: n})"
    )
    params = {"me": "1", "limit": 21, "max_followers": 2**62, "after_u": None, "excluded": []}
    records = graph.read(suggestions.MOST_FOLLOWED, **params)
    assert [r["user_id"] for r in records[:3]] == ["3000", "2999", "2998"]
    rows, _ = _rows_and_hits(graph.profile(suggestions.MOST_FOLLOWED, **params).profile)
    assert rows <= 22, rows  # not 3000: no sort of every user


def test_suggestions_never_read_past_the_fan_out_cap():
    me, prolific = uuid.uuid4(), uuid.uuid4()
    edges((me, prolific), *[(prolific, u) for u in user_ids(2000)])
    params = {"me": str(me), "limit": 21, "max_followees": 200, "per_followee": 50}
    params.update(after_m=None, after_f=None, after_u=None)
    rows, _ = _rows_and_hits(graph.profile(suggestions.FRIENDS_OF_FRIENDS, **params).profile)
    assert rows <= 51, rows


# The follow lists at two sizes of one account (issue 12): a user followed by 1,000 and then by
# 100,000 users, who follows them all too, and a caller following 5 of them (mutual). Times
# are one second apart: the first 1,000 follows every 100 s, the other 99,000 in between, so
# the pages at 100k are other follows than at 1k, and every page is full at both sizes.
BIG, GROW_BATCH = 100_000, 10_000
T_BIG = datetime(2024, 1, 1, tzinfo=UTC)

GROW: LiteralString = """
MATCH (c:User {user_id: $celebrity}), (p:User {user_id: $prolific})
UNWIND range($lo, $hi - 1) AS k
WITH c, p, k WHERE (k % 100 = 0) = $first_thousand
CREATE (s:User {user_id: randomUUID(), followers_count: 1}),
       (s)-[:FOLLOWS {id: randomUUID(), created_at: $t0 + duration({seconds: k}),
                      sender_id: s.user_id, receiver_id: c.user_id}]->(c),
       (p)-[:FOLLOWS {id: randomUUID(), created_at: $t0 + duration({seconds: k}),
                      sender_id: p.user_id, receiver_id: s.user_id}]->(s)
"""

# The follow made at T_BIG + 50,000 s (the 500th newest of the first 1,000): the cursor of
# the "after" pages, the same at both sizes.
MIDDLE_FOLLOWER: LiteralString = """
MATCH ()-[r:FOLLOWS]->(:User {user_id: $user_id})
WHERE r.created_at = $t
RETURN r.created_at AS created_at, r.id AS id
"""
MIDDLE_FOLLOWING: LiteralString = """
MATCH (:User {user_id: $user_id})-[r:FOLLOWS]->()
WHERE r.created_at = $t
RETURN r.created_at AS created_at, r.id AS id
"""
ACCOUNTS: LiteralString = """
CREATE (c:User {user_id: $celebrity, followers_count: 0}),
       (p:User {user_id: $prolific, followers_count: 0}),
       (me:User {user_id: $me, followers_count: 0})
"""
# The caller follows 5 of the celebrity's followers (the mutual list).
FIVE_FRIENDS: LiteralString = """
MATCH (me:User {user_id: $me}), (c:User {user_id: $celebrity})
MATCH (s:User)-[:FOLLOWS]->(c)
WITH me, s LIMIT 5
CREATE (me)-[:FOLLOWS {id: randomUUID(), created_at: datetime(), sender_id: me.user_id,
                       receiver_id: s.user_id}]->(s)
"""


def _grow(ids: dict[str, str], *, first_thousand: bool) -> None:
    for lo in range(0, BIG, GROW_BATCH):
        graph.write(
            GROW,
            celebrity=ids["celebrity"],
            prolific=ids["prolific"],
            lo=lo,
            hi=lo + GROW_BATCH,
            first_thousand=first_thousand,
            t0=T_BIG,
        )


def _after(query: LiteralString, user_id: str) -> dict[str, Any]:
    (record,) = graph.read(query, user_id=user_id, t=T_BIG + timedelta(seconds=50_000))
    return {"after_t": graph.native(record["created_at"]), "after_id": record["id"]}


def _page_cases(ids: dict[str, str]) -> dict[str, tuple[LiteralString, dict[str, Any]]]:
    """name -> (query, parameters) of one page of each follow list."""
    first = {"after_t": None, "after_id": None}
    followers_after = _after(MIDDLE_FOLLOWER, ids["celebrity"])
    following_after = _after(MIDDLE_FOLLOWING, ids["prolific"])
    celebrity = {"user_id": ids["celebrity"], "limit": 21}
    prolific = {"user_id": ids["prolific"], "limit": 21}
    feed = {"user_id": ids["prolific"], "limit": 501}  # a full page of ids at both sizes
    mutual = {"me": ids["me"], "user_id": ids["celebrity"], "limit": 21}
    return {
        "followers first": (lists.FOLLOWERS_PAGE, {**celebrity, **first}),
        "followers after": (lists.FOLLOWERS_PAGE, {**celebrity, **followers_after}),
        "following first": (lists.FOLLOWING_PAGE, {**prolific, **first}),
        "following after": (lists.FOLLOWING_PAGE, {**prolific, **following_after}),
        "followers hiding": (
            lists.FOLLOWERS_PAGE_HIDING,
            {**celebrity, **first, "hidden": [ids["me"], ids["prolific"]]},
        ),
        "following ids first": (lists.FOLLOWING_IDS_PAGE, {**feed, **first}),
        "following ids after": (lists.FOLLOWING_IDS_PAGE, {**feed, **following_after}),
        "mutual": (lists.MUTUAL_PAGE, {**mutual, **first}),
    }


def _profile_pages(ids: dict[str, str]) -> dict[str, tuple[int, int, int]]:
    """name -> (db hits, most rows of any operator, rows returned) of each page."""
    measured = {}
    for name, (query, params) in _page_cases(ids).items():
        rows, hits = _rows_and_hits(graph.profile(query, **params).profile)
        returned = graph.read(query, **params)
        if query is lists.MUTUAL_PAGE:
            returned = returned[0]["rows"]
        measured[name] = (hits, rows, len(returned))
    return measured


def _newest(ids: dict[str, str]) -> list[int]:
    """Seconds after T_BIG of the newest 3 followers, and the same of the newest 3 followings."""
    followers = lists.followers_page(user_id=uuid.UUID(ids["celebrity"]), limit=3).items
    following = lists.following_page(user_id=uuid.UUID(ids["prolific"]), limit=3).items
    seconds = [int((f.created_at - T_BIG).total_seconds()) for f in followers]
    assert seconds == [int((f.created_at - T_BIG).total_seconds()) for f in following]
    return seconds


@pytest.fixture
def wiped_afterwards() -> Iterator[None]:
    yield
    wipe_graph()  # in batches: one transaction deleting 100k users would strain the test server


def test_follow_list_pages_cost_the_same_at_1k_and_100k_follows(wiped_afterwards, settings):
    """One page of a list reads the same number of db hits whether the account has 1,000 or
    100,000 followers (followings): the index seek starts at the cursor and stops at the page
    size. The old expand-and-sort plans read every edge (4,025 -> 400,025 db hits)."""
    settings.NEO4J_QUERY_TIMEOUT_SECONDS = 300  # the bulk inserts below, on a shared box
    ids = {name: str(uuid.uuid4()) for name in ("celebrity", "prolific", "me")}
    graph.write(ACCOUNTS, **ids)
    _grow(ids, first_thousand=True)
    graph.write(FIVE_FRIENDS, **ids)
    small = _profile_pages(ids)
    assert _newest(ids) == [99_900, 99_800, 99_700]
    _grow(ids, first_thousand=False)
    assert users.follow_counts(user_id=uuid.UUID(ids["celebrity"])).followers == BIG
    assert users.follow_counts(user_id=uuid.UUID(ids["prolific"])).following == BIG
    big = _profile_pages(ids)
    assert _newest(ids) == [99_999, 99_998, 99_997]
    for name, (hits, rows, returned) in big.items():
        small_hits, _, small_returned = small[name]
        assert abs(hits - small_hits) <= 10, (name, small_hits, hits)
        assert rows <= returned + 2, (name, rows)  # no operator reads past the page
        assert returned == small_returned, name  # full pages at both sizes
