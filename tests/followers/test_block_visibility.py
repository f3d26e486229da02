"""A block keeps the two users out of each other's suggestions and lists (docs/safety.md)."""

import uuid

from tests.followers.helpers import block, edges, users
from tests.helpers import get


def _suggested(api, me):  # type: ignore[no-untyped-def]
    response = get(api, me, "/followers/suggestions")
    assert response.status_code == 200, response.content
    return {item["user_id"] for item in response.json()}


def test_suggestions_leave_out_blocked_and_blocking_users_for_both(api, alice):
    friend, blocked, blocker, other = users(4)
    edges((alice, friend), (friend, blocked), (friend, blocker), (friend, other))
    assert _suggested(api, alice) == {str(blocked), str(blocker), str(other)}
    block(api, alice, blocked)
    block(api, blocker, alice)
    assert _suggested(api, alice) == {str(other)}
    # the other side: blocked and blocker follow someone who follows alice
    edges((blocked, other), (blocker, other), (other, alice))
    assert str(alice) not in _suggested(api, blocked)
    assert str(alice) not in _suggested(api, blocker)


def test_cold_start_leaves_out_blocks_either_way(api, alice):
    popular, blocked, blocker = users(3)
    fans = users(3)
    edges(*[(fan, person) for fan in fans for person in (popular, blocked, blocker)])
    block(api, alice, blocked)
    block(api, blocker, alice)
    assert _suggested(api, alice) == {str(popular)}  # the fans have no followers


def test_follow_lists_leave_out_users_the_viewer_blocks_or_is_blocked_by(api, alice, bob):
    blocked, blocker, other = users(3)
    edges(
        (blocked, bob), (blocker, bob), (other, bob),
        (bob, blocked), (bob, blocker), (bob, other),
    )  # fmt: skip
    block(api, alice, blocked)
    block(api, blocker, alice)
    followers = get(api, alice, f"/followers/user/{bob}/followers").json()
    following = get(api, alice, f"/followers/user/{bob}/following").json()
    assert [f["sender_id"] for f in followers] == [str(other)]
    assert [f["receiver_id"] for f in following] == [str(other)]
    # someone else sees all three; the counts stay the true counts
    assert len(get(api, other, f"/followers/user/{bob}/followers").json()) == 3
    assert get(api, alice, f"/followers/user/{bob}/followers/count").json() == {"count": 3}


def test_a_block_either_way_closes_each_others_lists_with_a_neutral_403(api, alice, bob):
    carol = uuid.uuid4()
    edges((carol, alice), (carol, bob))
    block(api, alice, bob)
    for viewer, owner in ((bob, alice), (alice, bob)):
        for path in ("followers", "following", "mutual"):
            response = get(api, viewer, f"/followers/user/{owner}/{path}")
            assert response.status_code == 403, (path, response.content)
            assert response.json()["code"] == "blocked"
            assert response.json()["message"] == "You cannot interact with this user."
    # counts and the relationship stay public
    assert get(api, bob, f"/followers/user/{alice}/followers/count").json() == {"count": 1}
    assert get(api, bob, f"/followers/user/{alice}").status_code == 200


def test_list_pages_stay_full_when_users_are_left_out(api, alice, bob):
    fans = users(6)
    edges(*[(fan, bob) for fan in fans])
    for fan in fans[::2]:
        block(api, alice, fan)
    response = get(api, alice, f"/followers/user/{bob}/followers?limit=2")
    assert [f["sender_id"] for f in response.json()] == [str(fans[5]), str(fans[3])]
    link = response["Link"]
    rest = get(api, alice, link[1 : link.index(">")]).json()
    assert [f["sender_id"] for f in rest] == [str(fans[1])]
