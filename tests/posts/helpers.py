"""Request helpers for the posts tests."""

import re
import uuid
from datetime import datetime
from typing import Any

from rest_framework.test import APIClient

from posts.authors import author_stats_touch
from posts.documents import Post, now_ms, posts_collection
from posts.notifications import stats, store
from tests import helpers
from tests.helpers import get, headers_for

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
# Issue 17 added these (README, "Changes for clients"); v1 clients ignore unknown fields.
ENGAGEMENT_FIELDS = {"likes_count", "mentions", "tags", "liked", "bookmarked"}
POST_FIELDS = V1_FIELDS | ENGAGEMENT_FIELDS


def create(api: APIClient, user: uuid.UUID, path: str = "/posts", **body: Any) -> Any:
    return api.post(path, body, format="json", **headers_for(user))


def created(api: APIClient, user: uuid.UUID, **body: Any) -> dict[str, Any]:
    """Create through the API and return the JSON post (asserting the 201)."""
    body.setdefault("content", "hello")
    response = create(api, user, **body)
    assert response.status_code == 201, response.content
    return dict(response.json())


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


def stored(
    author_id: uuid.UUID,
    *,
    created_at: datetime | None = None,
    content: str = "stored",
    parent_post_id: uuid.UUID | None = None,
) -> Post:
    """Insert a post directly (fixed timestamps for ordering tests); counters untouched, the
    author's statistics counted as post_create does."""
    post = Post(
        author_id=author_id,
        content=content,
        parent_post_id=parent_post_id,
        created_at=created_at or now_ms(),
    )
    author_stats_touch(author_id=author_id, at=post.created_at)
    post.save(force_insert=True)
    return post


class Recorder:
    """A real collection with every ``find``/``find_one`` filter and ``aggregate`` pipeline's
    ``$match`` sent to it written down (tests/posts/conftest.py's ``recorder`` for the posts;
    the notifications' entries); any other call goes to the collection unrecorded."""

    def __init__(self, real: Any) -> None:
        self.filters: list[dict[str, Any]] = []
        self.real = real

    def find(self, query: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        self.filters.append(query)
        return self.real.find(query, *args, **kwargs)

    def find_one(self, query: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        self.filters.append(query)
        return self.real.find_one(query, *args, **kwargs)

    def aggregate(self, pipeline: list[dict[str, Any]], *args: Any, **kwargs: Any) -> Any:
        self.filters.extend(stage["$match"] for stage in pipeline if "$match" in stage)
        return self.real.aggregate(pipeline, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def matched(self, filters: list[dict[str, Any]] | None = None) -> int:
        """Documents matched by the recorded filters (or these), limits aside: the work they
        ask for."""
        chosen = self.filters if filters is None else filters
        return sum(self.real.count_documents(f) for f in chosen)


def stored_notifications(docs: list[dict[str, Any]]) -> None:
    """Notification entry documents stored with their recipients' statistics written first,
    whole (as the seed writes them: posts.notifications.stats.write)."""
    stats.write(stats.updates(docs))
    store.entries().insert_many(docs)


def names_a_group(query: object) -> bool:
    """Whether a notification filter names a group anywhere (a group read or count, not a
    list read)."""
    if isinstance(query, list):
        return any(names_a_group(q) for q in query)
    return isinstance(query, dict) and any(k == "g" or names_a_group(v) for k, v in query.items())
