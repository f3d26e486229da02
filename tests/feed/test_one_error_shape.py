"""Both services answer the same mistake with the same body (issue 14): a malformed id in a
path or in a body field, and an unusable cursor."""

import uuid

import httpx
import pytest

from tests.feed.helpers import Stack

NOT_A_UUID = "not-a-uuid"


def invalid_uuid(field: str) -> dict:
    message = "Must be a valid UUID."
    return {"code": "invalid_uuid", "message": f"{field}: {message}", "details": {field: [message]}}


# (service, method, path, JSON body, the field the answer names)
CASES = [
    ("posts", "GET", f"/posts/{NOT_A_UUID}", None, "id"),
    ("posts", "GET", f"/posts/{NOT_A_UUID}/replies/", None, "id"),
    ("posts", "DELETE", f"/posts/{NOT_A_UUID}", None, "id"),
    ("posts", "GET", f"/posts/author/{NOT_A_UUID}", None, "author_id"),
    ("posts", "POST", "/posts", {"content": "x", "parent_post_id": NOT_A_UUID}, "parent_post_id"),
    ("posts", "POST", "/posts", {"original_post_id": 42}, "original_post_id"),
    ("followers", "GET", f"/followers/user/{NOT_A_UUID}/followers", None, "user_id"),
    ("followers", "GET", f"/followers/user/{NOT_A_UUID}/", None, "user_id"),
    ("followers", "DELETE", f"/followers/{NOT_A_UUID}", None, "follow_id"),
    ("followers", "DELETE", f"/followers/following/{NOT_A_UUID}", None, "user_id"),
    ("followers", "POST", "/followers", {"receiver_id": NOT_A_UUID}, "receiver_id"),
    ("followers", "POST", "/followers", {"receiver_id": 42}, "receiver_id"),
]


def send(stack: Stack, service: str, method: str, path: str, body: dict | None) -> httpx.Response:
    base = getattr(stack, service).url
    with stack.as_user(uuid.uuid4()) as client:
        return client.request(method, base + path, json=body)


@pytest.mark.parametrize(("service", "method", "path", "body", "field"), CASES)
def test_a_malformed_id_is_the_same_400_in_paths_and_bodies_of_both_services(
    stack, service, method, path, body, field
):
    response = send(stack, service, method, path, body)
    assert response.status_code == 400, response.text
    assert response.json() == invalid_uuid(field)


def test_an_unusable_cursor_is_the_same_400_in_both_services(stack):
    paths = {
        "posts": f"/posts/author/{uuid.uuid4()}",
        "followers": f"/followers/user/{uuid.uuid4()}/followers",
    }
    bodies = []
    for service, path in paths.items():
        response = send(stack, service, "GET", path + "?cursor=forged", None)
        assert response.status_code == 400, response.text
        bodies.append(response.json())
    assert (
        bodies[0]
        == bodies[1]
        == {
            "code": "invalid_cursor",
            "message": "cursor: Cursor is not valid.",
            "details": {"cursor": ["Cursor is not valid."]},
        }
    )


def test_a_cursor_of_the_other_services_list_is_that_same_400(stack):
    me, friend = uuid.uuid4(), uuid.uuid4()
    with stack.as_user(me) as client:
        for _ in range(2):
            assert client.post(stack.posts.url + "/posts", json={"content": "x"}).status_code == 201
        first = client.get(f"{stack.posts.url}/posts/author/{me}?limit=1")
        cursor = httpx.URL(first.links["next"]["url"]).params["cursor"]
        assert client.post(
            stack.followers.url + "/followers", json={"receiver_id": str(friend)}
        ).is_success
        response = client.get(
            f"{stack.followers.url}/followers/user/{me}/following?cursor={cursor}"
        )
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_cursor"
    assert response.json()["details"] == {"cursor": ["Cursor is not valid."]}
