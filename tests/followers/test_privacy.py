"""GET and PATCH /followers/me: the caller's privacy settings."""

import pytest

from tests.helpers import get, headers_for


def patch(api, user, body):  # type: ignore[no-untyped-def]
    return api.patch("/followers/me", body, format="json", **headers_for(user))


def test_settings_start_false_and_change_partially(api, alice):
    assert get(api, alice, "/followers/me").json() == {
        "user_id": str(alice),
        "username": None,
        "locked": False,
        "hide_network": False,
    }
    assert patch(api, alice, {"locked": True}).json()["locked"] is True
    both = patch(api, alice, {"hide_network": True}).json()
    assert both["locked"] is True  # unchanged
    assert both["hide_network"] is True
    assert patch(api, alice, {}).json() == both
    assert get(api, alice, "/followers/me").json() == both


@pytest.mark.parametrize(
    ("body", "field"),
    [({"locked": 1}, "locked"), ({"hide_network": "yes"}, "hide_network"), ({"x": True}, "x")],
)
def test_bad_settings_are_400s_naming_the_field(api, alice, body, field):
    response = patch(api, alice, body)
    assert response.status_code == 400, response.content
    assert field in response.json()["details"]


def test_settings_are_each_users_own(api, alice, bob):
    patch(api, alice, {"locked": True})
    assert get(api, bob, "/followers/me").json()["locked"] is False
