"""Cursor pagination: JSON arrays, Link rel=next, signed cursors, bounded limits."""

import datetime as dt
import uuid

import pytest

from hornet.errors import InvalidInput
from hornet.pagination import decode_cursor, encode_cursor
from tests.helpers import headers_for, next_link


def test_walks_every_item_once_by_link(api, alice):
    seen: list[int] = []
    url = "/numbers?limit=10"
    while url:
        response = api.get(url, **headers_for(alice))
        assert response.status_code == 200
        seen.extend(response.json())
        url = next_link(response)
    assert seen == list(range(45))


def test_default_limit_is_20(api, alice):
    assert len(api.get("/numbers", **headers_for(alice)).json()) == 20


@pytest.mark.parametrize("limit", ["0", "101", "-1", "abc", "1e3", "99999999999999999999"])
def test_bad_limit_is_400_naming_limit(api, alice, limit):
    response = api.get(f"/numbers?limit={limit}", **headers_for(alice))
    assert response.status_code == 400
    assert "limit" in response.json()["details"]


@pytest.mark.parametrize("cursor", ["garbage", "eyJuIjo1fQ", "x" * 600])
def test_forged_cursor_is_400_naming_cursor(api, alice, cursor):
    response = api.get(f"/numbers?cursor={cursor}", **headers_for(alice))
    assert response.status_code == 400
    assert "cursor" in response.json()["details"]


def test_cursor_round_trip_and_tamper():
    raw = encode_cursor({"t": 1, "id": "a"})
    assert decode_cursor(raw) == {"t": 1, "id": "a"}
    with pytest.raises(InvalidInput):
        decode_cursor(raw[:-2] + ("A" if raw[-2] != "A" else "B") + raw[-1])


def _keys() -> list[type]:
    from followers.cursors import FollowKey, SuggestionKey
    from posts.queries import TimeKey

    return [TimeKey, FollowKey, SuggestionKey]


@pytest.mark.parametrize("payload", [{}, {"t": "x", "id": "0" * 32}, {"t": 1, "id": 5}, {"u": 1}])
@pytest.mark.parametrize("key", _keys(), ids=lambda k: k.__name__)
def test_every_list_key_refuses_a_payload_of_another_list_with_the_one_400(key, payload):
    with pytest.raises(InvalidInput) as error:
        key.parse(payload)
    assert (error.value.code, error.value.message, error.value.details) == (
        "invalid_cursor",
        "cursor: Cursor is not valid.",
        {"cursor": ["Cursor is not valid."]},
    )


def test_every_list_key_reads_back_what_it_writes_and_none_for_the_first_page():
    time_key, follow_key, suggestion_key = _keys()
    now = dt.datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=dt.UTC)
    for key in (
        time_key(now, uuid.uuid4()),
        follow_key(now, str(uuid.uuid4())),
        suggestion_key(3, 7, str(uuid.uuid4())),
    ):
        assert type(key).parse(key.payload()) == key
        assert type(key).parse(None) is None
