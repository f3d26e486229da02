"""Internal: user ids by username (the posts service's @mention resolution)."""

from followers import graph
from followers.selectors.usernames import IDS_BY_USERNAME
from tests.followers.test_profile import SCANS, _operators
from tests.helpers import assert_refused, get, headers_for


def seen(api, user, username):
    api.get("/followers/suggestions", **headers_for(user, username))


def test_known_usernames_resolve_in_one_call_unknown_ones_are_left_out(api, alice, bob):
    seen(api, alice, "alice")
    seen(api, bob, "bob")
    response = get(api, alice, "/followers/users/ids?username=bob&username=alice&username=zed")
    assert response.status_code == 200
    assert response.json() == {"alice": str(alice), "bob": str(bob)}


def test_a_renamed_user_is_found_by_the_new_name(api, alice):
    seen(api, alice, "old_name")
    seen(api, alice, "new_name")
    body = get(api, alice, "/followers/users/ids?username=old_name&username=new_name").json()
    assert body == {"new_name": str(alice)}


def test_usernames_are_required_and_bounded(api, alice):
    assert_refused(get(api, alice, "/followers/users/ids"), "username")
    many = "&".join(f"username=u{i}" for i in range(51))
    assert_refused(get(api, alice, f"/followers/users/ids?{many}"), "username")
    assert_refused(get(api, alice, f"/followers/users/ids?username={'x' * 101}"), "username")


def test_resolution_seeks_the_username_index(api, alice, bob):
    seen(api, alice, "alice")
    seen(api, bob, "bob")
    summary = graph.profile(IDS_BY_USERNAME, names=["alice", "bob", "zed"])
    operators = _operators(summary.profile)
    assert "NodeIndexSeek" in operators, operators
    assert not SCANS & set(operators), operators
