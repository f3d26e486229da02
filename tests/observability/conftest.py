"""Both services as gunicorn processes with 2 workers each (metrics, logs and traces must be
right across workers), through the one launcher (scripts/launch.py), the posts service calling
the followers service through a recording proxy that a test can stop, and both exporting
their traces to an OTLP receiver in this process."""

from collections.abc import Iterator

import pytest

from tests.observability.helpers import Stack
from tests.observability.otlp import OtlpReceiver
from tests.support import env
from tests.support.services import free_port, posts_and_followers

# Production's JSON lines, at the most talkative level (what must never be logged is looked
# for in everything the services write).
TWO_WORKERS = {
    "WEB_CONCURRENCY": "2",
    "GUNICORN_THREADS": "4",
    "LOG_FORMAT": "json",
    "LOG_LEVEL": "DEBUG",
}


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    collector = OtlpReceiver(free_port())
    collector.start()
    traces = {
        "OTEL_EXPORTER_OTLP_ENDPOINT": collector.url,
        "OTEL_BSP_SCHEDULE_DELAY": "100",  # export every 0.1 s, not every 5 s
    }
    posts_env = {
        "FOLLOWERS_BREAKER_FAILURES": "2",
        "FOLLOWERS_BREAKER_RESET_SECONDS": "1",
        "HORNET_WRITE_RATE": "20/min",
        "FEED_FOLLOWING_CACHE_SECONDS": "0",
    }
    try:
        with posts_and_followers(
            "observability",
            {**TWO_WORKERS, **traces, **posts_env},
            {**TWO_WORKERS, **traces},
        ) as (posts, followers, proxy):
            yield Stack(posts=posts, followers=followers, proxy=proxy, collector=collector)
    finally:
        collector.stop()


@pytest.fixture(autouse=True)
def clean(stack: Stack) -> None:
    with env.mongo_client() as mongo:
        db = mongo[env.mongo_db()]
        for name in ("posts", "following_cache", "author_stats", "home_timeline", "feed_owners"):
            db[name].delete_many({})
    with env.neo4j_driver() as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n")
