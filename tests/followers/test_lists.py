"""Followers / following lists, following ids: order, shape, cursor pagination, bad input."""

import uuid
from datetime import timedelta

import pytest

from followers import selectors
from hornet import seeding
from hornet.pagination import encode_cursor
from tests.followers.helpers import T0, edges, followed, users
from tests.helpers import get, next_link


def _walk(api, url, user):  # type: ignore[no-untyped-def]
    pages = []
    while url:
        response = get(api, user, url)
        assert response.status_code == 200, response.content
        pages.append(response.json())
        url = next_link(response)
    return pages


def test_followers_newest_first_in_the_v1_shape(api, alice):
    fans = users(3)
    edges(*[(fan, alice) for fan in fans])  # one second apart: fans[2] is the newest
    body = get(api, alice, f"/followers/user/{alice}/followers").json()
    assert [item["sender_id"] for item in body] == [str(f) for f in reversed(fans)]
    assert {item["receiver_id"] for item in body} == {str(alice)}
    assert body[0]["created_at"] == "2024-01-01T00:00:02.000Z"
    assert set(body[0]) == {"id", "sender_id", "receiver_id", "created_at"}


def test_following_newest_first(api, alice):
    idols = users(3)
    edges(*[(alice, idol) for idol in idols])
    body = get(api, alice, f"/followers/user/{alice}/following/").json()
    assert [item["receiver_id"] for item in body] == [str(i) for i in reversed(idols)]


def test_unknown_user_has_empty_lists(api, alice):
    nobody = uuid.uuid4()
    for suffix in ("followers", "following", "following/ids", "mutual"):
        response = get(api, alice, f"/followers/user/{nobody}/{suffix}")
        assert response.status_code == 200
        assert response.json() == []
        assert "Link" not in response


def test_pages_walk_every_follow_once(api, alice):
    fans = users(45)
    edges(*[(fan, alice) for fan in fans])
    pages = _walk(api, f"/followers/user/{alice}/followers?limit=20", alice)
    assert [len(p) for p in pages] == [20, 20, 5]
    seen = [item["sender_id"] for page in pages for item in page]
    assert seen == [str(f) for f in reversed(fans)]


def test_follows_added_between_pages_neither_shift_nor_repeat(api, alice):
    first_fans = users(5)
    edges(*[(fan, alice) for fan in first_fans])
    page1 = get(api, alice, f"/followers/user/{alice}/followers?limit=2")
    late = uuid.uuid4()
    followed(api, late, alice)  # newer than everything: at the head, not on later pages
    rest = _walk(api, next_link(page1), alice)
    seen = [i["sender_id"] for i in page1.json()] + [i["sender_id"] for p in rest for i in p]
    assert seen == [str(f) for f in reversed(first_fans)]
    assert get(api, alice, f"/followers/user/{alice}/followers?limit=1").json()[0][
        "sender_id"
    ] == str(late)


def test_same_timestamp_is_ordered_by_id_without_loss():
    target = uuid.uuid4()
    fans = users(7)
    from followers import services

    rows = [
        {
            "sender_id": str(f),
            "receiver_id": str(target),
            "id": str(uuid.uuid4()),
            "created_ms": seeding.epoch_ms(T0),
        }
        for f in fans
    ]
    services.follows_create_many(rows)
    seen, after = [], None
    while True:
        page = selectors.followers_page(user_id=target, limit=3, after=after)
        seen.extend(page.items)
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert sorted(str(f.id) for f in seen) == sorted(r["id"] for r in rows)
    assert [str(f.id) for f in seen] == sorted((r["id"] for r in rows), reverse=True)


def test_following_ids_is_a_compact_array_of_uuid_strings(api, alice):
    idols = users(3)
    edges(*[(alice, idol) for idol in idols])
    response = get(api, alice, f"/followers/user/{alice}/following/ids")
    assert response.status_code == 200
    assert response.json() == [str(i) for i in reversed(idols)]
    assert b" " not in response.content


def test_following_ids_default_page_takes_them_all_and_pages_past_the_limit(api, alice):
    idols = users(30)
    edges(*[(alice, idol) for idol in idols])
    assert len(get(api, alice, f"/followers/user/{alice}/following/ids").json()) == 30
    pages = _walk(api, f"/followers/user/{alice}/following/ids?limit=7", alice)
    assert [len(p) for p in pages] == [7, 7, 7, 7, 2]
    assert [i for p in pages for i in p] == [str(i) for i in reversed(idols)]


@pytest.mark.parametrize(("path", "limit"), [("followers", "101"), ("following/ids", "5001")])
def test_limit_above_the_routes_maximum_is_400(api, alice, path, limit):
    response = get(api, alice, f"/followers/user/{alice}/{path}?limit={limit}")
    assert response.status_code == 400
    assert "limit" in response.json()["details"]


def test_following_ids_accepts_5000(api, alice):
    assert get(api, alice, f"/followers/user/{alice}/following/ids?limit=5000").status_code == 200


@pytest.mark.parametrize("limit", ["0", "-1", "abc"])
def test_bad_limit_is_400_naming_limit(api, alice, limit):
    response = get(api, alice, f"/followers/user/{alice}/following?limit={limit}")
    assert response.status_code == 400
    assert "limit" in response.json()["details"]


@pytest.mark.parametrize(
    "payload",
    [
        {"m": 1, "f": 2, "u": "x"},
        {"t": "yesterday", "id": "x"},
        {"t": "2024-01-01T00:00:00", "id": "x"},
        {"t": 5, "id": "x"},
    ],
)
def test_a_signed_cursor_of_another_shape_is_400(api, alice, payload):
    cursor = encode_cursor(payload)
    response = get(api, alice, f"/followers/user/{alice}/followers?cursor={cursor}")
    assert response.status_code == 400
    assert "cursor" in response.json()["details"]


def test_forged_cursor_is_400(api, alice):
    response = get(api, alice, f"/followers/user/{alice}/following?cursor=garbage")
    assert response.status_code == 400
    assert "cursor" in response.json()["details"]


def test_malformed_user_id_is_400_naming_user_id(api, alice):
    for suffix in ("", "/followers", "/following", "/following/ids", "/mutual", "/followers/count"):
        response = get(api, alice, f"/followers/user/42{suffix}")
        assert response.status_code == 400, suffix
        assert "user_id" in response.json()["details"]


def test_link_keeps_the_limit_and_is_relative(api, alice):
    edges(*[(fan, alice) for fan in users(3)], start=T0 + timedelta(days=1))
    response = get(api, alice, f"/followers/user/{alice}/followers?limit=2")
    link = next_link(response)
    assert link is not None
    assert link.startswith("/followers/user/")
    assert "limit=2" in link
