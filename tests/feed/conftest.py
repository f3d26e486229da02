"""The feed tests run both services for real (gunicorn), with a proxy between them."""

import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.feed.helpers import CACHE_SECONDS, FOLLOW_BACKFILL, Stack, feed
from tests.helpers import wait_for
from tests.support import env
from tests.support.databases import posts_collection_names
from tests.support.services import posts_and_followers


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    with posts_and_followers(
        "feed",
        {
            "FEED_FOLLOWING_CACHE_SECONDS": str(CACHE_SECONDS),
            "FOLLOWERS_TIMEOUT_SECONDS": "0.5",
            "FOLLOWERS_BREAKER_FAILURES": "3",
            "FOLLOWERS_BREAKER_RESET_SECONDS": "1",
            "FEED_FOLLOW_BACKFILL": str(FOLLOW_BACKFILL),
        },
        # A generous signal timeout: the fan-out tests count on every signal arriving.
        {"POSTS_NOTIFY_TIMEOUT_SECONDS": "5"},
    ) as (posts, followers, proxy):
        # The first Cypher after a (re)started Neo4j is planned and compiled, which can outrun
        # the feed's 0.5 s budget; warm it so the first test sees the steady state.
        warm = uuid.uuid4()
        for _ in range(3):
            httpx.get(
                f"{followers.url}/followers/user/{warm}/following/ids",
                headers={"X-User-ID": str(warm)},
                timeout=10,
            )
        yield Stack(posts=posts, followers=followers, proxy=proxy)


@pytest.fixture(autouse=True)
def clean(stack: Stack) -> None:
    with env.mongo_client() as mongo:
        db = mongo[env.mongo_db()]
        for name in posts_collection_names():  # likes and bookmarks too
            db[name].delete_many({})
    with env.neo4j_driver() as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n")
    if stack.proxy._server is None:
        stack.proxy.start()
    if stack.proxy.disturbed or stack.proxy.delay:
        stack.proxy.delay = 0.0
        stack.proxy.disturbed = False
        # The posts service's circuit breaker may be open: wait until a feed (of a new user:
        # nothing cached) is built from the followers service again.
        wait_for(lambda: feed(stack, uuid.uuid4()).headers.get("X-Feed-Degraded") is None, 10)
    stack.proxy.requests.clear()
