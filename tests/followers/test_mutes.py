"""Mutes through the API: private, optional expiry, listed while active."""

import uuid
from datetime import datetime
from typing import Any

import pytest

from tests.followers.helpers import edge_count, edges, expire_mute, users
from tests.helpers import get, headers_for


def mute(api: Any, muter: uuid.UUID, muted: uuid.UUID | str, body: Any = None) -> Any:
    return api.post(f"/followers/mutes/{muted}", body, format="json", **headers_for(muter))


def test_mute_for_ever_then_again_is_200(api, alice, bob):
    first = mute(api, alice, bob)
    assert first.status_code == 201, first.content
    assert first.json()["user_id"] == str(bob)
    assert first.json()["expires_at"] is None
    again = mute(api, alice, bob, {"duration_seconds": None})
    assert again.status_code == 200
    assert again.json() == first.json()


def test_mute_with_a_duration_expires_then(api, alice, bob):
    response = mute(api, alice, bob, {"duration_seconds": 3600})
    body = response.json()
    created = datetime.fromisoformat(body["created_at"])
    expires = datetime.fromisoformat(body["expires_at"])
    assert (expires - created).total_seconds() == 3600


def test_muting_again_replaces_the_expiry(api, alice, bob):
    mute(api, alice, bob, {"duration_seconds": 60})
    again = mute(api, alice, bob)
    assert again.status_code == 200
    assert again.json()["expires_at"] is None


def test_an_expired_mute_is_gone_from_the_list_and_muting_again_creates(api, alice, bob):
    carol = uuid.uuid4()
    mute(api, alice, bob, {"duration_seconds": 60})
    mute(api, alice, carol)
    expire_mute(bob)
    listed = get(api, alice, "/followers/mutes").json()
    assert [m["user_id"] for m in listed] == [str(carol)]
    assert mute(api, alice, bob).status_code == 201


@pytest.mark.parametrize("duration", [59, 31536001, "600", 600.0, True, [600]])
def test_bad_durations_are_400s_naming_the_field(api, alice, bob, duration):
    response = mute(api, alice, bob, {"duration_seconds": duration})
    assert response.status_code == 400, response.content
    assert "duration_seconds" in response.json()["details"]


def test_unknown_fields_and_self_mute_are_400s(api, alice, bob):
    unknown = mute(api, alice, bob, {"seconds": 600})
    assert unknown.status_code == 400
    assert unknown.json()["details"] == {"seconds": ["Unknown field."]}
    response = mute(api, alice, alice)
    assert response.status_code == 400
    assert response.json()["code"] == "self_mute"
    assert mute(api, alice, "x").json()["code"] == "invalid_uuid"


def test_unmute_is_idempotent(api, alice, bob):
    mute(api, alice, bob)
    for _ in range(2):
        response = api.delete(f"/followers/mutes/{bob}", **headers_for(alice))
        assert response.status_code == 204
    assert get(api, alice, "/followers/mutes").json() == []


def test_mute_changes_no_follow(api, alice, bob):
    edges((alice, bob), (bob, alice))
    mute(api, alice, bob)
    assert edge_count() == 2


def test_mutes_list_is_newest_first_paged_and_private(api, alice, bob):
    muted = users(3)
    for user in muted:
        mute(api, alice, user)
    first = get(api, alice, "/followers/mutes?limit=2")
    assert [m["user_id"] for m in first.json()] == [str(muted[2]), str(muted[1])]
    link = first["Link"]
    rest = get(api, alice, link[1 : link.index(">")])
    assert [m["user_id"] for m in rest.json()] == [str(muted[0])]
    assert get(api, bob, "/followers/mutes").json() == []  # each caller sees only theirs


def test_mute_with_an_idempotency_key_replays(api, alice, bob):
    key = str(uuid.uuid4())
    send = {"duration_seconds": 600}
    first = api.post(
        f"/followers/mutes/{bob}", send, format="json", **headers_for(alice),
        HTTP_IDEMPOTENCY_KEY=key,
    )  # fmt: skip
    replay = api.post(
        f"/followers/mutes/{bob}", send, format="json", **headers_for(alice),
        HTTP_IDEMPOTENCY_KEY=key,
    )  # fmt: skip
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
