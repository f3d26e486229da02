"""PROFILE the queries of blocks and mutes: each starts from an index seek, never a scan
(the rules and the tiny graph of tests/followers/test_profile.py)."""

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from followers import graph
from followers.selectors import blocks as block_lists
from followers.selectors import visibility
from followers.services import blocks, mutes
from tests.followers.helpers import edges
from tests.followers.helpers import users as user_ids
from tests.followers.test_profile import FOLLOWS_SEEK, SCANS, USER_SEEK, _operators

EDGE_SEEK = FOLLOWS_SEEK  # the (sender_id, created_at, id) index of BLOCKS and MUTES


@pytest.fixture
def pair() -> dict[str, str]:
    people = user_ids(12)
    me, them = str(people[0]), str(people[1])
    edges(*[(a, b) for a in people[:6] for b in people[6:]], (people[1], people[0]))
    for other in people[2:6]:
        graph.write(
            "MATCH (a:User {user_id: $a}), (b:User {user_id: $b}) "
            "CREATE (a)-[:BLOCKS {id: randomUUID(), created_at: datetime(), "
            "sender_id: a.user_id, receiver_id: b.user_id}]->(b), "
            "(a)-[:MUTES {id: randomUUID(), created_at: datetime(), "
            "sender_id: a.user_id, receiver_id: b.user_id}]->(b)",
            a=me,
            b=str(other),
        )
    return {"me": me, "them": them}


def _cases(p: dict[str, str]) -> dict[str, tuple[Any, dict[str, Any], str]]:
    me, them, new = p["me"], p["them"], str(uuid.uuid4())
    page = {"user_id": me, "limit": 21, "after_t": datetime(2030, 1, 1, tzinfo=UTC)}
    page["after_id"] = "z"
    return {
        "lock_pair": (blocks.LOCK_PAIR, {"ids": sorted([me, them])}, USER_SEEK),
        "blocked_either_way": (blocks.BLOCKED_EITHER_WAY, {"a": me, "b": them}, USER_SEEK),
        "block": (
            blocks.BLOCK,
            {"me": me, "them": them, "new_id": new, "username": None},
            USER_SEEK,
        ),
        "unblock": (blocks.UNBLOCK, {"me": me, "them": them}, USER_SEEK),
        "mute": (
            mutes.MUTE,
            {"me": me, "them": them, "new_id": new, "username": None, "seconds": 60},
            USER_SEEK,
        ),
        "unmute": (mutes.UNMUTE, {"me": me, "them": them}, USER_SEEK),
        "blocks_page": (block_lists.BLOCKS_PAGE, page, EDGE_SEEK),
        "mutes_page": (block_lists.MUTES_PAGE, page, EDGE_SEEK),
        "excluded_ids": (block_lists.EXCLUDED_IDS, {"user_id": me, "cap": 5000}, USER_SEEK),
        "network_view": (
            visibility.VIEW,
            {"user_id": them, "caller": me, "cap": 5000},
            USER_SEEK,
        ),
    }


CASES = [
    "lock_pair",
    "blocked_either_way",
    "block",
    "unblock",
    "mute",
    "unmute",
    "blocks_page",
    "mutes_page",
    "excluded_ids",
    "network_view",
]


@pytest.mark.parametrize("name", CASES)
def test_safety_query_starts_from_an_index_and_never_scans(pair, name):
    query, params, seek = _cases(pair)[name]
    operators = _operators(graph.profile(query, **params).profile)
    assert any(seek in op for op in operators), operators
    assert not SCANS & set(operators), operators


def test_every_safety_query_is_covered(pair):
    assert sorted(_cases(pair)) == sorted(CASES)
