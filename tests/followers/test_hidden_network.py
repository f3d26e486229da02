"""Hide my network: others get 403 for the lists, the counts stay public, and the hidden edges
never leak through suggestions or mutual lists (docs/safety.md)."""

import uuid
from typing import Any

import pytest

from tests.followers.helpers import edges, users
from tests.helpers import get, headers_for


def hide(api: Any, user: uuid.UUID) -> None:
    response = api.patch(
        "/followers/me", {"hide_network": True}, format="json", **headers_for(user)
    )
    assert response.json()["hide_network"] is True


@pytest.mark.parametrize("path", ["followers", "following", "mutual"])
def test_others_get_403_network_hidden_and_the_user_sees_their_own(api, alice, bob, path):
    edges((alice, bob), (bob, alice))
    hide(api, bob)
    response = get(api, alice, f"/followers/user/{bob}/{path}")
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "network_hidden"
    assert get(api, bob, f"/followers/user/{bob}/{path}").status_code == 200


def test_counts_and_internal_ids_stay_available(api, alice, bob):
    edges((alice, bob), (bob, alice))
    hide(api, bob)
    assert get(api, alice, f"/followers/user/{bob}/followers/count").json() == {"count": 1}
    assert get(api, alice, f"/followers/user/{bob}/following/count").json() == {"count": 1}
    assert get(api, alice, f"/followers/user/{bob}").json()["followers_count"] == 1
    # the posts service reads them as the user themself (feed) or as its worker (fan-out)
    assert get(api, bob, f"/followers/user/{bob}/following/ids").json() == [str(alice)]
    assert get(api, alice, f"/followers/user/{bob}/followers/ids").json() == [str(alice)]


def test_a_hidden_followee_is_never_named_in_suggestions(api, alice):
    hidden, shown, candidate, other = users(4)
    edges((alice, hidden), (alice, shown), (hidden, candidate), (shown, candidate), (hidden, other))
    items = {i["user_id"]: i for i in get(api, alice, "/followers/suggestions").json()}
    assert set(items) == {str(candidate), str(other)}
    hide(api, hidden)
    items = {i["user_id"]: i for i in get(api, alice, "/followers/suggestions").json()}
    assert set(items) == {str(candidate)}  # other was found only through hidden
    assert items[str(candidate)]["mutual_count"] == 1
    assert [m["user_id"] for m in items[str(candidate)]["mutuals"]] == [str(shown)]


def test_a_hidden_candidate_is_not_suggested_through_who_follows_them(api, alice):
    friend, hidden = users(2)
    edges((alice, friend), (friend, hidden))
    hide(api, hidden)
    for item in get(api, alice, "/followers/suggestions").json():
        assert item["mutuals"] == []  # at most a cold-start item naming nobody


def test_a_hidden_user_is_left_out_of_anyones_mutual_list(api, alice, bob):
    hidden, shown = users(2)
    edges((alice, hidden), (alice, shown), (hidden, bob), (shown, bob))
    hide(api, hidden)
    response = get(api, alice, f"/followers/user/{bob}/mutual")
    assert [u["user_id"] for u in response.json()] == [str(shown)]
    assert response["X-Total-Count"] == "1"
