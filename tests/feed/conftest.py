"""The feed tests run both services for real (gunicorn), with a proxy between them."""

import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import neo4j
import pymongo
import pytest

from tests.feed.stack import ROOT, RecordingProxy, Service, free_port

CACHE_SECONDS = 1.0
FOLLOW_BACKFILL = 3  # small, so the fan-out tests reach the timeline's horizon


@dataclass
class Stack:
    posts: Service
    followers: Service
    proxy: RecordingProxy

    def as_user(self, user_id: uuid.UUID, **headers: str) -> httpx.Client:
        return httpx.Client(headers={"X-User-ID": str(user_id), **headers}, timeout=5)


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    logs = Path(os.environ.get("HORNET_STATE_DIR", ROOT / ".state" / "test")) / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    posts_port, followers_port, proxy_port = free_port(), free_port(), free_port()
    followers = Service(
        "settings.test_followers",
        followers_port,
        # A generous signal timeout: the fan-out tests count on every signal arriving.
        {
            "POSTS_SERVICE_URL": f"http://127.0.0.1:{posts_port}",
            "POSTS_NOTIFY_TIMEOUT_SECONDS": "5",
        },
        logs / "feed-followers.log",
    )
    proxy = RecordingProxy(proxy_port, followers.url)
    proxy.start()
    posts = Service(
        "settings.test_posts",
        posts_port,
        {
            "FOLLOWERS_SERVICE_URL": f"http://127.0.0.1:{proxy_port}",
            "FEED_FOLLOWING_CACHE_SECONDS": str(CACHE_SECONDS),
            "FOLLOWERS_TIMEOUT_SECONDS": "0.5",
            "FOLLOWERS_BREAKER_FAILURES": "3",
            "FOLLOWERS_BREAKER_RESET_SECONDS": "1",
            "FEED_FOLLOW_BACKFILL": str(FOLLOW_BACKFILL),
        },
        logs / "feed-posts.log",
    )
    try:
        followers.wait_ready()
        posts.wait_ready()
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
    finally:
        posts.stop()
        followers.stop()
        proxy.stop()


@pytest.fixture(autouse=True)
def clean(stack: Stack) -> None:
    mongo = pymongo.MongoClient(os.environ.get("MONGO_URI", "mongodb://127.0.0.1:27217/"))
    db = mongo[os.environ.get("MONGO_DB", "hornet_test")]
    db["posts"].delete_many({})
    db["following_cache"].delete_many({})
    for name in ("author_stats", "home_timeline", "feed_owners", "big_authors"):
        db[name].delete_many({})
    mongo.close()
    with neo4j.GraphDatabase.driver(
        os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7887"),
        auth=("neo4j", os.environ.get("NEO4J_PASSWORD", "hornet-test-password")),
    ) as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n")
    if stack.proxy._server is None:
        stack.proxy.start()
    if stack.proxy.disturbed or stack.proxy.delay:
        stack.proxy.delay = 0.0
        stack.proxy.disturbed = False
        time.sleep(1.3)  # let the posts service's circuit breaker close again
    stack.proxy.requests.clear()
