"""Posts reliability tests: empty posts collections (tests/support/databases.py), idempotency
keys and throttle cache."""

from typing import Any

import pytest
from django.core.cache import cache

from posts.db import database
from posts.idempotency import COLLECTION


@pytest.fixture(autouse=True)
def clean_keys(clean_posts: Any) -> None:
    database()[COLLECTION].delete_many({})
    cache.clear()
