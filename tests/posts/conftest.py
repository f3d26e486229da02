"""Posts tests run against the real test FerretDB (settings.test_posts), one clean
collection per test. Indexes are kept: documents are deleted, the collection is not dropped."""

import io
import uuid
from datetime import datetime
from typing import Any

import pytest
from django.core.management import call_command

from posts.documents import Post, now_ms, posts_collection


@pytest.fixture(scope="session", autouse=True)
def posts_schema() -> None:
    call_command("ensure_schema", stdout=io.StringIO())


@pytest.fixture(autouse=True)
def clean_posts(settings: Any) -> None:
    settings.HORNET_AUTH_MODE = "mesh"  # production identity rules, not the dev cookie
    posts_collection().delete_many({})


def stored(
    author_id: uuid.UUID,
    *,
    created_at: datetime | None = None,
    content: str = "stored",
    parent_post_id: uuid.UUID | None = None,
) -> Post:
    """Insert a post directly (fixed timestamps for ordering tests); counters untouched."""
    post = Post(
        author_id=author_id,
        content=content,
        parent_post_id=parent_post_id,
        created_at=created_at or now_ms(),
    )
    post.save(force_insert=True)
    return post
