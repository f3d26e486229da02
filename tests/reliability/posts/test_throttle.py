"""Write rate limit per identity, shared by every worker: two gunicorn workers, one file cache
(the dev/test CACHE_URL; production points CACHE_URL at Redis or Memcached)."""

import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.reliability.stack import MONGO, posts_service
from tests.support.services import Service

RATE = 5


@pytest.fixture(scope="module")
def posts(tmp_path_factory: pytest.TempPathFactory, followers_url: str) -> Iterator[Service]:
    cache = tmp_path_factory.mktemp("throttle-cache")
    service = posts_service(
        MONGO[1],
        "throttle-posts",
        followers=followers_url,
        WEB_CONCURRENCY="2",
        HORNET_WRITE_RATE=f"{RATE}/min",
        CACHE_URL=f"filecache://{cache}",
    )
    try:
        service.wait_ready()
        yield service
    finally:
        service.stop()


def write(service: Service, user: uuid.UUID) -> httpx.Response:
    # A new connection each time, so the requests spread over both workers.
    return httpx.post(
        f"{service.url}/posts", json={"content": "x"}, headers={"X-User-ID": str(user)}, timeout=10
    )


def test_writes_over_the_rate_are_429_with_retry_after_per_identity(posts):
    alice, bob = uuid.uuid4(), uuid.uuid4()
    statuses = [write(posts, alice).status_code for _ in range(RATE)]
    assert statuses == [201] * RATE
    refused = write(posts, alice)
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert set(refused.json()) == {"code", "message", "details"}
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    # Another identity has its own budget; reads are never throttled.
    assert write(posts, bob).status_code == 201
    reads = httpx.get(f"{posts.url}/posts/author/{alice}", headers={"X-User-ID": str(alice)})
    assert reads.status_code == 200
    assert len(reads.json()) == RATE
