"""Request helpers for the posts tests."""

import re
import uuid
from typing import Any

from rest_framework.test import APIClient

from posts.documents import posts_collection
from tests import helpers
from tests.helpers import headers_for

RFC3339_UTC_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
V1_FIELDS = {
    "id",
    "author_id",
    "content",
    "parent_post_id",
    "original_post_id",
    "replies_count",
    "shares_count",
    "created_at",
    "edited_at",
}


def create(api: APIClient, user: uuid.UUID, path: str = "/posts", **body: Any) -> Any:
    return api.post(path, body, format="json", **headers_for(user))


def created(api: APIClient, user: uuid.UUID, **body: Any) -> dict[str, Any]:
    """Create through the API and return the JSON post (asserting the 201)."""
    body.setdefault("content", "hello")
    response = create(api, user, **body)
    assert response.status_code == 201, response.content
    return dict(response.json())


def get(api: APIClient, user: uuid.UUID, path: str) -> Any:
    return api.get(path, **headers_for(user))


def next_link(response: Any) -> str | None:
    """The next page's path: the Link target is relative (no PUBLIC_BASE_URL in the tests)."""
    link = helpers.next_link(response)
    if link is None:
        return None
    match = re.fullmatch(r"(/.*)", link)
    assert match, link
    return match.group(1)


def walk(api: APIClient, user: uuid.UUID, url: str, between: Any = None) -> list[dict[str, Any]]:
    """Follow rel="next" to the end; ``between()`` runs after each page (to insert posts)."""
    items: list[dict[str, Any]] = []
    next_url: str | None = url
    while next_url:
        response = get(api, user, next_url)
        assert response.status_code == 200, response.content
        items.extend(response.json())
        next_url = next_link(response)
        if between is not None:
            between()
    return items


def count() -> int:
    return posts_collection().count_documents({})


def raw(post_id: str | uuid.UUID) -> dict[str, Any] | None:
    found: dict[str, Any] | None = posts_collection().find_one({"_id": uuid.UUID(str(post_id))})
    return found
