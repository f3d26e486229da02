"""PROFILE the queries of blocks and mutes: each starts from an index seek, never a scan
(the rules and the tiny graph of tests/followers/test_profile.py)."""

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from followers import graph
from followers.selectors import blocks as block_lists
from followers.selectors import requests as request_lists
from followers.selectors import users as user_reads
from followers.selectors import visibility
from followers.services import blocks, follows, mutes, privacy, requests
from tests.followers.helpers import edges
from tests.followers.helpers import users as user_ids
from tests.followers.test_profile import FOLLOWS_SEEK, USER_SEEK, assert_seeks_and_never_scans

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
    graph.write(
        "MATCH (b:User {user_id: $b}) UNWIND $others AS other MATCH (a:User {user_id: other}) "
        "CREATE (a)-[:REQUESTED {id: randomUUID(), created_at: datetime(), "
        "sender_id: a.user_id, receiver_id: b.user_id}]->(b)",
        b=them,
        others=[str(p) for p in people[6:]],
    )
    return {"me": me, "them": them}


def _cases(p: dict[str, str]) -> dict[str, tuple[Any, dict[str, Any], str]]:
    me, them, new = p["me"], p["them"], str(uuid.uuid4())
    page = {"user_id": me, "limit": 21, "after_t": datetime(2030, 1, 1, tzinfo=UTC)}
    page["after_id"] = "z"
    return {
        "lock_pair": (blocks.LOCK_PAIR, {"ids": sorted([me, them])}, USER_SEEK),
        "lock_known_pair": (blocks.LOCK_KNOWN_PAIR, {"ids": sorted([me, them])}, USER_SEEK),
        "locked_pair_state": (
            blocks.LOCKED_PAIR_STATE,
            {"ids": sorted([me, them]), "a": me, "b": them},
            USER_SEEK,
        ),
        "request": (
            follows.REQUEST,
            {"sender_id": me, "receiver_id": them, "new_id": new, "username": None},
            USER_SEEK,
        ),
        "take_request": (
            follows.TAKE_REQUEST,
            {"sender_id": them, "receiver_id": me},
            USER_SEEK,
        ),
        "following": (requests.FOLLOWING, {"sender_id": them, "receiver_id": me}, USER_SEEK),
        "requests_page": (request_lists.REQUESTS_PAGE, {**page, "user_id": them}, EDGE_SEEK),
        "privacy_set": (
            privacy.PRIVACY_SET,
            {"user_id": me, "username": None, "locked": True, "hide_network": None},
            USER_SEEK,
        ),
        "privacy": (user_reads.PRIVACY, {"user_id": me}, USER_SEEK),
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
    "lock_known_pair",
    "locked_pair_state",
    "request",
    "take_request",
    "following",
    "requests_page",
    "privacy_set",
    "privacy",
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
    assert_seeks_and_never_scans(*_cases(pair)[name])


def test_every_safety_query_is_covered(pair):
    assert sorted(_cases(pair)) == sorted(CASES)
