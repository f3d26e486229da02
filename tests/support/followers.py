"""A real followers service for the posts tests (a plugin, tests/conftest.py).

Since issue 16 every read of the posts service asks whom the caller blocks (posts.safety), and
fails closed (503) when the followers service cannot say. The posts tests that are not about
that run beside one followers gunicorn on the test Neo4j, started once per session on first
use, so their reads filter against a real graph as in production."""

from collections.abc import Iterator

import pytest

from tests.support import env
from tests.support.services import Service, free_port


@pytest.fixture(scope="session")
def followers_url() -> Iterator[str]:
    service = Service(
        "settings.test_followers",
        free_port(),
        {"HORNET_AUTH_MODE": "mesh", "POSTS_SERVICE_URL": ""},
        env.logs_dir() / "posts-tests-followers.log",
    )
    try:
        service.wait_ready()
        yield service.url
    finally:
        service.stop()


@pytest.fixture
def with_followers(followers_url: str, settings: object) -> None:
    """This process's posts code calls that followers service."""
    from posts.clients import followers_client

    if followers_url != settings.FOLLOWERS_SERVICE_URL:  # type: ignore[attr-defined]
        settings.FOLLOWERS_SERVICE_URL = followers_url  # type: ignore[attr-defined]
        followers_client.cache_clear()
