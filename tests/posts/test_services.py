"""Services and selectors called directly, as management commands call them."""

import uuid
from datetime import timedelta

import pytest

from hornet.errors import Forbidden, InvalidInput, NotFound
from posts import intents, selectors, services
from posts.documents import now_ms, posts_collection
from posts.queries import TimeKey, lists_query
from tests.posts.helpers import stored


def test_create_returns_the_stored_document(alice):
    post = services.post_create(author_id=alice, content=" hi ")
    row = selectors.post_get(post_id=post.id)
    assert row["content"] == "hi"
    assert row["created_at"] == post.created_at  # millisecond precision survives the trip
    assert row["created_at"].microsecond % 1000 == 0


def test_services_raise_domain_errors(alice, bob):
    with pytest.raises(InvalidInput):
        services.post_create(author_id=alice, content="x" * 5001)
    with pytest.raises(NotFound) as missing:
        services.post_create(author_id=alice, content="x", parent_post_id=uuid.uuid4())
    assert missing.value.details == {"parent_post_id": ["No post with this id."]}
    post = services.post_create(author_id=alice, content="mine")
    with pytest.raises(Forbidden):
        services.post_edit(post_id=post.id, actor_id=bob, content="theirs")
    with pytest.raises(Forbidden):
        services.post_delete(post_id=post.id, actor_id=bob)


def test_counters_change_by_inc_only(alice, monkeypatch):
    """Whatever the server, the service asks for an atomic $inc, never a computed $set
    (the counter moves with its intent in one update: posts.intents)."""
    parent = services.post_create(author_id=alice, content="parent")
    updates: list[dict] = []
    real = posts_collection()

    class Spy:
        def __getattr__(self, name):
            return getattr(real, name)

        def update_one(self, query, change, **kwargs):
            updates.append(change)
            return real.update_one(query, change, **kwargs)

    monkeypatch.setattr(services, "posts_collection", Spy)
    monkeypatch.setattr(intents, "posts_collection", Spy)
    reply = services.post_create(author_id=alice, content="re", parent_post_id=parent.id)
    services.post_delete(post_id=reply.id, actor_id=alice)
    assert [u["$inc"] for u in updates if "$inc" in u] == [
        {"replies_count": 1},
        {"replies_count": -1},
    ]
    assert not [u for u in updates if "replies_count" in u.get("$set", {})]


def test_delete_returns_the_number_removed(alice, bob):
    root = services.post_create(author_id=alice, content="root")
    a = services.post_create(author_id=bob, content="a", parent_post_id=root.id)
    services.post_create(author_id=bob, content="b", parent_post_id=a.id)
    assert services.post_delete(post_id=root.id, actor_id=alice) == 3
    assert posts_collection().count_documents({}) == 0


def test_delete_walks_wide_levels_in_batches(alice, monkeypatch):
    monkeypatch.setattr(services, "_BATCH", 7)
    root = services.post_create(author_id=alice, content="root")
    moment = now_ms()
    children = [stored(alice, created_at=moment, parent_post_id=root.id) for _ in range(20)]
    for child in children[:3]:
        for _ in range(5):
            stored(alice, created_at=moment, parent_post_id=child.id)
    assert services.post_delete(post_id=root.id, actor_id=alice) == 1 + 20 + 15
    assert posts_collection().count_documents({}) == 0


def test_feed_selector_merges_many_authors_by_time(alice, bob):
    carol = uuid.uuid4()
    moment = now_ms()
    rows = [
        stored(author, created_at=moment - timedelta(milliseconds=i % 3))
        for i, author in enumerate([alice, bob, carol] * 4)
    ]
    wanted = sorted(
        (r for r in rows if r.author_id in (alice, bob)),
        key=lambda r: (r.created_at, r.id),
        reverse=True,
    )
    seen = []
    after = None
    while True:
        page = selectors.posts_by_authors_page(author_ids=[alice, bob], limit=3, after=after)
        seen += [r["_id"] for r in page.items]
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert seen == [r.id for r in wanted]
    assert selectors.posts_by_authors_page(author_ids=[], limit=3).items == []


def test_time_key_round_trip_is_exact_to_the_millisecond():
    key = TimeKey(now_ms(), uuid.uuid4())
    assert TimeKey.parse(key.payload()) == key


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"t": True, "id": "0" * 32},
        {"t": 1.5, "id": "0" * 32},
        {"t": 1, "id": 5},
        {"t": -(10**18), "id": "0" * 32},
    ],
)
def test_time_key_refuses_odd_payloads(payload):
    with pytest.raises(InvalidInput) as error:
        TimeKey.parse(payload)
    assert "cursor" in error.value.details


def test_author_filters_are_equalities_for_the_index():
    a, b = uuid.uuid4(), uuid.uuid4()
    assert lists_query([{"author_id": a}], {}) == {"author_id": a}
    assert lists_query([{"author_id": a}, {"author_id": b}], {}) == {
        "$or": [{"author_id": a}, {"author_id": b}]
    }
