"""Likes: idempotent PUT/DELETE, an exact ``likes_count``, who liked, what I liked."""

import uuid

from rest_framework.test import APIClient

from posts.documents import posts_collection
from posts.marks import LIKES
from tests.helpers import all_at_once, assert_refused, get, headers_for
from tests.posts.helpers import created, walk

N = 50


def like(api, user, post_id, method="put"):
    return getattr(api, method)(f"/posts/{post_id}/like", **headers_for(user))


def test_like_is_idempotent_and_counted_once(api, alice, bob):
    post = created(api, alice)
    first = like(api, bob, post["id"])
    assert first.status_code == 200, first.content
    assert (first.json()["liked"], first.json()["likes_count"]) == (True, 1)
    again = like(api, bob, post["id"])
    assert again.status_code == 200
    assert again.json() == first.json()
    seen_by_author = get(api, alice, f"/posts/{post['id']}").json()
    assert (seen_by_author["liked"], seen_by_author["likes_count"]) == (False, 1)


def test_unlike_is_idempotent(api, alice, bob):
    post = created(api, alice)
    like(api, bob, post["id"])
    gone = like(api, bob, post["id"], "delete")
    assert gone.status_code == 200
    assert (gone.json()["liked"], gone.json()["likes_count"]) == (False, 0)
    assert like(api, bob, post["id"], "delete").json()["likes_count"] == 0
    assert LIKES.collection().count_documents({}) == 0


def test_like_of_unknown_or_deleted_post_is_404(api, alice, bob):
    assert like(api, bob, uuid.uuid4()).status_code == 404
    assert like(api, bob, uuid.uuid4(), "delete").status_code == 404
    post = created(api, alice)
    assert api.delete(f"/posts/{post['id']}", **headers_for(alice)).status_code == 204
    assert like(api, bob, post["id"]).status_code == 404
    assert get(api, bob, f"/posts/{post['id']}/likes").status_code == 404


def test_bad_post_id_is_a_400_naming_it(api, bob):
    assert_refused(like(api, bob, "not-a-uuid"), "id")
    assert_refused(get(api, bob, "/posts/nope/likes"), "id")


def test_deleting_a_post_removes_its_likes_and_its_replies_likes(api, alice, bob):
    root = created(api, alice)
    reply = created(api, bob, content="re", parent_post_id=root["id"])
    like(api, bob, root["id"])
    like(api, alice, reply["id"])
    other = created(api, alice, content="kept")
    like(api, bob, other["id"])
    assert api.delete(f"/posts/{root['id']}", **headers_for(alice)).status_code == 204
    assert [r["p"] for r in LIKES.collection().find({})] == [uuid.UUID(other["id"])]
    assert walk(api, bob, "/posts/liked") == [get(api, bob, f"/posts/{other['id']}").json()]


def test_who_liked_newest_first_paged(api, alice):
    post = created(api, alice)
    users = [uuid.uuid4() for _ in range(7)]
    for user in users:
        assert like(api, user, post["id"]).status_code == 200
    likers = walk(api, alice, f"/posts/{post['id']}/likes?limit=3")
    assert [uuid.UUID(x["user_id"]) for x in likers] == users[::-1]
    assert all(set(x) == {"user_id", "liked_at"} for x in likers)


def test_liked_posts_in_order_of_liking(api, alice, bob):
    posts = [created(api, alice, content=f"p{i}") for i in range(5)]
    for post in [posts[3], posts[0], posts[4], posts[1]]:
        like(api, bob, post["id"])
    liked = walk(api, bob, "/posts/liked?limit=2")
    assert [p["id"] for p in liked] == [posts[i]["id"] for i in (1, 4, 0, 3)]
    assert all(p["liked"] for p in liked)
    assert walk(api, alice, "/posts/liked") == []


def test_concurrent_likes_by_distinct_users_are_all_counted(api, alice):
    post = created(api, alice)

    def act(i):
        return like(APIClient(), uuid.uuid4(), post["id"]).status_code

    assert all_at_once(act, N) == [200] * N
    assert get(api, alice, f"/posts/{post['id']}").json()["likes_count"] == N
    assert LIKES.collection().count_documents({"p": uuid.UUID(post["id"])}) == N
    assert posts_collection().find_one({"_id": uuid.UUID(post["id"])}).get("_pending") in (None, {})


def test_concurrent_likes_by_one_user_count_once(api, alice, bob):
    post = created(api, alice)

    def act(i):
        return like(APIClient(), bob, post["id"]).status_code

    assert all_at_once(act, N) == [200] * N
    assert get(api, alice, f"/posts/{post['id']}").json()["likes_count"] == 1
    assert LIKES.collection().count_documents({}) == 1


def test_concurrent_likes_and_unlikes_by_one_user_stay_exact(api, alice, bob):
    post = created(api, alice)

    def act(i):
        return like(APIClient(), bob, post["id"], "put" if i % 2 else "delete").status_code

    assert all_at_once(act, 20) == [200] * 20
    count = get(api, alice, f"/posts/{post['id']}").json()["likes_count"]
    assert count == LIKES.collection().count_documents({}) in (0, 1)
