"""Posts reliability tests: the posts test fixtures (clean collection per test) plus the
idempotency keys and the throttle cache."""

from typing import Any

import pytest
from django.core.cache import cache

from posts.db import database
from posts.idempotency import COLLECTION
from tests.posts.conftest import clean_posts, posts_schema  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def clean_keys(clean_posts: Any) -> None:  # noqa: F811
    database()[COLLECTION].delete_many({})
    cache.clear()
