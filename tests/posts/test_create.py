"""POST /posts: posts, replies, shares, and every way to get it wrong."""

import uuid

import pytest

from tests.helpers import RFC3339_UTC_MS, get, headers_for
from tests.posts.helpers import POST_FIELDS, count, create, created, raw


def test_create_post_returns_v1_json(api, alice):
    response = create(api, alice, content="  Hello, Horizon!  ")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == POST_FIELDS
    assert body["author_id"] == str(alice)
    assert body["content"] == "Hello, Horizon!"  # trimmed
    assert body["parent_post_id"] is None
    assert body["original_post_id"] is None
    assert body["replies_count"] == body["shares_count"] == 0
    assert RFC3339_UTC_MS.match(body["created_at"])
    assert body["edited_at"] is None
    assert response["Location"] == f"/posts/{body['id']}"
    assert get(api, alice, f"/posts/{body['id']}").json() == body  # stored exactly as answered


def test_create_with_trailing_slash(api, alice):
    assert create(api, alice, "/posts/", content="slash").status_code == 201


def test_reply_and_reply_to_reply_count_on_their_parent(api, alice, bob):
    post = created(api, alice, content="root")
    reply = created(api, bob, content="re", parent_post_id=post["id"])
    nested = created(api, alice, content="re re", parent_post_id=reply["id"])
    assert reply["parent_post_id"] == post["id"]
    assert nested["parent_post_id"] == reply["id"]
    assert get(api, alice, f"/posts/{post['id']}").json()["replies_count"] == 1
    assert get(api, alice, f"/posts/{reply['id']}").json()["replies_count"] == 1


def test_share_without_content_and_with_content(api, alice, bob):
    original = created(api, alice, content="worth sharing")
    bare = created(api, bob, content=None, original_post_id=original["id"])
    blank = created(api, bob, content="   ", original_post_id=original["id"])
    quoted = created(api, bob, content="look", original_post_id=original["id"])
    assert bare["content"] == blank["content"] == ""
    assert quoted["content"] == "look"
    assert bare["original_post_id"] == original["id"]
    assert get(api, bob, f"/posts/{original['id']}").json()["shares_count"] == 3


def test_share_with_content_omitted(api, alice, bob):
    original = created(api, alice)
    response = create(api, bob, original_post_id=original["id"])
    assert response.status_code == 201


@pytest.mark.parametrize("field", ["parent_post_id", "original_post_id"])
def test_reference_to_missing_post_is_404_naming_the_field(api, alice, field):
    response = create(api, alice, content="x", **{field: str(uuid.uuid4())})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert field in response.json()["details"]
    assert count() == 0  # the optimistic insert was undone


def test_reply_and_share_at_once_is_400(api, alice):
    post = created(api, alice)
    response = create(
        api, alice, content="x", parent_post_id=post["id"], original_post_id=post["id"]
    )
    assert response.status_code == 400
    assert {"parent_post_id", "original_post_id"} <= set(response.json()["details"])
    assert count() == 1


def test_content_of_5000_is_accepted_and_5001_refused(api, alice):
    assert create(api, alice, content="é" * 5000).status_code == 201
    response = create(api, alice, content="x" * 5001)
    assert response.status_code == 400
    assert "content" in response.json()["details"]
    assert count() == 1


def test_content_limit_applies_after_trimming(api, alice):
    assert create(api, alice, content="  " + "x" * 5000 + "\n").status_code == 201


@pytest.mark.parametrize("body", [{}, {"content": ""}, {"content": "   \n\t"}, {"content": None}])
def test_plain_post_needs_content(api, alice, body):
    response = create(api, alice, **body)
    assert response.status_code == 400
    assert "content" in response.json()["details"]
    assert count() == 0


def test_reply_needs_content(api, alice):
    post = created(api, alice)
    response = create(api, alice, content=" ", parent_post_id=post["id"])
    assert response.status_code == 400
    assert "content" in response.json()["details"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("content", {"$gt": ""}),
        ("content", {"$where": "1"}),
        ("content", ["a"]),
        ("content", 12),
        ("content", True),
        ("content", "nul\x00byte"),
        ("parent_post_id", {"$gt": ""}),
        ("parent_post_id", {"$ne": None}),
        ("original_post_id", {"$exists": True}),
        ("parent_post_id", 5),
        ("parent_post_id", "not-a-uuid"),
        ("original_post_id", ["00000000-0000-0000-0000-000000000000"]),
    ],
)
def test_wrong_types_and_operator_injection_are_400_naming_the_field(api, alice, field, value):
    created(api, alice)  # something an injected operator could match
    body = {"content": "x", field: value}
    response = api.post("/posts", body, format="json", **headers_for(alice))
    assert response.status_code == 400, response.content
    assert field in response.json()["details"]
    assert count() == 1


@pytest.mark.parametrize("field", ["contnet", "author_id", "id", "replies_count", "created_at"])
def test_unknown_fields_are_refused_naming_them(api, alice, bob, field):
    response = create(api, alice, content="x", **{field: str(bob)})
    assert response.status_code == 400
    assert response.json()["details"] == {field: ["Unknown field."]}
    assert count() == 0


def test_author_is_always_the_caller(api, alice):
    post = created(api, alice)
    assert raw(post["id"])["author_id"] == alice


def test_missing_identity_is_401_and_stores_nothing(api):
    response = api.post("/posts", {"content": "anonymous"}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert count() == 0


def test_malformed_identity_is_401(api):
    response = api.post("/posts", {"content": "x"}, format="json", HTTP_X_USER_ID="admin")
    assert response.status_code == 401
    assert count() == 0


@pytest.mark.parametrize("body", [b"[1, 2]", b"{not json", b'"text"'])
def test_non_object_bodies_are_400(api, alice, body):
    response = api.post("/posts", body, content_type="application/json", **headers_for(alice))
    assert response.status_code == 400
    assert count() == 0


def test_put_is_not_allowed(api, alice):
    post = created(api, alice)
    response = api.put(
        f"/posts/{post['id']}", {"content": "x"}, format="json", **headers_for(alice)
    )
    assert response.status_code == 405


def test_writes_are_throttled_per_caller_and_reads_are_not(api, alice, bob, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"writes": "2/min"})
    assert [create(api, alice, content="x").status_code for _ in range(3)] == [201, 201, 429]
    response = create(api, alice, content="x")
    assert response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0
    assert create(api, bob, content="bob is another caller").status_code == 201
    assert all(get(api, alice, f"/posts/author/{alice}").status_code == 200 for _ in range(5))
