"""Issue 13 items 3 and 10 on the followers service: numbers in ASCII digits only, integers a
database can hold, unknown body fields refused (hornet.numbers, hornet.serializers)."""

import uuid

import pytest

from followers import graph
from hornet.pagination import encode_cursor
from tests.followers.helpers import edge_count, follow
from tests.helpers import NOT_ASCII_DIGITS, assert_refused, headers_for

LISTS = [
    "/followers/user/{me}/followers",
    "/followers/user/{me}/following",
    "/followers/user/{me}/following/ids",
    "/followers/user/{me}/mutual",
    "/followers/suggestions",
]


@pytest.mark.parametrize("limit", NOT_ASCII_DIGITS)
@pytest.mark.parametrize("path", LISTS)
def test_unicode_digits_in_limit_are_400(api, alice, path, limit):
    response = api.get(path.format(me=alice), {"limit": limit}, **headers_for(alice))
    assert_refused(response, "limit")


@pytest.mark.parametrize(
    ("m", "f"), [(2**63, 0), (0, 2**63), (2**64 + 5, 1), (10**30, 10**30), (-1, 0), (True, 0)]
)
def test_suggestion_cursors_with_integers_neo4j_cannot_hold_are_400(api, alice, bob, m, f):
    assert follow(api, alice, bob).status_code == 201
    cursor = encode_cursor({"m": m, "f": f, "u": str(uuid.uuid4())})
    response = api.get("/followers/suggestions", {"cursor": cursor}, **headers_for(alice))
    assert_refused(response, "cursor")


@pytest.mark.parametrize(
    "raw",
    [
        "\u0661\u0661ce0000-0000-4000-8000-000000000001",  # Arabic-Indic digits: int() reads them
        "+11ce000-0000-4000-8000-000000000001",
        "a11ce000-0000-4000-8000-00000000000_",
        "a11ce000_0000_4000_8000_000000000001",
        "a11ce0000000400080000000000000 1",
    ],
)
def test_uuids_only_in_ascii_spellings(api, alice, raw):
    for path in (f"/followers/user/{raw}", f"/followers/user/{raw}/followers/count"):
        response = api.get(path, **headers_for(alice))
        assert_refused(response, "user_id")
    response = api.post("/followers", {"receiver_id": raw}, format="json", **headers_for(alice))
    assert_refused(response, "receiver_id")


@pytest.mark.parametrize(
    "extra",
    [
        {"receiver": "x"},
        {"sender_id": "a11ce000-0000-4000-8000-000000000001"},
        {"id": "x", "created_at": "2020-01-01"},
        {"$where": "1"},
    ],
)
def test_unknown_follow_fields_are_400_naming_them(api, alice, bob, extra):
    body = {"receiver_id": str(bob), **extra}
    response = api.post("/followers", body, format="json", **headers_for(alice))
    for name in extra:
        assert_refused(response, name)
    assert edge_count() == 0
    assert graph.read("MATCH (n:User) RETURN count(n) AS n")[0]["n"] <= 1  # only the caller
