"""Posts tests run against the real test MongoDB-wire server (settings.test_posts), clean
collections per test. Indexes are kept: documents are deleted, the collections are not dropped."""

import io
import uuid
from datetime import datetime
from typing import Any

import pytest
from django.core.management import call_command

from posts.authors import author_stats_touch, stats_collection
from posts.documents import Post, now_ms, posts_collection


@pytest.fixture(scope="session", autouse=True)
def posts_schema() -> None:
    call_command("ensure_schema", stdout=io.StringIO())


@pytest.fixture(autouse=True)
def clean_posts(settings: Any) -> None:
    settings.HORNET_AUTH_MODE = "mesh"  # production identity rules, not the dev cookie
    posts_collection().delete_many({})
    stats_collection().delete_many({})


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
