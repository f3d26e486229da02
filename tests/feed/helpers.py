"""The feed tests' stack (both services for real, a recording proxy between them) and the
requests they make through it."""

import uuid
from dataclasses import dataclass

import httpx

from tests.support.proxies import RecordingProxy
from tests.support.services import Service

# The posts service's following-list cache in this stack (FEED_FOLLOWING_CACHE_SECONDS).
CACHE_SECONDS = 1.0
FOLLOW_BACKFILL = 3  # FEED_FOLLOW_BACKFILL, small so the fan-out tests reach a horizon


@dataclass
class Stack:
    posts: Service
    followers: Service
    proxy: RecordingProxy

    def as_user(self, user_id: uuid.UUID, **headers: str) -> httpx.Client:
        return httpx.Client(headers={"X-User-ID": str(user_id), **headers}, timeout=5)


def post(stack: Stack, author: uuid.UUID, content: str = "hello", **extra: str) -> dict:
    with stack.as_user(author) as client:
        response = client.post(f"{stack.posts.url}/posts", json={"content": content, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def follow(stack: Stack, sender: uuid.UUID, receiver: uuid.UUID) -> None:
    with stack.as_user(sender) as client:
        response = client.post(
            f"{stack.followers.url}/followers", json={"receiver_id": str(receiver)}
        )
    assert response.status_code in (200, 201), response.text


def feed(stack: Stack, user: uuid.UUID, url: str | None = None, **headers: str) -> httpx.Response:
    with stack.as_user(user, **headers) as client:
        return client.get(url or f"{stack.posts.url}/feed")
