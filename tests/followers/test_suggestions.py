"""Friend suggestions on hand-built graphs with known answers."""

import uuid

import pytest

from tests.followers.helpers import edges, users
from tests.helpers import get, headers_for, next_link


def _suggest(api, me, query=""):  # type: ignore[no-untyped-def]
    response = get(api, me, f"/followers/suggestions{query}")
    assert response.status_code == 200, response.content
    return response.json()


def _ids(items):  # type: ignore[no-untyped-def]
    return [item["user_id"] for item in items]


def _walk(api, me, limit):  # type: ignore[no-untyped-def]
    url, seen = f"/followers/suggestions?limit={limit}", []
    while url:
        response = get(api, me, url)
        seen.extend(response.json())
        url = next_link(response)
    return seen


@pytest.fixture
def network(alice):  # type: ignore[no-untyped-def]
    """alice follows f1..f4 and e. Candidates (friend -> candidate):

    a: f1 f2 f3 f4 (4 mutuals)   b: f1 f2 (2)   d: f3 (1, 3 followers)
    c: f1 (1, 1 follower)        g: f3 (1, 1 follower; ties with c on user id)
    e: followed by f1 but alice already follows e; f2 follows alice herself.
    """
    f1, f2, f3, f4 = users(4)
    a, b, d, e, x, y = (uuid.uuid4() for _ in range(6))
    c, g = users(2)  # c < g
    edges(
        (alice, f1), (alice, f2), (alice, f3), (alice, f4), (alice, e),
        (f1, a), (f2, a), (f3, a), (f4, a),
        (f1, b), (f2, b),
        (f3, d), (x, d), (y, d),
        (f1, c), (f3, g),
        (f1, e), (f2, alice),
    )  # fmt: skip
    return {"f": [f1, f2, f3, f4], "a": a, "b": b, "c": c, "d": d, "e": e, "g": g}


def test_ranking_by_mutuals_then_followers_then_user_id(api, alice, network):
    n = network
    items = _suggest(api, alice)
    assert _ids(items) == [str(n["a"]), str(n["b"]), str(n["d"]), str(n["c"]), str(n["g"])]
    assert [i["mutual_count"] for i in items] == [4, 2, 1, 1, 1]


def test_never_yourself_nor_anyone_you_follow(api, alice, network):
    ids = set(_ids(_suggest(api, alice)))
    assert str(alice) not in ids
    assert str(network["e"]) not in ids
    assert not ids & {str(f) for f in network["f"]}


def test_items_name_up_to_three_mutuals_smallest_ids_first(api, alice, network):
    first = _suggest(api, alice)[0]
    assert set(first) == {"user_id", "username", "mutual_count", "mutuals"}
    assert [m["user_id"] for m in first["mutuals"]] == [str(f) for f in network["f"][:3]]
    assert set(first["mutuals"][0]) == {"user_id", "username"}
    b = _suggest(api, alice)[1]
    assert [m["user_id"] for m in b["mutuals"]] == [str(f) for f in network["f"][:2]]


def test_mutual_names_come_from_the_identity_headers(api, alice, network):
    f1 = network["f"][0]
    api.get("/followers/suggestions", **headers_for(f1, "first.friend"))
    first = _suggest(api, alice)[0]
    assert first["mutuals"][0] == {"user_id": str(f1), "username": "first.friend"}


def test_dismissed_users_stay_out(api, alice, network):
    b = network["b"]
    for _ in range(2):  # idempotent
        response = api.delete(f"/followers/suggestions/{b}", **headers_for(alice))
        assert response.status_code == 204
    assert str(b) not in _ids(_suggest(api, alice))
    assert _ids(_suggest(api, alice))[:2] == [str(network["a"]), str(network["d"])]


def test_dismissing_yourself_or_a_malformed_id_is_400(api, alice):
    response = api.delete(f"/followers/suggestions/{alice}/", **headers_for(alice))
    assert response.status_code == 400
    assert "user_id" in response.json()["details"]
    response = api.delete("/followers/suggestions/nope", **headers_for(alice))
    assert response.status_code == 400
    assert "user_id" in response.json()["details"]


def test_pages_follow_the_ranking(api, alice, network):
    everything = _suggest(api, alice, "?limit=100")
    assert _walk(api, alice, 2) == everything
    assert len(_suggest(api, alice, "?limit=2")) == 2


def test_cold_start_is_the_most_followed(api, alice):
    p1 = uuid.uuid4()
    p2, p3 = users(2)  # equal followers: smaller id first
    p4, dismissed = uuid.uuid4(), uuid.uuid4()
    fans = users(6)
    edges(
        (fans[0], p1), (fans[1], p1), (fans[2], p1),
        (fans[0], p2), (fans[1], p2),
        (fans[3], p3), (fans[4], p3),
        (fans[5], p4),
        (fans[0], dismissed), (fans[1], dismissed), (fans[2], dismissed), (fans[3], dismissed),
        (fans[0], alice), (fans[1], alice), (fans[2], alice), (fans[3], alice), (fans[4], alice),
    )  # fmt: skip
    api.delete(f"/followers/suggestions/{dismissed}", **headers_for(alice))
    items = _suggest(api, alice)
    assert _ids(items) == [str(p1), str(p2), str(p3), str(p4)]  # not alice, not dismissed
    assert {i["mutual_count"] for i in items} == {0}
    assert {len(i["mutuals"]) for i in items} == {0}
    assert _walk(api, alice, 1) == items


def test_cold_start_for_a_user_the_graph_has_never_seen(api):
    p1 = uuid.uuid4()
    edges((uuid.uuid4(), p1))
    assert _ids(_suggest(api, uuid.uuid4())) == [str(p1)]


def test_empty_graph_has_no_suggestions(api, alice):
    assert _suggest(api, alice) == []


def test_followees_who_follow_nobody_new_fall_back_to_the_most_followed(api, alice):
    quiet, popular = uuid.uuid4(), uuid.uuid4()
    edges((alice, quiet), (quiet, alice), (uuid.uuid4(), popular), (uuid.uuid4(), popular))
    # quiet has one follower (alice) but alice follows quiet: excluded
    assert _ids(_suggest(api, alice)) == [str(popular)]


def test_fan_out_is_capped_per_followee(api, alice, settings):
    settings.FOLLOWERS_SUGGEST_PER_FOLLOWEE = 5
    prolific = uuid.uuid4()
    edges((alice, prolific), *[(prolific, u) for u in users(12)])
    items = _suggest(api, alice, "?limit=100")
    assert len(items) == 5
    settings.FOLLOWERS_SUGGEST_PER_FOLLOWEE = 50
    assert len(_suggest(api, alice, "?limit=100")) == 12


def test_number_of_followees_read_is_capped(api, alice, settings):
    settings.FOLLOWERS_SUGGEST_MAX_FOLLOWEES = 2
    friends, candidates = users(4), users(4)
    edges(*[(alice, f) for f in friends], *zip(friends, candidates, strict=True))
    assert len(_suggest(api, alice, "?limit=100")) == 2


def test_bad_limit_and_cursor_are_400(api, alice):
    assert get(api, alice, "/followers/suggestions?limit=101").status_code == 400
    response = get(api, alice, "/followers/suggestions?cursor=forged")
    assert response.status_code == 400
    assert "cursor" in response.json()["details"]
