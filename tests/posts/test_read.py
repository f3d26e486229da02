"""GET /posts/{id}, /posts/author/{author_id}, /posts/{id}/replies, /posts/{id}/context."""

import uuid

import pytest

from tests.helpers import get, headers_for
from tests.posts.helpers import created, next_link


@pytest.mark.parametrize("suffix", ["", "/"])
def test_get_post(api, alice, bob, suffix):
    post = created(api, alice, content="hi")
    response = get(api, bob, f"/posts/{post['id']}{suffix}")  # any caller may read
    assert response.status_code == 200
    assert response.json() == post


def test_unknown_post_is_404_naming_id(api, alice):
    response = get(api, alice, f"/posts/{uuid.uuid4()}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "id" in response.json()["details"]


@pytest.mark.parametrize(
    "path",
    [
        "/posts/not-a-uuid",
        "/posts/1234",
        "/posts/%7B%22$gt%22:%22%22%7D",
        "/posts/not-a-uuid/replies",
        "/posts/not-a-uuid/context/",
    ],
)
def test_malformed_post_id_is_400_naming_id(api, alice, path):
    response = get(api, alice, path)
    assert response.status_code == 400
    assert response.json()["details"] == {"id": ["Must be a valid UUID."]}


@pytest.mark.parametrize(
    "path", ["/posts/{id}", "/posts/author/{author}", "/posts/{id}/replies", "/posts/{id}/context"]
)
def test_reads_need_an_identity(api, alice, path):
    post = created(api, alice)
    response = api.get(path.format(id=post["id"], author=alice))
    assert response.status_code == 401


@pytest.mark.parametrize("suffix", ["", "/"])
def test_author_timeline_newest_first(api, alice, bob, suffix):
    first = created(api, alice, content="first")
    created(api, bob, content="not alice's")
    reply = created(api, alice, content="reply", parent_post_id=first["id"])
    share = created(api, alice, original_post_id=first["id"])
    response = get(api, bob, f"/posts/author/{alice}{suffix}")
    assert response.status_code == 200
    assert [p["id"] for p in response.json()] == [share["id"], reply["id"], first["id"]]
    assert response.get("Link") is None


def test_empty_timeline_is_200_empty_list(api, alice, bob):
    response = get(api, alice, f"/posts/author/{bob}")
    assert response.status_code == 200
    assert response.json() == []


def test_malformed_author_id_is_400_naming_author_id(api, alice):
    response = get(api, alice, "/posts/author/bob")
    assert response.status_code == 400
    assert "author_id" in response.json()["details"]


@pytest.mark.parametrize("suffix", ["", "/"])
def test_replies_oldest_first_and_direct_only(api, alice, bob, suffix):
    post = created(api, alice)
    r1 = created(api, bob, content="1", parent_post_id=post["id"])
    r2 = created(api, alice, content="2", parent_post_id=post["id"])
    created(api, bob, content="nested", parent_post_id=r1["id"])
    created(api, bob, content="elsewhere")
    response = get(api, alice, f"/posts/{post['id']}/replies{suffix}")
    assert response.status_code == 200
    assert [p["id"] for p in response.json()] == [r1["id"], r2["id"]]


def test_replies_of_a_post_without_replies_is_empty(api, alice):
    post = created(api, alice)
    response = get(api, alice, f"/posts/{post['id']}/replies")
    assert response.status_code == 200
    assert response.json() == []


def test_replies_of_unknown_post_is_404(api, alice):
    response = get(api, alice, f"/posts/{uuid.uuid4()}/replies")
    assert response.status_code == 404
    assert "id" in response.json()["details"]


@pytest.mark.parametrize("suffix", ["", "/"])
def test_context_has_ancestors_root_first_and_direct_replies(api, alice, bob, suffix):
    root = created(api, alice, content="root")
    mid = created(api, bob, content="mid", parent_post_id=root["id"])
    post = created(api, alice, content="post", parent_post_id=mid["id"])
    replies = [created(api, bob, content=f"r{i}", parent_post_id=post["id"]) for i in range(2)]
    created(api, bob, content="grandchild", parent_post_id=replies[0]["id"])
    created(api, bob, content="sibling", parent_post_id=mid["id"])
    response = get(api, bob, f"/posts/{post['id']}/context{suffix}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"ancestors", "post", "replies"}
    assert [p["id"] for p in body["ancestors"]] == [root["id"], mid["id"]]
    assert body["ancestors"][1]["replies_count"] == 2
    assert body["post"]["id"] == post["id"]
    assert body["post"]["replies_count"] == 2
    assert [p["id"] for p in body["replies"]] == [r["id"] for r in replies]
    assert response.get("Link") is None


def test_context_of_root_has_no_ancestors(api, alice):
    root = created(api, alice)
    body = get(api, alice, f"/posts/{root['id']}/context").json()
    assert body == {"ancestors": [], "post": root, "replies": []}


def test_context_pages_replies_with_a_link_to_replies(api, alice, bob):
    post = created(api, alice)
    replies = [created(api, bob, content=f"r{i}", parent_post_id=post["id"]) for i in range(5)]
    response = get(api, alice, f"/posts/{post['id']}/context?limit=2")
    assert [p["id"] for p in response.json()["replies"]] == [r["id"] for r in replies[:2]]
    link = next_link(response)
    assert link is not None
    assert link.startswith(f"/posts/{post['id']}/replies?")
    rest = get(api, alice, link)
    assert [p["id"] for p in rest.json()] == [r["id"] for r in replies[2:4]]


def test_context_of_unknown_post_is_404(api, alice):
    assert get(api, alice, f"/posts/{uuid.uuid4()}/context").status_code == 404


def test_browsable_api_renders_in_development(api, alice):
    post = created(api, alice, content="<b>escaped</b>")
    for path in (f"/posts/{post['id']}", f"/posts/author/{alice}", f"/posts/{post['id']}/context"):
        response = api.get(path, HTTP_ACCEPT="text/html", **headers_for(alice))
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith("text/html")
        assert "<b>escaped</b>" not in response.content.decode()
