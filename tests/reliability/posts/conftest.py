"""Posts reliability tests: empty posts collections (tests/support/databases.py), idempotency
keys and throttle cache; reads in this process ask the session's followers service whom the
caller blocks (tests/support/followers.py)."""

from typing import Any

import pytest
from django.core.cache import cache

from posts.db import database
from posts.idempotency import COLLECTION


@pytest.fixture(autouse=True)
def clean_keys(clean_posts: Any, with_followers: Any) -> None:
    database()[COLLECTION].delete_many({})
    cache.clear()
