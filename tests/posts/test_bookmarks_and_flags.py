"""Bookmarks (private, idempotent) and the viewer flags every post carries."""

import uuid

from posts.marks import BOOKMARKS
from tests.helpers import get, headers_for
from tests.posts.helpers import created, walk
from tests.posts.test_threads import Commands, commands  # noqa: F401 - the fixture


def mark(api, user, post_id, what, method="put"):
    return getattr(api, method)(f"/posts/{post_id}/{what}", **headers_for(user))


def test_bookmark_is_idempotent_and_private(api, alice, bob):
    post = created(api, alice)
    first = mark(api, bob, post["id"], "bookmark")
    assert first.status_code == 200, first.content
    assert (first.json()["bookmarked"], first.json()["liked"]) == (True, False)
    assert mark(api, bob, post["id"], "bookmark").json() == first.json()
    assert get(api, alice, f"/posts/{post['id']}").json()["bookmarked"] is False
    assert walk(api, alice, "/posts/bookmarks") == []
    assert [p["id"] for p in walk(api, bob, "/posts/bookmarks")] == [post["id"]]
    removed = mark(api, bob, post["id"], "bookmark", "delete")
    assert (removed.status_code, removed.json()["bookmarked"]) == (200, False)
    assert mark(api, bob, post["id"], "bookmark", "delete").status_code == 200
    assert walk(api, bob, "/posts/bookmarks") == []


def test_bookmark_of_unknown_or_deleted_post_is_404(api, alice, bob):
    assert mark(api, bob, uuid.uuid4(), "bookmark").status_code == 404
    assert mark(api, bob, uuid.uuid4(), "bookmark", "delete").status_code == 404
    post = created(api, alice)
    mark(api, bob, post["id"], "bookmark")
    assert api.delete(f"/posts/{post['id']}", **headers_for(alice)).status_code == 204
    assert BOOKMARKS.collection().count_documents({}) == 0
    assert mark(api, bob, post["id"], "bookmark").status_code == 404


def test_bookmarks_in_order_of_bookmarking(api, alice, bob):
    posts = [created(api, alice, content=f"p{i}") for i in range(5)]
    for i in (2, 4, 0):
        mark(api, bob, posts[i]["id"], "bookmark")
    listed = walk(api, bob, "/posts/bookmarks?limit=2")
    assert [p["id"] for p in listed] == [posts[i]["id"] for i in (0, 4, 2)]
    assert all(p["bookmarked"] for p in listed)


def test_every_list_carries_the_callers_flags(api, alice, bob):
    root = created(api, alice, content="root")
    reply = created(api, alice, content="re", parent_post_id=root["id"])
    mark(api, bob, root["id"], "like")
    mark(api, bob, reply["id"], "bookmark")
    flags = {
        p["id"]: (p["liked"], p["bookmarked"]) for p in walk(api, bob, f"/posts/author/{alice}")
    }
    assert flags == {root["id"]: (True, False), reply["id"]: (False, True)}
    context = get(api, bob, f"/posts/{reply['id']}/context").json()
    assert (context["ancestors"][0]["liked"], context["post"]["bookmarked"]) == (True, True)
    replies = get(api, bob, f"/posts/{root['id']}/replies").json()
    assert replies[0]["bookmarked"] is True
    mine = walk(api, alice, f"/posts/author/{alice}")
    assert not any(p["liked"] or p["bookmarked"] for p in mine)


def test_flags_cost_one_query_per_kind_for_a_whole_page(api, alice, bob, commands):  # noqa: F811
    few = [created(api, alice, content=f"few {i}") for i in range(2)]
    for post in few:
        mark(api, bob, post["id"], "like")
    page = f"/posts/author/{alice}?limit=40"
    small = commands.during(lambda: get(api, bob, page))
    many = [created(api, alice, content=f"many {i}") for i in range(30)]
    for post in many[::2]:
        mark(api, bob, post["id"], "like")
        mark(api, bob, post["id"], "bookmark")
    large = commands.during(lambda: get(api, bob, page))
    assert large == small  # 32 posts cost what 2 did: flags are not read per post
    body = get(api, bob, page).json()
    assert sum(p["liked"] for p in body) == 2 + 15
    assert sum(p["bookmarked"] for p in body) == 15
