"""Notifications end to end: the followers service's signals reach the posts service, which
notifies the followee of a follow and of a request, and the requester of the acceptance."""

import uuid

from tests.feed.helpers import Stack, follow


def notifications(stack: Stack, user: uuid.UUID) -> list[tuple[str, list[str]]]:
    with stack.as_user(user) as client:
        response = client.get(f"{stack.posts.url}/notifications")
    assert response.status_code == 200, response.text
    return [(g["type"], g["sample_account_ids"]) for g in response.json()]


def test_a_follow_notifies_the_followee_once(stack: Stack):
    alice, bob, carol = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    follow(stack, bob, alice)
    follow(stack, bob, alice)  # found: no second notification
    follow(stack, carol, alice)
    assert notifications(stack, alice) == [("follow", [str(carol), str(bob)])]
    assert notifications(stack, bob) == []


def test_a_request_and_its_acceptance_are_notified(stack: Stack):
    alice, bob = uuid.uuid4(), uuid.uuid4()
    with stack.as_user(alice) as client:
        locked = client.patch(f"{stack.followers.url}/followers/me", json={"locked": True})
        assert locked.status_code == 200, locked.text
    with stack.as_user(bob) as client:
        asked = client.post(f"{stack.followers.url}/followers", json={"receiver_id": str(alice)})
    assert asked.status_code == 202, asked.text
    assert notifications(stack, alice) == [("follow_request", [str(bob)])]
    with stack.as_user(alice) as client:
        accepted = client.post(f"{stack.followers.url}/followers/requests/{bob}/accept")
    assert accepted.status_code == 201, accepted.text
    assert notifications(stack, bob) == [("follow_accepted", [str(alice)])]
    assert notifications(stack, alice) == [("follow_request", [str(bob)])]
