"""Posts tests run against the real test MongoDB-wire server (settings.test_posts), each from
empty collections (tests/support/databases.py), beside a real followers service (reads ask
it whom the caller blocks: tests/support/followers.py)."""

import pytest

from posts import selectors
from posts.documents import posts_collection
from tests.posts.helpers import Recorder


@pytest.fixture(autouse=True)
def _empty_collections(clean_posts: None, with_followers: None) -> None:
    pass


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    rec = Recorder(posts_collection())
    monkeypatch.setattr(selectors, "posts_collection", lambda: rec)
    return rec
