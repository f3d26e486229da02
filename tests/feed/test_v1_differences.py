"""What a v1 client sees differently (docs/migrating-from-v1.md), pinned as behaviour.

One test per row of the document, named after its section: changing one of these answers is a
decision made in review (and a change to the document), never an accident. Both services run
for real (tests/feed/conftest.py).
"""

import re
import uuid

import httpx
import pytest

from tests.feed.helpers import Stack, feed, follow, post
from tests.helpers import next_link

RFC3339_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def get(stack: Stack, user: uuid.UUID, url: str) -> httpx.Response:
    with stack.as_user(user) as client:
        return client.get(url)


# --- 1. Lists are paged --------------------------------------------------------------------------


def test_1_lists_are_paged_20_by_default_with_a_next_link(stack):
    celebrity, author = uuid.uuid4(), uuid.uuid4()
    for _ in range(21):
        follow(stack, uuid.uuid4(), celebrity)
        post(stack, author)
    for url in (
        f"{stack.followers.url}/followers/user/{celebrity}/followers",
        f"{stack.posts.url}/posts/author/{author}",
    ):
        first = get(stack, author, url)
        assert first.status_code == 200, first.text
        assert len(first.json()) == 20
        rest = get(stack, author, str(first.url.join(next_link(first) or "")))
        assert len(rest.json()) == 1
        assert "next" not in rest.links


def test_1_the_page_ceiling_is_100_for_every_client(stack):
    response = get(stack, uuid.uuid4(), f"{stack.posts.url}/posts/author/{uuid.uuid4()}?limit=101")
    assert response.status_code == 400
    assert response.json()["details"] == {"limit": ["Must be an integer from 1 to 100."]}


# --- 2. The identity header is required on every route -------------------------------------------


@pytest.mark.parametrize(
    ("service", "method", "path"),
    [
        ("posts", "GET", "/posts/author/{id}"),
        ("posts", "GET", "/feed"),
        ("posts", "POST", "/posts"),
        ("followers", "GET", "/followers/user/{id}/followers"),
        ("followers", "POST", "/followers"),
    ],
)
def test_2_no_identity_is_401_with_the_one_error_shape(stack, service, method, path):
    url = getattr(stack, service).url + path.format(id=uuid.uuid4())
    response = httpx.request(method, url, json={} if method == "POST" else None, timeout=5)
    assert response.status_code == 401, response.text
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == "not_authenticated"


# --- 3. Empty answers are empty lists ------------------------------------------------------------


def test_3_empty_timeline_replies_and_followers_are_200_empty_lists(stack):
    user = uuid.uuid4()
    lonely = post(stack, user)
    for url in (
        f"{stack.posts.url}/posts/author/{uuid.uuid4()}",
        f"{stack.posts.url}/posts/{lonely['id']}/replies",
        f"{stack.followers.url}/followers/user/{uuid.uuid4()}/followers",
    ):
        response = get(stack, user, url)
        assert (response.status_code, response.json()) == (200, []), url


# --- 4. Posts: status codes that mean what they say ----------------------------------------------


def test_4_unknown_post_is_404(stack):
    response = get(stack, uuid.uuid4(), f"{stack.posts.url}/posts/{uuid.uuid4()}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_4_delete_is_204_and_only_the_author_may(stack):
    author, other = uuid.uuid4(), uuid.uuid4()
    created = post(stack, author)
    url = f"{stack.posts.url}/posts/{created['id']}"
    with stack.as_user(other) as client:
        refused = client.delete(url)
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    assert get(stack, other, url).status_code == 200  # still there
    with stack.as_user(author) as client:
        deleted = client.delete(url)
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert get(stack, other, url).status_code == 404


def test_4_author_id_in_a_create_body_is_400_not_an_override(stack):
    me, someone = uuid.uuid4(), uuid.uuid4()
    with stack.as_user(me) as client:
        response = client.post(
            f"{stack.posts.url}/posts", json={"content": "x", "author_id": str(someone)}
        )
    assert response.status_code == 400
    assert response.json()["details"] == {"author_id": ["Unknown field."]}
    assert get(stack, me, f"{stack.posts.url}/posts/author/{someone}").json() == []


def test_4_reply_to_an_unknown_parent_is_404(stack):
    with stack.as_user(uuid.uuid4()) as client:
        response = client.post(
            f"{stack.posts.url}/posts", json={"content": "x", "parent_post_id": str(uuid.uuid4())}
        )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_4_reply_and_share_in_one_request_is_400(stack):
    user = uuid.uuid4()
    target = post(stack, user)
    with stack.as_user(user) as client:
        response = client.post(
            f"{stack.posts.url}/posts",
            json={
                "content": "x",
                "parent_post_id": target["id"],
                "original_post_id": target["id"],
            },
        )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


# --- 5. Follows ----------------------------------------------------------------------------------


def test_5_a_duplicate_follow_is_200_with_the_existing_follow(stack):
    me, them = uuid.uuid4(), uuid.uuid4()
    with stack.as_user(me) as client:
        first = client.post(f"{stack.followers.url}/followers", json={"receiver_id": str(them)})
        again = client.post(f"{stack.followers.url}/followers", json={"receiver_id": str(them)})
        count = client.get(f"{stack.followers.url}/followers/user/{them}/followers/count")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert count.json() == {"count": 1}


def test_5_self_follow_is_400(stack):
    me = uuid.uuid4()
    with stack.as_user(me) as client:
        response = client.post(f"{stack.followers.url}/followers", json={"receiver_id": str(me)})
    assert response.status_code == 400
    assert response.json()["code"] == "self_follow"


def test_5_only_the_follower_may_delete_a_follow_and_unknown_ids_are_404(stack):
    me, them, stranger = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    with stack.as_user(me) as client:
        made = client.post(f"{stack.followers.url}/followers", json={"receiver_id": str(them)})
    url = f"{stack.followers.url}/followers/{made.json()['id']}"
    with stack.as_user(stranger) as client:
        assert client.delete(url).status_code == 403
        assert client.delete(f"{stack.followers.url}/followers/{uuid.uuid4()}").status_code == 404
    with stack.as_user(me) as client:
        assert client.delete(url).status_code == 204


# --- 6. Post JSON has every field, always --------------------------------------------------------


def test_6_post_json_always_has_every_field(stack):
    user = uuid.uuid4()
    plain = post(stack, user)
    with stack.as_user(user) as client:
        share = client.post(f"{stack.posts.url}/posts", json={"original_post_id": plain["id"]})
    assert share.status_code == 201, share.text
    assert plain["parent_post_id"] is None
    assert plain["original_post_id"] is None
    assert plain["edited_at"] is None
    assert share.json()["content"] == ""
    for body in (plain, share.json()):
        assert RFC3339_MS.match(body["created_at"]), body["created_at"]


# --- 7. The home feed ----------------------------------------------------------------------------


def test_7_feed_is_newest_first_with_own_posts_without_replies_and_paged(stack):
    me, friend = uuid.uuid4(), uuid.uuid4()
    follow(stack, me, friend)
    older = post(stack, friend, "older")
    mine = post(stack, me, "mine")
    with stack.as_user(friend) as client:
        reply = client.post(
            f"{stack.posts.url}/posts", json={"content": "a reply", "parent_post_id": mine["id"]}
        )
    assert reply.status_code == 201
    newer = post(stack, friend, "newer")
    page = feed(stack, me, f"{stack.posts.url}/feed?limit=2")
    assert page.status_code == 200
    assert [p["id"] for p in page.json()] == [newer["id"], mine["id"]]
    rest = feed(stack, me, str(page.url.join(next_link(page) or "")))
    assert [p["id"] for p in rest.json()] == [older["id"]]


# --- 8. Trailing slashes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/feed/", "/posts/author/{id}/", "/followers/user/{id}/followers/"]
)
def test_8_a_trailing_slash_is_answered_not_redirected(stack, path):
    service = stack.followers if path.startswith("/followers") else stack.posts
    response = get(stack, uuid.uuid4(), service.url + path.format(id=uuid.uuid4()))
    assert response.status_code == 200, response.text
    assert response.json() == []
