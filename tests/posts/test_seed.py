"""``manage.py seed`` for the posts service, on the test FerretDB (small seeds)."""

import io
import uuid
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hornet.seeding import realm_users, seed_users, user_id_for
from posts import selectors
from posts.consistency import check_consistency
from posts.db import database
from posts.documents import ANCESTORS, posts_collection
from posts.following_cache import COLLECTION as FOLLOWING_CACHE
from posts.idempotency import COLLECTION as IDEMPOTENCY_KEYS
from posts.marks import LIKES
from posts.mentions import parse
from posts.notifications import store as notifications

SMALL = ["--users", "50", "--posts", "600", "--seed", "7", "--batch", "100"]


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed", *args, "-v", "0", stdout=out)
    return out.getvalue()


def all_posts() -> list[dict]:
    return list(posts_collection().find({}))


def test_same_seed_same_posts_and_the_followers_seed_users():
    seed(*SMALL)
    first = {p["_id"]: (p["author_id"], p.get("parent_post_id")) for p in all_posts()}
    seed(*SMALL, "--reset", "--yes")
    again = {p["_id"]: (p["author_id"], p.get("parent_post_id")) for p in all_posts()}
    assert again == first
    # Authors are the users the followers seed creates for the same seed: ids from (seed, i).
    assert {a for a, _ in first.values()} <= {user_id_for(7, i) for i in range(50)}
    assert {u.user_id for u in seed_users(7, 50)} == {user_id_for(7, i) for i in range(50)}
    seed("--users", "50", "--posts", "600", "--seed", "8", "--reset", "--yes")
    assert not set(first) & {p["_id"] for p in all_posts()}


def test_shape_and_counters_match_the_replies_and_shares():
    out = seed(*SMALL)
    rows = all_posts()
    assert len(rows) == 600
    assert "600 posts" in out
    replies = Counter(p["parent_post_id"] for p in rows if "parent_post_id" in p)
    shares = Counter(p["original_post_id"] for p in rows if "original_post_id" in p)
    assert 20 <= sum(replies.values()) <= 110  # ~10%
    assert 10 <= sum(shares.values()) <= 60  # ~5%
    by_id = {p["_id"]: p for p in rows}
    for post in rows:
        assert post["replies_count"] == replies[post["_id"]]
        assert post["shares_count"] == shares[post["_id"]]
        assert isinstance(post["_id"], uuid.UUID)
        assert isinstance(post["author_id"], uuid.UUID)
        assert post["created_at"].microsecond % 1000 == 0
        target = post.get("parent_post_id") or post.get("original_post_id")
        if target is not None:
            assert by_id[target]["created_at"] <= post["created_at"]
        if "original_post_id" not in post:
            assert post["content"].strip()
        # A reply carries its ancestor path, root first (posts.threads); other posts none.
        if "parent_post_id" in post:
            parent = by_id[post["parent_post_id"]]
            assert post[ANCESTORS] == [*parent.get(ANCESTORS, []), parent["_id"]]
        else:
            assert ANCESTORS not in post
    # Power law: the busiest author writes far more than the median one.
    per_author = sorted(Counter(p["author_id"] for p in rows).values(), reverse=True)
    assert per_author[0] >= 4 * per_author[len(per_author) // 2]
    # The service reads seeded documents like its own.
    author = rows[0]["author_id"]
    page = selectors.posts_by_author_page(author_id=author, limit=5)
    assert page.items
    assert all(r["author_id"] == author for r in page.items)


def test_if_empty_keeps_existing_posts():
    seed(*SMALL)
    before = {p["_id"] for p in all_posts()}
    out = seed("--users", "10", "--posts", "30", "--seed", "9", "--if-empty")
    assert "not seeding" in out
    assert {p["_id"] for p in all_posts()} == before


def test_reset_wipes_only_the_posts_service_data():
    seed(*SMALL)
    db = database()
    db.drop_collection("not_ours")
    db[FOLLOWING_CACHE].insert_one({"_id": "someone", "ids": [], "fetched_at": None})
    db[IDEMPOTENCY_KEYS].insert_one({"_id": "ours"})
    db["not_ours"].insert_one({"_id": "kept"})
    try:
        seed("--users", "10", "--posts", "30", "--seed", "9", "--reset", "--yes")
        assert len(all_posts()) == 30
        assert db[FOLLOWING_CACHE].count_documents({}) == 0
        assert db[IDEMPOTENCY_KEYS].count_documents({}) == 0
        assert db["not_ours"].count_documents({}) == 1
        assert "author_timeline" in posts_collection().index_information()
    finally:
        db.drop_collection("not_ours")


def test_reset_without_yes_refuses_off_a_terminal():
    seed(*SMALL)
    with pytest.raises(CommandError, match="--yes"):
        seed("--reset")
    assert len(all_posts()) == 600


def test_demo_gives_the_keycloak_users_posts():
    seed("--demo")
    realm = realm_users()
    assert realm, "keycloak/hornet-realm.json lists the test users"
    authors = {p["author_id"] for p in all_posts()}
    assert len(all_posts()) == 400
    assert {u.user_id for u in realm} <= authors


def test_seed_writes_likes_tags_and_mentions_consistently():
    seed(*SMALL)
    posts = all_posts()
    top = [p for p in posts if "parent_post_id" not in p and "original_post_id" not in p]
    tagged = [p for p in top if p.get("tags")]
    mentioning = [p for p in top if p.get("mentions")]
    assert 0.05 * len(top) < len(tagged) < 0.3 * len(top)
    assert 0 < len(mentioning) < 0.2 * len(top)
    assert all(parse(p["content"]).tags == p["tags"] for p in tagged)
    likes = LIKES.collection().count_documents({})
    assert likes == sum(p.get("likes_count", 0) for p in posts) > len(posts) // 2
    assert check_consistency().clean


def test_seed_notifies_each_like_and_mention_as_the_api_would():
    seed(*SMALL)
    posts = {p["_id"]: p for p in all_posts()}
    likes = list(LIKES.collection().find({}))
    mentions = [(u, p) for p in posts.values() for u in p.get("mentions") or ()]
    expected = Counter(("like", posts[x["p"]]["author_id"], x["u"], x["p"]) for x in likes)
    expected.update(("mention", user, p["author_id"], p["_id"]) for user, p in mentions)
    expected = Counter({key: n for key, n in expected.items() if key[1] != key[2]})
    stored = Counter((n["k"], n["r"], n["a"], n["s"]) for n in notifications.entries().find({}))
    assert stored == expected
    assert sum(stored.values()) > len(posts) // 2
    assert max(stored.values()) == 1  # each like and mention once
