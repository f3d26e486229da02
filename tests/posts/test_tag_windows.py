"""Tag and mention timelines read in time windows (posts.tags, posts.windows), sized from the
tags' and mentioned users' statistics in ``list_stats``, which cover every post that carries
them (counted before the post is written, backfilled by ensure_schema)."""

import io
import uuid
from datetime import timedelta

from django.core.management import call_command

from posts import list_entries
from posts.documents import now_ms, posts_collection
from posts.tags import list_stats_collection, list_stats_updates
from tests.helpers import headers_for, next_link


def _tagged(author: uuid.UUID, count: int, tag: str, span: timedelta) -> list[dict]:
    """``count`` posts carrying ``tag`` spread over the last ``span``, counted and listed first
    (as the seed does)."""
    end = now_ms()
    step = span / count
    docs = [
        {
            "_id": uuid.uuid4(),
            "author_id": author,
            "content": f"x #{tag}",
            "tags": [tag],
            "created_at": end - step * i,
        }
        for i in range(count)
    ]
    list_stats_collection().bulk_write(list_stats_updates(docs))
    list_entries.insert(docs)
    posts_collection().insert_many(docs)
    return docs


def _stats(key: str) -> dict | None:
    return list_stats_collection().find_one({"_id": key})


def test_a_big_tags_page_asks_for_about_one_page(api, alice, bob, recorder):
    docs = _tagged(alice, 3000, "cs101", timedelta(days=60))
    first = api.get("/posts/tags/cs101?limit=20", **headers_for(bob))
    assert first.status_code == 200
    assert [p["id"] for p in first.json()] == [str(d["_id"]) for d in docs[:20]]
    assert recorder.matched() <= 3 * 21, recorder.filters  # not all 3,000
    recorder.filters.clear()
    deeper = api.get(next_link(first), **headers_for(bob))
    assert [p["id"] for p in deeper.json()] == [str(d["_id"]) for d in docs[20:40]]
    assert recorder.matched() <= 3 * 21, recorder.filters


def test_a_tag_nobody_used_costs_no_posts_query(api, bob, recorder):
    assert api.get("/posts/tags/nobody_used_this", **headers_for(bob)).json() == []
    assert recorder.filters == []


def test_creating_and_editing_count_the_posts_tags_and_mentions_first(api, alice):
    created = api.post(
        "/posts", {"content": "see #Exams"}, format="json", **headers_for(alice)
    ).json()
    stats = _stats("tag:exams")
    assert stats is not None
    assert stats["n"] == 1
    assert stats["first"] == stats["last"]
    edited = api.patch(
        f"/posts/{created['id']}",
        {"content": "now #Hackathon"},
        format="json",
        **headers_for(alice),
    )
    assert edited.status_code == 200, edited.content
    stats = _stats("tag:hackathon")
    assert stats is not None
    # The edited post keeps its time: the new tag's statistics cover it.
    assert (
        stats["first"]
        <= posts_collection().find_one({"_id": uuid.UUID(created["id"])})["created_at"]
    )
    found = api.get("/posts/tags/hackathon", **headers_for(alice)).json()
    assert [p["id"] for p in found] == [created["id"]]


def test_ensure_schema_backfills_the_statistics_of_tags_and_mentions(api, alice, bob):
    mentioned = uuid.uuid4()
    old = now_ms() - timedelta(days=3)
    posts_collection().insert_many(
        [
            {
                "_id": uuid.uuid4(),
                "author_id": alice,
                "content": "a #robotics",
                "tags": ["robotics"],
                "created_at": old,
            },
            {
                "_id": uuid.uuid4(),
                "author_id": bob,
                "content": "b #robotics",
                "tags": ["robotics"],
                "created_at": now_ms(),
            },
            {
                "_id": uuid.uuid4(),
                "author_id": bob,
                "content": "@x",
                "mentions": [mentioned],
                "created_at": old,
            },
        ]
    )
    assert _stats("tag:robotics") is None
    call_command("ensure_schema", stdout=io.StringIO())
    robotics = _stats("tag:robotics")
    assert robotics is not None
    assert robotics["n"] == 2
    assert robotics["first"] < robotics["last"]
    assert _stats(f"mention:{mentioned}")["n"] == 1
    assert len(api.get("/posts/tags/robotics", **headers_for(alice)).json()) == 2
