"""Posts tests run against the real test MongoDB-wire server (settings.test_posts), each from
empty collections (tests/support/databases.py), beside a real followers service (reads ask
it whom the caller blocks: tests/support/followers.py)."""

from typing import Any

import pytest

from posts import selectors
from posts.documents import posts_collection


@pytest.fixture(autouse=True)
def _empty_collections(clean_posts: None, with_followers: None) -> None:
    pass


class Recorder:  # tests/posts/test_windows.py, test_tag_windows.py
    """The real posts collection, with every ``find`` filter the selectors send written down."""

    def __init__(self) -> None:
        self.filters: list[dict[str, Any]] = []
        self.real = posts_collection()

    def find(self, query: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        self.filters.append(query)
        return self.real.find(query, *args, **kwargs)

    def find_one(self, query: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        self.filters.append(query)
        return self.real.find_one(query, *args, **kwargs)

    def matched(self) -> int:
        """Documents matched by all recorded filters, limits aside: the work they ask for."""
        return sum(self.real.count_documents(f) for f in self.filters)


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    rec = Recorder()
    monkeypatch.setattr(selectors, "posts_collection", lambda: rec)
    return rec
