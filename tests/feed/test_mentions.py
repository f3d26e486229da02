"""@mentions resolved through the real followers service (one call per post, the caller's
headers forwarded), and a post written anyway when that service is down."""

import uuid

from tests.feed.helpers import Stack, post


def seen(stack: Stack, user: uuid.UUID, username: str) -> None:
    with stack.as_user(user, **{"X-Username": username}) as client:
        assert client.get(f"{stack.followers.url}/followers/suggestions").status_code == 200


def test_mentions_resolve_to_user_ids_in_one_call(stack: Stack):
    alice, bob, carol = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    seen(stack, bob, "bob")
    seen(stack, carol, "carol.lee")
    stack.proxy.requests.clear()
    body = post(stack, alice, "hi @Bob, @carol.lee. and @nobody! #CS101 #cs101 #Événement")
    assert body["mentions"] == [str(bob), str(carol)]
    assert body["tags"] == ["cs101", "événement"]
    calls = stack.proxy.calls("/followers/users/ids")
    assert len(calls) == 1
    assert calls[0][2].get("x-user-id") == str(alice)  # forwarded as the caller
    with stack.as_user(bob) as client:
        mentioning = client.get(f"{stack.posts.url}/posts/mentions").json()
    assert [p["id"] for p in mentioning] == [body["id"]]
    with stack.as_user(bob) as client:
        edited = client.patch(f"{stack.posts.url}/posts/{body['id']}", json={"content": "x"})
    assert edited.status_code == 403  # only the author edits
    with stack.as_user(alice) as client:
        edited = client.patch(
            f"{stack.posts.url}/posts/{body['id']}", json={"content": "now @carol.lee #new"}
        ).json()
    assert (edited["mentions"], edited["tags"]) == ([str(carol)], ["new"])
    with stack.as_user(bob) as client:
        assert client.get(f"{stack.posts.url}/posts/mentions").json() == []


def test_a_post_is_written_with_mentions_unresolved_when_followers_is_down(stack: Stack):
    alice, bob = uuid.uuid4(), uuid.uuid4()
    seen(stack, bob, "bob")
    stack.proxy.stop()
    body = post(stack, alice, "hello @bob #still_tagged")
    assert (body["mentions"], body["tags"]) == ([], ["still_tagged"])
    assert body["content"] == "hello @bob #still_tagged"
