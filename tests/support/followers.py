"""A real followers service for the posts tests (a plugin, tests/conftest.py).

Since issue 16 every read of the posts service asks whom the caller blocks (posts.safety), and
fails closed (503) when the followers service cannot say. The posts tests that are not about
that run beside one followers gunicorn on the test Neo4j, started once per session on first
use, so their reads filter against a real graph as in production."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support import env
from tests.support.services import Service, free_port


@pytest.fixture(scope="session")
def followers_url() -> Iterator[str]:
    service = Service(
        "settings.test_followers",
        free_port(),
        {"HORNET_AUTH_MODE": "mesh", "POSTS_SERVICE_URL": "", "GUNICORN_THREADS": "16"},
        env.logs_dir() / "posts-tests-followers.log",
    )
    try:
        service.wait_ready()
        yield service.url
    finally:
        service.stop()


@pytest.fixture
def with_followers(followers_url: str, settings: Any) -> None:
    """This process's posts code calls that followers service, with a test budget: many first
    reads at once (tests/posts/test_concurrency.py) each ask it, on a 2-core box."""
    from posts.clients import followers_client

    wanted = {"FOLLOWERS_SERVICE_URL": followers_url, "FOLLOWERS_TIMEOUT_SECONDS": 5.0}
    if any(getattr(settings, k) != v for k, v in wanted.items()):
        if followers_client.cache_info().currsize:
            followers_client().close()
        for name, value in wanted.items():
            setattr(settings, name, value)
        followers_client.cache_clear()
