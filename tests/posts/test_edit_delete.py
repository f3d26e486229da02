"""PATCH and DELETE /posts/{id}: authorship, edited_at, cascade and counters."""

import uuid

import pytest

from tests.helpers import RFC3339_UTC_MS, get, headers_for
from tests.posts.helpers import count, created, raw


def patch(api, user, post_id, body, suffix=""):
    return api.patch(f"/posts/{post_id}{suffix}", body, format="json", **headers_for(user))


def delete(api, user, post_id, suffix=""):
    return api.delete(f"/posts/{post_id}{suffix}", **headers_for(user))


@pytest.mark.parametrize("suffix", ["", "/"])
def test_author_edits_content(api, alice, suffix):
    post = created(api, alice, content="typo")
    response = patch(api, alice, post["id"], {"content": "  fixed  "}, suffix)
    assert response.status_code == 200
    body = response.json()
    assert body["content"] == "fixed"
    assert RFC3339_UTC_MS.match(body["edited_at"])
    assert body["edited_at"] >= body["created_at"]
    assert {k: v for k, v in body.items() if k not in ("content", "edited_at")} == {
        k: v for k, v in post.items() if k not in ("content", "edited_at")
    }
    assert get(api, alice, f"/posts/{post['id']}").json() == body


def test_non_author_cannot_edit(api, alice, bob):
    post = created(api, alice, content="mine")
    response = patch(api, bob, post["id"], {"content": "yours now"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert raw(post["id"])["content"] == "mine"


def test_edit_validation(api, alice):
    post = created(api, alice, content="mine")
    for body, field in (
        ({"content": "x" * 5001}, "content"),
        ({"content": "  "}, "content"),
        ({"content": None}, "content"),
        ({}, "content"),
        ({"content": {"$set": "x"}}, "content"),
        ({"content": "ok", "author_id": str(uuid.uuid4())}, "author_id"),
    ):
        response = patch(api, alice, post["id"], body)
        assert response.status_code == 400, body
        assert field in response.json()["details"], body
    assert raw(post["id"])["content"] == "mine"
    assert "edited_at" not in raw(post["id"])


def test_share_content_can_be_cleared_and_still_points_at_original(api, alice, bob):
    original = created(api, alice, content="original")
    share = created(api, bob, content="quote", original_post_id=original["id"])
    cleared = patch(api, bob, share["id"], {"content": None})
    assert cleared.status_code == 200
    assert cleared.json()["content"] == ""
    assert cleared.json()["original_post_id"] == original["id"]
    assert patch(api, alice, original["id"], {"content": "edited"}).status_code == 200
    assert get(api, bob, f"/posts/{share['id']}").json()["original_post_id"] == original["id"]
    assert get(api, bob, f"/posts/{original['id']}").json()["shares_count"] == 1


def test_edit_unknown_or_malformed_or_anonymous(api, alice):
    assert patch(api, alice, uuid.uuid4(), {"content": "x"}).status_code == 404
    assert patch(api, alice, "nope", {"content": "x"}).status_code == 400
    post = created(api, alice)
    assert api.patch(f"/posts/{post['id']}", {"content": "x"}, format="json").status_code == 401


@pytest.mark.parametrize("suffix", ["", "/"])
def test_author_deletes_post(api, alice, suffix):
    post = created(api, alice)
    response = delete(api, alice, post["id"], suffix)
    assert response.status_code == 204
    assert response.content == b""
    assert get(api, alice, f"/posts/{post['id']}").status_code == 404
    assert delete(api, alice, post["id"]).status_code == 404


def test_non_author_cannot_delete(api, alice, bob):
    post = created(api, alice)
    response = delete(api, bob, post["id"])
    assert response.status_code == 403
    assert raw(post["id"]) is not None


def test_delete_needs_identity_and_valid_id(api, alice):
    post = created(api, alice)
    assert api.delete(f"/posts/{post['id']}").status_code == 401
    response = delete(api, alice, "123")
    assert response.status_code == 400
    assert "id" in response.json()["details"]
    assert delete(api, alice, uuid.uuid4()).status_code == 404
    assert count() == 1


def test_delete_removes_the_whole_subtree_and_fixes_the_parent_count(api, alice, bob):
    root = created(api, alice, content="root")
    target = created(api, alice, content="target", parent_post_id=root["id"])
    sibling = created(api, bob, content="sibling", parent_post_id=root["id"])
    subtree = []
    level = [target["id"]]
    for depth in range(3):  # 3 levels, 2 replies per node: 2 + 4 + 8 posts under target
        nxt = []
        for parent in level:
            for i in range(2):
                nxt.append(created(api, bob, content=f"d{depth}.{i}", parent_post_id=parent)["id"])
        subtree += nxt
        level = nxt
    unrelated = created(api, bob, content="unrelated")
    assert get(api, alice, f"/posts/{root['id']}").json()["replies_count"] == 2

    assert delete(api, alice, target["id"]).status_code == 204  # alice deletes bob's replies too

    for post_id in [target["id"], *subtree]:
        assert raw(post_id) is None
    assert raw(sibling["id"]) is not None
    assert raw(unrelated["id"]) is not None
    assert count() == 3
    assert get(api, alice, f"/posts/{root['id']}").json()["replies_count"] == 1
    assert [p["id"] for p in get(api, alice, f"/posts/{root['id']}/replies").json()] == [
        sibling["id"]
    ]


def test_deleting_a_share_decrements_the_original(api, alice, bob):
    original = created(api, alice)
    share = created(api, bob, original_post_id=original["id"])
    created(api, alice, original_post_id=original["id"])
    assert delete(api, bob, share["id"]).status_code == 204
    assert get(api, alice, f"/posts/{original['id']}").json()["shares_count"] == 1


def test_shares_outlive_a_deleted_original(api, alice, bob):
    original = created(api, alice, content="soon gone")
    share = created(api, bob, content="my take", original_post_id=original["id"])
    reply_to_share = created(api, alice, content="re", parent_post_id=share["id"])
    assert delete(api, alice, original["id"]).status_code == 204
    kept = get(api, bob, f"/posts/{share['id']}").json()
    assert kept["original_post_id"] == original["id"]  # names a post that now answers 404
    assert kept["content"] == "my take"
    assert raw(reply_to_share["id"]) is not None
    assert get(api, bob, f"/posts/{original['id']}").status_code == 404


def test_counters_never_go_below_zero(api, alice, bob):
    root = created(api, alice)
    reply = created(api, bob, content="re", parent_post_id=root["id"])
    from posts.documents import posts_collection

    posts_collection().update_one({"_id": uuid.UUID(root["id"])}, {"$set": {"replies_count": 0}})
    assert delete(api, bob, reply["id"]).status_code == 204
    assert get(api, alice, f"/posts/{root['id']}").json()["replies_count"] == 0
