"""The tag and mention timelines' entries (posts.list_entries): written before a post joins a
list, removed after it left it, one per (list, post) whatever the retries; read in windows and
joined to their posts, where the post is the truth (posts.tags)."""

import io
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command

from posts import list_entries, services, tags
from posts.documents import now_ms, posts_collection
from posts.tags import list_stats_collection, list_stats_updates
from tests.helpers import headers_for
from tests.posts.helpers import next_link, walk


def _entries(post_id: uuid.UUID | None = None) -> dict[str, dict]:
    query = {} if post_id is None else {"p": post_id}
    return {row["k"]: row for row in list_entries.entries().find(query)}


def _resolver(**known: uuid.UUID):
    return lambda names: {name: known[name] for name in names if name in known}


def _raw_posts(author: uuid.UUID, times: list, tag: str = "x") -> list[dict]:
    """Posts inserted directly at these times, counted and listed first (as the seed does)."""
    docs = [
        {
            "_id": uuid.uuid4(),
            "author_id": author,
            "content": f"#{tag}",
            "tags": [tag],
            "created_at": t,
        }
        for t in times
    ]
    list_stats_collection().bulk_write(list_stats_updates(docs))
    list_entries.insert(docs)
    posts_collection().insert_many(docs)
    return docs


def _pages(api, user: uuid.UUID, url: str) -> list[list[dict]]:
    pages = []
    while url:
        response = api.get(url, **headers_for(user))
        assert response.status_code == 200, response.content
        pages.append(response.json())
        url = next_link(response)
    return pages


def _newest_first(docs: list[dict]) -> list[str]:
    return [
        str(d["_id"]) for d in sorted(docs, key=lambda d: (d["created_at"], d["_id"]), reverse=True)
    ]


def test_create_edit_and_delete_write_and_remove_the_entries(alice, bob):
    resolve = _resolver(bob=bob)
    post = services.post_create(author_id=alice, content="#Exams #cs101 @bob", resolve=resolve)
    listed = _entries(post.id)
    assert set(listed) == {"tag:exams", "tag:cs101", f"mention:{bob}"}
    for key, entry in listed.items():
        assert entry == {
            "_id": f"{key} {post.id.hex}",
            "k": key,
            "t": post.created_at,
            "p": post.id,
            "a": alice,
        }
    services.post_edit(post_id=post.id, actor_id=alice, content="#cs101 #robotics", resolve=resolve)
    assert set(_entries(post.id)) == {"tag:cs101", "tag:robotics"}
    assert _entries(post.id)["tag:robotics"]["t"] == post.created_at  # the post's own time
    reply = services.post_create(author_id=bob, content="#cs101 too", parent_post_id=post.id)
    share = services.post_create(author_id=bob, content="#shared", original_post_id=post.id)
    assert set(_entries(reply.id)) == {"tag:cs101"}
    assert set(_entries(share.id)) == {"tag:shared"}
    services.post_delete(post_id=post.id, actor_id=alice)  # and its reply, not the share
    assert set(_entries()) == {"tag:shared"}


def test_a_retried_create_writes_one_entry_per_list(alice, monkeypatch):
    post_id = uuid.uuid4()
    earlier = now_ms() - timedelta(seconds=5)
    # A first attempt died between its entries and its post: they name another time.
    list_entries.put(
        [{"_id": post_id, "author_id": alice, "created_at": earlier, "tags": ["exams", "cs101"]}]
    )
    post = services.post_create(author_id=alice, content="#exams #cs101", post_id=post_id)
    assert {k: e["t"] for k, e in _entries().items()} == {
        "tag:exams": post.created_at,
        "tag:cs101": post.created_at,
    }
    # Two attempts at once: the loser does not see the post yet, writes its entries at its own
    # (later) time, then loses the insert, and puts back those of the stored post.
    monkeypatch.setattr(services, "post_find", lambda post_id: None)
    monkeypatch.setattr(services, "now_ms", lambda: post.created_at + timedelta(seconds=1))
    services.post_create(author_id=alice, content="#exams #cs101", post_id=post_id)
    assert list_entries.entries().count_documents({}) == 2
    assert {k: e["t"] for k, e in _entries().items()} == {
        "tag:exams": post.created_at,
        "tag:cs101": post.created_at,
    }


def test_entries_of_gone_retagged_or_retimed_posts_are_not_shown_and_pages_stay_full(api, alice):
    now = now_ms()
    docs = _raw_posts(alice, [now - timedelta(minutes=i) for i in range(30)])
    gone, retagged, retimed = docs[1], docs[4], docs[7]
    posts_collection().delete_one({"_id": gone["_id"]})
    posts_collection().update_one({"_id": retagged["_id"]}, {"$set": {"tags": ["other"]}})
    posts_collection().update_one(
        {"_id": retimed["_id"]}, {"$set": {"created_at": now - timedelta(days=1)}}
    )
    never = {"_id": uuid.uuid4(), "author_id": alice, "created_at": now, "tags": ["x"]}
    list_entries.put([never])  # a create that died before its post
    kept = [d for d in docs if d not in (gone, retagged, retimed)]
    pages = _pages(api, alice, "/posts/tags/x?limit=5")
    assert [len(page) for page in pages] == [5, 5, 5, 5, 5, 2]
    assert [p["id"] for page in pages for p in page] == _newest_first(kept)


def test_a_page_behind_many_stale_entries_is_short_but_leads_on(api, alice):
    now = now_ms()
    docs = _raw_posts(alice, [now - timedelta(minutes=i) for i in range(40)])
    stale = docs[:30]  # the newest 30 posts were deleted, their entries left behind
    posts_collection().delete_many({"_id": {"$in": [d["_id"] for d in stale]}})
    page = tags.tag_page(tag="x", limit=5)
    assert len(page.items) < 5  # ROUNDS walks of 6 entries, most of them stale
    assert page.next_cursor is not None
    assert [p["id"] for p in walk(api, alice, "/posts/tags/x?limit=5")] == _newest_first(docs[30:])


def test_cursor_pages_across_ties_neither_skip_nor_repeat(api, alice):
    at = now_ms() - timedelta(hours=1)
    docs = _raw_posts(alice, [at] * 7 + [at - timedelta(milliseconds=1)] * 3)
    for limit in (1, 2, 3):
        shown = walk(api, alice, f"/posts/tags/x?limit={limit}")
        assert [p["id"] for p in shown] == _newest_first(docs)


@pytest.mark.parametrize("timeline", ["tags", "mentions"])
def test_hidden_authors_are_left_out_and_pages_stay_full(alice, bob, timeline):
    carol = uuid.uuid4()
    resolve = _resolver(carol=carol)
    made = [
        services.post_create(
            author_id=bob if i % 3 == 0 else alice, content=f"#x @carol {i}", resolve=resolve
        )
        for i in range(15)
    ]
    read = (
        (lambda **kw: tags.tag_page(tag="x", **kw))
        if timeline == "tags"
        else (lambda **kw: tags.mentions_page(user_id=carol, **kw))
    )
    shown, after = [], None
    while True:
        page = read(limit=3, after=after, hidden={bob})
        assert len(page.items) == 3 or page.next_cursor is None
        shown.extend(page.items)
        if (after := page.next_cursor) is None:
            break
    assert [p["_id"] for p in shown] == [p.id for p in reversed(made) if p.author_id == alice]


def test_ensure_schema_lists_posts_stored_without_entries(alice):
    docs = _raw_posts(alice, [now_ms() - timedelta(minutes=i) for i in range(3)])
    list_entries.entries().delete_many({})
    call_command("ensure_schema", stdout=io.StringIO())
    assert sorted(e["p"] for e in list_entries.entries().find({"k": "tag:x"})) == sorted(
        d["_id"] for d in docs
    )
    assert list_entries.insert(docs) == 0  # already there: kept, no error
    call_command("ensure_schema", stdout=io.StringIO())  # not empty: nothing read again
    assert list_entries.entries().count_documents({}) == 3
