"""Cursor pages over (created_at, id): stable while posts arrive, exact on equal timestamps."""

from datetime import timedelta

import pytest

from posts.documents import now_ms
from tests.helpers import get
from tests.posts.helpers import created, next_link, stored, walk


def test_timeline_pages_skip_nothing_and_repeat_nothing_while_posts_arrive(api, alice, bob):
    before = [created(api, alice, content=f"old {i}")["id"] for i in range(11)]
    arrivals: list[str] = []

    def post_meanwhile():
        arrivals.append(created(api, alice, content="new")["id"])

    seen = [p["id"] for p in walk(api, bob, f"/posts/author/{alice}?limit=3", post_meanwhile)]
    assert seen == list(reversed(before))  # newer arrivals sit ahead of the cursor
    assert len(arrivals) == 4
    fresh = [p["id"] for p in walk(api, bob, f"/posts/author/{alice}?limit=100")]
    assert fresh == list(reversed(before + arrivals))


def test_timeline_with_identical_timestamps(api, alice, bob):
    moment = now_ms()
    posts = [stored(alice, created_at=moment) for _ in range(13)]
    older = stored(alice, created_at=moment - timedelta(milliseconds=1))
    newer = stored(alice, created_at=moment + timedelta(milliseconds=1))
    seen = [p["id"] for p in walk(api, bob, f"/posts/author/{alice}?limit=4")]
    same_ms = sorted((str(p.id) for p in posts), key=lambda s: s, reverse=True)
    assert seen == [str(newer.id), *same_ms, str(older.id)]  # ties broken by id, descending


def test_timeline_identical_timestamps_with_inserts_at_the_same_moment(api, alice, bob):
    moment = now_ms()
    for _ in range(9):
        stored(alice, created_at=moment)
    extra: list[str] = []

    def insert_same_moment():
        extra.append(str(stored(alice, created_at=moment).id))

    seen = [p["id"] for p in walk(api, bob, f"/posts/author/{alice}?limit=2", insert_same_moment)]
    assert len(seen) == len(set(seen))  # nothing repeated
    everything = {p["id"] for p in walk(api, bob, f"/posts/author/{alice}?limit=100")}
    # An insert at the very same millisecond lands before or after the cursor by its id:
    # the ones after it are shown, none twice; every pre-existing post is shown.
    assert set(seen) <= everything
    assert everything - set(seen) <= set(extra)


def test_replies_pages_include_replies_arriving_at_the_end(api, alice, bob):
    post = created(api, alice)
    early = [created(api, bob, content=f"r{i}", parent_post_id=post["id"])["id"] for i in range(5)]
    late: list[str] = []

    def reply_meanwhile():
        if len(late) < 3:
            late.append(created(api, bob, content="late", parent_post_id=post["id"])["id"])

    seen = [
        p["id"] for p in walk(api, alice, f"/posts/{post['id']}/replies?limit=2", reply_meanwhile)
    ]
    assert seen == early + late  # oldest first: new replies come after the cursor, once


def test_replies_with_identical_timestamps(api, alice, bob):
    post = created(api, alice)
    moment = now_ms()
    replies = [stored(bob, created_at=moment, parent_post_id=post["id"]) for _ in range(7)]
    seen = [p["id"] for p in walk(api, alice, f"/posts/{post['id']}/replies?limit=3")]
    assert seen == sorted(str(r.id) for r in replies)


def test_default_limit_is_20_and_max_is_100(api, alice):
    moment = now_ms()
    for i in range(105):
        stored(alice, created_at=moment - timedelta(milliseconds=i))
    first = get(api, alice, f"/posts/author/{alice}")
    assert len(first.json()) == 20
    assert next_link(first) is not None
    biggest = get(api, alice, f"/posts/author/{alice}?limit=100")
    assert len(biggest.json()) == 100
    last = get(api, alice, next_link(biggest))
    assert len(last.json()) == 5
    assert last.get("Link") is None


def test_last_page_exactly_full_has_no_next_link(api, alice):
    for _ in range(3):
        created(api, alice)
    response = get(api, alice, f"/posts/author/{alice}?limit=3")
    assert len(response.json()) == 3
    assert response.get("Link") is None


@pytest.mark.parametrize("limit", ["0", "101", "-1", "abc", "2.5", ""])
def test_bad_limit_is_400_naming_limit(api, alice, limit):
    post = created(api, alice)
    for path in (f"/posts/author/{alice}", f"/posts/{post['id']}/replies"):
        response = get(api, alice, f"{path}?limit={limit}")
        assert response.status_code == 400, (path, limit)
        assert "limit" in response.json()["details"]


@pytest.mark.parametrize("cursor", ["garbage", "eyJ0IjoxfQ", "x" * 600, "%7B%22t%22%3A1%7D"])
def test_bad_cursor_is_400_naming_cursor(api, alice, cursor):
    response = get(api, alice, f"/posts/author/{alice}?cursor={cursor}")
    assert response.status_code == 400
    assert "cursor" in response.json()["details"]


def test_signed_cursor_with_unexpected_payload_is_400(api, alice):
    from hornet.pagination import encode_cursor

    for payload in (
        {"n": 1},
        {"t": "x", "id": "y"},
        {"t": 1, "id": "nope"},
        {"t": 10**20, "id": "0" * 32},
    ):
        response = get(api, alice, f"/posts/author/{alice}?cursor={encode_cursor(payload)}")
        assert response.status_code == 400, payload
        assert "cursor" in response.json()["details"]


def test_link_keeps_the_limit(api, alice):
    for _ in range(3):
        created(api, alice)
    link = next_link(get(api, alice, f"/posts/author/{alice}?limit=2"))
    assert "limit=2" in link
