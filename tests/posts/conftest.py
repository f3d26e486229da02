"""Posts tests run against the real test MongoDB-wire server (settings.test_posts), each from
empty collections (tests/support/databases.py), beside a real followers service (reads ask
it whom the caller blocks: tests/support/followers.py)."""

import pytest

from posts import selectors
from posts.documents import posts_collection
from posts.notifications import reader, reads, store
from tests.posts.helpers import Recorder


@pytest.fixture(autouse=True)
def _empty_collections(clean_posts: None, with_followers: None) -> None:
    pass


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    rec = Recorder(posts_collection())
    monkeypatch.setattr(selectors, "posts_collection", lambda: rec)
    return rec


@pytest.fixture
def entries_recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    """The notification reads' collection, with every filter they send written down."""
    rec = Recorder(store.entries())
    monkeypatch.setattr(reads, "entries", lambda: rec)
    monkeypatch.setattr(reader, "entries", lambda: rec)
    return rec
