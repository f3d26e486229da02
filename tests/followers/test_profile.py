"""PROFILE every query of the service: each starts from an index seek, never a scan.

The graph is deliberately tiny: that is where a cost-based planner is most tempted to read a
whole index or a label instead of seeking, so it is where the hints are proved."""

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from followers import graph
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
    row = {**pair, "id": new, "created_at": None}
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
        "unfollow": (follows.UNFOLLOW, {**pair, "follow_id": None}, USER_SEEK),
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
        "followers_page": (lists.FOLLOWERS_PAGE, {"user_id": them, **page}, USER_SEEK),
        "following_page": (lists.FOLLOWING_PAGE, {"user_id": me, **page}, USER_SEEK),
        "following_ids": (lists.FOLLOWING_IDS_PAGE, {"user_id": me, **page}, USER_SEEK),
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
    "following_ids",
    "mutual",
    "counts",
    "relationship",
    "suggestions",
    "excluded",
    "most_followed",
]


@pytest.mark.parametrize("name", CASES)
def test_query_starts_from_an_index_and_never_scans(world, name):
    query, params, seek = _cases(world)[name]
    summary = graph.profile(query, **params)
    operators = _operators(summary.profile)
    assert any(seek in op for op in operators), operators
    assert not SCANS & set(operators), operators


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
