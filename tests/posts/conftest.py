"""Posts tests run against the real test MongoDB-wire server (settings.test_posts), each from
empty collections (tests/support/databases.py)."""

import pytest


@pytest.fixture(autouse=True)
def _empty_collections(clean_posts: None) -> None:
    pass
