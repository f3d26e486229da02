"""Counts, the relationship view and mutual follows."""

import uuid

from tests.followers.helpers import edges, followed, users
from tests.helpers import get, headers_for, next_link


def test_counts(api, alice, bob):
    carol = uuid.uuid4()
    edges((alice, bob), (carol, bob), (bob, carol))
    assert get(api, alice, f"/followers/user/{bob}/followers/count").json() == {"count": 2}
    assert get(api, alice, f"/followers/user/{bob}/following/count").json() == {"count": 1}
    assert get(api, alice, f"/followers/user/{alice}/followers/count/").json() == {"count": 0}
    assert get(api, alice, f"/followers/user/{alice}/following/count/").json() == {"count": 1}


def test_unknown_user_counts_are_zero_not_404(api, alice):
    for which in ("followers", "following"):
        response = get(api, alice, f"/followers/user/{uuid.uuid4()}/{which}/count")
        assert response.status_code == 200
        assert response.json() == {"count": 0}


def test_relationship_view(api, alice, bob):
    carol = uuid.uuid4()
    api.get("/followers/suggestions", **headers_for(bob, "bob"))  # bob is seen with a name
    edges((alice, bob), (carol, bob), (bob, carol))
    body = get(api, alice, f"/followers/user/{bob}").json()
    assert body == {
        "user_id": str(bob),
        "username": "bob",
        "followers_count": 2,
        "following_count": 1,
        "following": True,
        "followed_by": False,
    }
    back = get(api, bob, f"/followers/user/{alice}/").json()
    assert (back["following"], back["followed_by"]) == (False, True)
    mutual = get(api, bob, f"/followers/user/{carol}").json()
    assert (mutual["following"], mutual["followed_by"]) == (True, True)


def test_relationship_with_an_unknown_user(api, alice):
    nobody = uuid.uuid4()
    body = get(api, alice, f"/followers/user/{nobody}").json()
    assert body == {
        "user_id": str(nobody),
        "username": None,
        "followers_count": 0,
        "following_count": 0,
        "following": False,
        "followed_by": False,
    }


def test_relationship_with_yourself(api, alice, bob):
    edges((alice, bob), (bob, alice))
    body = get(api, alice, f"/followers/user/{alice}").json()
    assert (body["following"], body["followed_by"]) == (False, False)
    assert (body["followers_count"], body["following_count"]) == (1, 1)


def test_mutual_lists_people_i_follow_who_follow_them(api, alice, bob):
    a1, a2, a3, stranger = users(4)
    edges(
        (alice, a1),
        (alice, a2),
        (alice, a3),
        (a1, bob),
        (a3, bob),
        (stranger, bob),  # follows bob, but alice does not follow them
        (alice, bob),  # alice's own follow of bob is not a "mutual"
    )
    response = get(api, alice, f"/followers/user/{bob}/mutual")
    assert response.status_code == 200
    # most recently followed by alice first: a3 (t=2) before a1 (t=0)
    assert [m["user_id"] for m in response.json()] == [str(a3), str(a1)]
    assert set(response.json()[0]) == {"user_id", "username"}
    assert response["X-Total-Count"] == "2"


def test_mutual_pages_with_the_total_on_each_page(api, alice, bob):
    friends = users(5)
    edges(*[(alice, f) for f in friends], *[(f, bob) for f in friends])
    url, seen = f"/followers/user/{bob}/mutual?limit=2", []
    while url:
        response = get(api, alice, url)
        assert response["X-Total-Count"] == "5"
        seen.extend(m["user_id"] for m in response.json())
        url = next_link(response)
    assert seen == [str(f) for f in reversed(friends)]


def test_mutual_when_nobody_in_common(api, alice, bob):
    followed(api, alice, bob)
    response = get(api, alice, f"/followers/user/{bob}/mutual")
    assert response.json() == []
    assert response["X-Total-Count"] == "0"
